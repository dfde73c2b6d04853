"""Every explorable figure of the built book, driven by keyboard in Chromium, offline.

For each ``{explorable}`` (dlbook.sphinx.explore) in ``_build/html``, in a
browser context that aborts every request not to the test server:

* the data in the page are what ``dlbook.explore`` computes;
* each control, moved by keyboard, redraws the SVG and the read-out, and the
  read-out shows the precomputed numbers of the new setting;
* no console or page error, no request to another host;
* axe-core finds nothing in the figure, in light and dark mode;
* nothing overflows at a 390 px wide viewport;
* with JavaScript disabled the static fallback figure shows instead.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import expect

from browsing import AXE_JS, DESKTOP, PHONE
from dlbook import explore

pytestmark = pytest.mark.browser

JS = Path(__file__).parent / "js"
#: (page, figure) of every explorable figure in the book.
EXPLORABLES = [
    ("book/gradient-descent.html", "learning-rate"),
    ("book/neurons-and-networks.html", "neuron"),
    ("book/convolutional-networks.html", "convolution"),
    ("book/backpropagation.html", "backpropagation"),
    ("book/training-loop.html", "training"),
    ("book/generalization.html", "overfitting"),
    ("book/gradient-descent.html", "bowl"),
]
IDS = [figure for _, figure in EXPLORABLES]


def fmt(value: float) -> str:
    """A number as the page's script prints it: 4 significant digits, a leading true minus sign."""
    value = float(f"{value:.4g}")
    if value == int(value):
        text = str(int(value))
    elif abs(value) >= 1e-6:
        text = np.format_float_positional(value, trim="-")
    else:
        text = np.format_float_scientific(value, trim="-", exp_digits=1)
    return text.replace("-", "\u2212", 1)


@pytest.fixture
def offline(browser, site_url):
    """``offline(path, width, javascript, dark)`` -> (page, errors, blocked); other hosts are unreachable."""
    contexts = []
    host = site_url.rstrip("/")

    def _open(path: str, width: int = DESKTOP, javascript: bool = True, dark: bool = False):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            color_scheme="dark" if dark else "light",
            service_workers="block",
        )
        contexts.append(context)
        errors: list[str] = []
        blocked: list[str] = []

        def route(r):
            if r.request.url.startswith((host + "/", "data:", "blob:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(site_url + path, wait_until="load")
        return page, errors, blocked

    yield _open
    for context in contexts:
        context.close()


def figure_root(page, figure: str):
    root = page.locator(f'.dlbook-explorable[data-figure="{figure}"]')
    expect(root).to_have_class(re.compile(r"dlbook-explorable-ready"))
    return root


def page_data(html_dir: Path, path: str, figure: str) -> dict:
    text = (html_dir / path).read_text(encoding="utf-8")
    match = re.search(
        rf'data-figure="{figure}"[^>]*><script type="application/json" class="dlbook-explorable-data">(.*?)</script>',
        text,
        re.S,
    )
    assert match, f"{path}: no data for the {figure!r} figure"
    return json.loads(unescape(match.group(1)).replace("<\\/", "</"))


def turn(page, root, label: str, key: str, times: int, *expected: str) -> str:
    """Press ``key`` on the control labelled ``label`` (or the button named so); drawing and read-out must change."""
    readout = root.locator(".dlbook-explorable-readout")
    before_text, before_svg = readout.inner_text(), root.locator("svg.dlbook-explorable-svg").inner_html()
    control = root.get_by_label(label, exact=True)
    (control if control.count() else root.get_by_role("button", name=label, exact=True)).focus()
    for _ in range(times):
        page.keyboard.press(key)
    expect(readout).not_to_have_text(before_text)
    assert root.locator("svg.dlbook-explorable-svg").inner_html() != before_svg, (
        f"{label}: {key} did not redraw the figure"
    )
    text = readout.inner_text()
    for part in expected:
        assert part in text, f"{label}: read-out {text!r} lacks {part!r}"
    return text


def test_every_explorable_of_the_site_is_tested(html_dir):
    found = []
    for path in sorted(html_dir.glob("book/*.html")):
        for figure in re.findall(r'class="dlbook-explorable" data-figure="([^"]+)"', path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(html_dir)), figure))
    assert sorted(found) == sorted(EXPLORABLES)


@pytest.mark.parametrize(("path", "figure"), EXPLORABLES, ids=IDS)
def test_page_holds_the_data_dlbook_computes(html_dir, path, figure):
    assert page_data(html_dir, path, figure) == explore.figure_data(figure)


