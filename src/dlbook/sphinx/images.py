"""The site's PNG figures written with a palette of 256 colours: about a quarter of the bytes.

matplotlib writes each figure as a full-colour PNG, though a plot of a few
lines and markers holds a few thousand colours at most, nearly all of them
the anti-aliased edges between two colours. When the build finishes, every
PNG under ``_images`` is written again with a palette of at most 256 colours
(Pillow's octree quantizer, without dithering, keeping the alpha channel) and
optimised. The pixel size does not change, so the ``width`` and ``height``
that :func:`dlbook.sphinx.fixes.size_images` writes stay true. In December
2026 the book's 60 figures went from 2,579,697 to 693,424 bytes; on the
heaviest page (gradient descent) its five figures from 339,259 to 80,526.

The notebooks readers download keep matplotlib's original images; only the
site's copies change. Each quantized figure is kept in
``<doctreedir>/images`` under the hash of the original (the builder copies
the originals again when a chapter is executed again), so a figure is
quantized once.

Register it in ``_config.yml`` under ``sphinx: extra_extensions:`` as
``dlbook.sphinx.images``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Colours in a figure's palette (the most a PNG palette holds).
COLOURS = 256


def quantize(source: Path, target: Path) -> None:
    """Write ``source`` (a PNG) to ``target`` with a palette of :data:`COLOURS` colours, optimised."""
    from PIL import Image

    with Image.open(source) as image:
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA")
        palette = image.quantize(colors=COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    palette.save(target, format="PNG", optimize=True)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def quantize_figures(app: Sphinx, exception) -> None:
    """``build-finished``: every PNG of ``_images`` with a palette, from the cache where it was done before."""
    images = Path(app.outdir) / "_images"
    if exception is not None or getattr(app.builder, "format", None) != "html" or not images.is_dir():
        return
    kept = Path(app.doctreedir) / "images"
    kept.mkdir(parents=True, exist_ok=True)
    index_path = kept / "index.json"
    index: dict[str, str] = json.loads(index_path.read_text(encoding="utf-8")) if index_path.is_file() else {}
    done = set(index.values())
    written = quantized = before = after = 0
    in_use = set()
    for path in sorted(images.glob("*.png")):
        digest = _digest(path)
        if digest in done:  # written by an earlier build, not copied again since
            in_use |= {original for original, result in index.items() if result == digest}
            continue
        copy = kept / f"{digest}.png"
        if not copy.is_file():
            quantize(path, copy)
            quantized += 1
        before += path.stat().st_size
        shutil.copyfile(copy, path)
        after += path.stat().st_size
        written += 1
        index[digest] = _digest(copy)
        in_use.add(digest)
    for original in set(index) - in_use:  # figures no page shows any more
        index.pop(original)
        (kept / f"{original}.png").unlink(missing_ok=True)
    index_path.write_text(json.dumps(index, sort_keys=True), encoding="utf-8")
    if written:
        logger.info(
            "dlbook.sphinx.images: %d figure(s) written with a palette (%d quantized now): %s -> %s bytes",
            *(written, quantized, f"{before:,}", f"{after:,}"),
        )


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", quantize_figures)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
