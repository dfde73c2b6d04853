"""dlbook.sphinx.images: the site's PNG figures with a palette, quantized once."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from dlbook.sphinx import images
from sphinxroots import Project


def figure(path: Path, slope: int = 5) -> None:
    """A plot-like PNG: anti-aliased lines over a white background, thousands of colours."""
    picture = Image.new("RGBA", (400, 300), "white")
    draw = ImageDraw.Draw(picture)
    for k in range(40):
        draw.line([(0, 7 * k), (400, 300 - slope * k)], fill=(30 + 5 * k, 119, 180 - 4 * k, 255), width=2)
    picture = picture.resize((800, 600), Image.Resampling.LANCZOS)  # smooth edges: many colours
    picture.save(path)


def project(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["dlbook.sphinx.images"]\nexclude_patterns = ["_build"]\n')
    (src / "index.rst").write_text("Index\n=====\n\n.. image:: plot.png\n   :alt: a plot\n")
    figure(src / "plot.png")
    return src


def build(src: Path) -> tuple[Path, str]:
    result = Project(src.parent).build(fresh=False)
    return result.outdir, result.status


def test_a_figure_keeps_its_size_and_gets_a_palette_of_at_most_256_colours(tmp_path):
    source = tmp_path / "plot.png"
    figure(source)
    with Image.open(source) as original:
        assert len(original.getcolors(1 << 24)) > images.COLOURS
    images.quantize(source, tmp_path / "small.png")
    with Image.open(tmp_path / "small.png") as small:
        assert small.mode == "P" and small.size == (800, 600)
        assert len(small.getcolors(1 << 24)) <= images.COLOURS
    assert (tmp_path / "small.png").stat().st_size < source.stat().st_size / 2


def test_a_build_writes_the_sites_copy_with_a_palette_once(tmp_path):
    src = project(tmp_path)
    out, status = build(src)
    assert "1 figure(s) written with a palette (1 quantized now)" in status
    with Image.open(out / "_images" / "plot.png") as served:
        assert served.mode == "P"
    with Image.open(src / "plot.png") as original:
        assert original.mode == "RGBA"  # the source is untouched
    _, status = build(src)
    assert "quantized now" not in status  # nothing new
    figure(src / "plot.png", slope=6)  # a chapter executed again draws its figure anew
    out, status = build(src)
    assert "1 figure(s) written with a palette (1 quantized now)" in status
    with Image.open(out / "_images" / "plot.png") as served:
        assert served.mode == "P"
    assert len(list((tmp_path / "build" / "doctrees" / "images").glob("*.png"))) == 1  # the old one forgotten