def test_learning_rate_by_keyboard(offline, html_dir):
    path, figure = EXPLORABLES[0]
    data = page_data(html_dir, path, figure)
    page, errors, blocked = offline(path)
    root = figure_root(page, figure)
    lrs = data["lrs"]

    def parts(lr: float) -> list[str]:
        i = lrs.index(lr)
        shown = [f"\u03b7 = {fmt(lr)}:", f"x = {fmt(data['paths'][i][-1])}", f"loss is {fmt(data['final_loss'][i])}"]
        steps = data["steps_to_reach"][i]
        return [*shown, f"after {steps} steps." if steps is not None else "never arrives"]

    expect(root.locator(".dlbook-explorable-readout")).to_contain_text(parts(0.1)[0])
    turn(page, root, "Learning rate \u03b7", "ArrowRight", 5, *parts(0.15))
    turn(page, root, "Learning rate \u03b7", "End", 1, *parts(1.1), "diverges")
    turn(page, root, "Learning rate \u03b7", "ArrowLeft", 10, *parts(1.0), "bounces between the walls")
    turn(page, root, "Learning rate \u03b7", "Home", 1, *parts(0.01))
    assert root.locator("svg.dlbook-explorable-svg circle").count() == data["num_steps"] + 1
    assert errors == [] and blocked == []


def test_neuron_by_keyboard(offline, html_dir):
    path, figure = EXPLORABLES[1]
    data = page_data(html_dir, path, figure)
    page, errors, blocked = offline(path)
    root = figure_root(page, figure)

    def output(name: str, z: float) -> str:
        return fmt(data["tables"][name][round((z - data["z_min"]) / data["z_step"])])

    turn(page, root, "Activation f", "ArrowDown", 1, "tanh(w x + b) with w = 1 and b = 0")
    turn(page, root, "Weight w", "ArrowRight", 4, "w = 2 and b = 0", f"at x = 0 the output is {output('tanh', 0)}.")
    turn(
        page,
        root,
        "Bias b",
        "ArrowLeft",
        12,
        "w = 2 and b = \u22123",
        "sits at x = \u2212b/w = 1.5, where the output is 0;",
        f"at x = 0 the output is {output('tanh', -3.0)}.",
    )
    turn(page, root, "Activation f", "ArrowDown", 1, "relu(w x + b)", "the kink", f"is {output('relu', -3.0)}.")
    assert errors == [] and blocked == []


def test_convolution_by_keyboard(offline, html_dir):
    path, figure = EXPLORABLES[2]
    data = page_data(html_dir, path, figure)
    page, errors, blocked = offline(path)
    root = figure_root(page, figure)
    signal = data["signal"]

    def parts(k: int, i: int) -> list[str]:
        kernel = data["kernels"][k]
        terms = " + ".join(f"{fmt(w)} \u00b7 {fmt(signal[i + j])}" for j, w in enumerate(kernel["weights"]))
        return [f"y{i} = {terms} = {fmt(kernel['output'][i])}."]

    expect(root.locator(".dlbook-explorable-readout")).to_contain_text(parts(0, 0)[0])
    turn(page, root, "Window position", "ArrowRight", 2, *parts(0, 2))
    turn(page, root, "Kernel", "ArrowDown", 1, *parts(1, 2))
    turn(page, root, "Window position", "End", 1, *parts(1, len(data["kernels"][1]["output"]) - 1))
    filled = root.locator("svg.dlbook-explorable-svg text.value[data-index]")
    assert filled.all_text_contents() == [fmt(v) for v in data["kernels"][1]["output"]]
    assert errors == [] and blocked == []


def test_backpropagation_by_keyboard(offline, html_dir):
    path, figure = EXPLORABLES[3]
    data = page_data(html_dir, path, figure)
    page, errors, blocked = offline(path)
    root = figure_root(page, figure)
    steps = data["steps"]

    def parts(k: int) -> list[str]:
        step = steps[k - 1]
        numbers = ", ".join(f"{name} = {fmt(value)}" for name, value in step["values"])
        return [f"Step {k} of {len(steps)}, {step['phase']} pass: {step['formula']}. {numbers}."]

    readout = root.locator(".dlbook-explorable-readout")
    expect(readout).to_have_text(parts(1)[0])
    turn(page, root, "Next \u2192", "Enter", 4, *parts(5))
    turn(page, root, "Step", "End", 1, *parts(len(steps)))
    turn(page, root, "\u2190 Back", "Space", 1, *parts(len(steps) - 1))
    turn(page, root, "Step", "Home", 1, *parts(1))
    for k in range(2, len(steps) + 1):  # every step's read-out is its precomputed numbers
        turn(page, root, "Step", "ArrowRight", 1, *parts(k))
    drawn = {t for t in root.locator("svg.dlbook-explorable-svg text.grad").all_text_contents() if t}
    shown = {name: value for step in steps for name, value in step["values"]}
    assert drawn == {f"{name} = {fmt(shown[name])}" for name in ("dz_out", "dz_h1", "dz_h2")}
    assert root.get_by_role("button", name="Next \u2192").get_attribute("aria-disabled") == "true"
    assert errors == [] and blocked == []


