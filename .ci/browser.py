"""Print the path of a working Chromium, installing one if none is found.

The Makefile runs this before the tests and passes the path on as
``CHROMIUM``. The search itself (``CHROMIUM``, the system's, Playwright's,
Debian's) lives in :mod:`dlbook.sphinx.browser`, which the build uses too.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # this checkout's dlbook

from dlbook.sphinx.browser import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
