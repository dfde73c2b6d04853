"""Tested helper code for *Deep Learning, Step by Step*.

The package has three floors, each importing only from the floors below:

1. the maths core in plain NumPy: :mod:`dlbook.activations`,
   :mod:`dlbook.losses`, :mod:`dlbook.scratch`, :mod:`dlbook.descent`;
2. the PyTorch layer: :mod:`dlbook.models`, :mod:`dlbook.training`,
   :mod:`dlbook.data`;
3. the presentation layer: :mod:`dlbook.plots` and the Sphinx extension
   :mod:`dlbook.sphinx`.

Importing ``dlbook`` imports nothing heavy and changes no global state:
import the submodule you need, e.g. ``from dlbook import losses``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