@pytest.mark.parametrize(("index", "frames"), [(4, [4, 30, 29]), (5, [3, 25, 24])], ids=["training", "overfitting"])
def test_recorded_training_by_keyboard(offline, html_dir, index, frames):
    path, figure = EXPLORABLES[index]
    data = page_data(html_dir, path, figure)
    page, errors, blocked = offline(path)
    root = figure_root(page, figure)
    total = data["epochs"][-1]

    def parts(k: int) -> list[str]:
        shot, epochs = data["frames"][k], data["epochs"][k]
        if figure == "training":
            p = ", ".join(fmt(v) for v in shot["p_points"])
            return [f"After {epochs} of {total} epochs the training loss is {fmt(shot['loss'])};", f"(1, 1): {p}."]
        return [
            f"After {epochs} of {total} epochs: training loss {fmt(shot['train'])}, validation loss {fmt(shot['val'])}."
        ]

    expect(root.locator(".dlbook-explorable-readout")).to_contain_text(parts(0)[0])
    turn(page, root, "Epochs trained", "ArrowRight", frames[0], *parts(frames[0]))
    turn(page, root, "Epochs trained", "End", 1, *parts(frames[1]))
    turn(page, root, "Epochs trained", "ArrowLeft", 1, *parts(frames[2]))
    slider = root.get_by_label("Epochs trained", exact=True)
    assert slider.get_attribute("aria-valuetext") == f"{data['epochs'][frames[2]]} epochs"
    assert errors == [] and blocked == []


def test_bowl_by_keyboard(offline, html_dir):
    path, figure = EXPLORABLES[6]
    data = page_data(html_dir, path, figure)
    page, errors, blocked = offline(path)
    root = figure_root(page, figure)
    lrs = data["lrs"]

    def parts(lr: float) -> list[str]:
        i = lrs.index(lr)
        w1, w2 = data["factors"][i]
        shown = [
            f"\u03b7 = {fmt(lr)}:",
            f"w1 by {fmt(w1)} and w2 by {fmt(w2)};",
            f"loss is {fmt(data['final_loss'][i])};",
        ]
        steps = data["steps_to_reach"][i]
        return [*shown, f"after {steps} steps." if steps is not None else "40 steps"]

    expect(root.locator(".dlbook-explorable-readout")).to_have_text(re.compile(re.escape(" ".join(parts(0.18)[:1]))))
    turn(page, root, "Learning rate \u03b7", "ArrowLeft", 8, *parts(0.1))
    turn(page, root, "Learning rate \u03b7", "ArrowRight", 9, *parts(0.19), "still above")
    turn(page, root, "Learning rate \u03b7", "ArrowRight", 1, *parts(0.2), "bounces across the valley")
    turn(page, root, "Learning rate \u03b7", "End", 1, *parts(0.25), "diverges")
    assert root.locator("svg.dlbook-explorable-svg circle").count() == len(data["paths"][0])
    assert errors == [] and blocked == []


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize(("path", "figure"), EXPLORABLES, ids=IDS)
def test_axe_finds_nothing_in_the_figure(offline, path, figure, dark):
    page, errors, _ = offline(path, dark=dark)
    figure_root(page, figure)
    page.add_script_tag(path=str(AXE_JS))
    violations = page.evaluate((JS / "explorable-axe.js").read_text(), f'.dlbook-explorable[data-figure="{figure}"]')
    assert violations == []
    assert errors == []


@pytest.mark.parametrize(("path", "figure"), EXPLORABLES, ids=IDS)
def test_fits_a_phone_without_overflow(offline, path, figure):
    page, errors, _ = offline(path, width=PHONE)
    figure_root(page, figure)
    layout = page.evaluate((JS / "explorable-layout.js").read_text(), f'.dlbook-explorable[data-figure="{figure}"]')
    assert layout["liveShown"] and not layout["fallbackShown"], layout
    assert layout["pageOverflow"] <= 0 and layout["liveRight"] <= layout["viewport"], layout
    assert layout["svgWidth"] > 0.7 * (PHONE - 60), layout
    assert errors == []


@pytest.mark.parametrize(("path", "figure"), EXPLORABLES, ids=[figure for _, figure in EXPLORABLES])
def test_without_javascript_the_fallback_figure_shows(offline, path, figure):
    page, _, _ = offline(path, javascript=False)
    root = page.locator(f'.dlbook-explorable[data-figure="{figure}"]')
    expect(root.locator(".dlbook-explorable-fallback figcaption")).to_be_visible()
    assert root.locator(".dlbook-explorable-fallback img").count() == 1, "the fallback figure has no image"
    root.locator(".dlbook-explorable-fallback img").scroll_into_view_if_needed()
    page.wait_for_function(
        "sel => { const img = document.querySelector(sel); return img && img.complete && img.naturalWidth > 0; }",
        arg=f'.dlbook-explorable[data-figure="{figure}"] .dlbook-explorable-fallback img',
    )
    assert root.locator(".dlbook-explorable-live svg").count() == 0  # the page's script never ran
    layout = page.evaluate((JS / "explorable-layout.js").read_text(), f'.dlbook-explorable[data-figure="{figure}"]')
    assert layout["fallbackShown"] and layout["imageShown"] and not layout["liveShown"], layout
