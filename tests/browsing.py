"""Helpers shared by the browser tests (their fixtures are in tests/browser/conftest.py)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import socketserver
import threading
from dataclasses import dataclass, field
from pathlib import Path

import bookdata
from dlbook.sphinx import browser

ROOT = bookdata.ROOT
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [*browser.ARGS, "--disable-features=Translate,OptimizationHints,MediaRouter"]
DESKTOP, PHONE = 1280, 390
SCREENSHOTS = ROOT / "_build" / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def page_id(path: str) -> str:
    """``book/forward-pass.html`` -> ``forward-pass`` (for test ids and file names)."""
    return Path(path).stem


def toc_file() -> Path:
    """The toc whose pages the tests visit: ``DLBOOK_TOC`` or ``_toc.yml``."""
    return Path(os.environ.get("DLBOOK_TOC", ROOT / "_toc.yml"))


def toc_paths(toc_file: Path) -> list[str]:
    """Every page named in a jb-book toc, root first, as ``.html`` paths."""
    return [str(Path(f).with_suffix(".html")) for f in bookdata.toc_files(toc_file)]


@dataclass
class Visit:
    """One page opened in the browser, and what went wrong while it loaded."""

    url: str
    page: object = None
    context: object = None
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    offhost_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed_requests]
            + [f"request to another host: {m}" for m in self.offhost_requests]
        )

    def close(self) -> None:
        if self.context is not None:
            self.context.close()


JS = Path(__file__).resolve().parent / "browser" / "js"


def _source(name: str) -> str:
    """``tests/browser/js/<name>.js`` without its leading comment."""
    lines = (JS / f"{name}.js").read_text(encoding="utf-8").splitlines()
    while lines and lines[0].startswith("//"):
        lines.pop(0)
    return "\n".join(lines).strip()


def with_helpers(function: str, *uses: str) -> str:
    """``function`` (JavaScript) with the helpers of ``tests/browser/js/<use>.js`` in scope.

    Playwright calls the result with its argument: ``(() => { helpers; return function; })()``.
    """
    if not uses:
        return function.strip()
    helpers = "\n".join(_source(name) for name in uses)
    return f"(() => {{\n{helpers}\nreturn {function.strip()};\n}})()"


@functools.cache
def script(name: str, uses: tuple[str, ...] = ()) -> str:
    """The JavaScript function in ``tests/browser/js/<name>.js`` (its leading comment left out), for
    ``page.evaluate`` or ``page.wait_for_function``; ``uses`` names helper files it needs (``colour``)."""
    return with_helpers(_source(name), *uses)


def settle(page) -> dict:
    """Wait until the fonts are in (maths and diagrams are drawn at build time)."""
    return page.evaluate(script("settle"))


def new_visit(
    browser, site_url: str, path: str, width: int = DESKTOP, height: int = 900, dark: bool = False, wait: bool = True
) -> Visit:
    """Open ``path`` in a fresh browser context; close it with ``visit.close()``."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme="dark" if dark else "light", service_workers="block"
    )
    page = context.new_page()
    visit = Visit(url=site_url + path, page=page, context=context)
    host = site_url.rstrip("/")

    def on_console(message):
        if message.type == "error":
            location = message.location.get("url", "")
            visit.console_errors.append(f"{message.text} ({location})")

    def on_response(response):
        if response.status >= 400:
            visit.failed_requests.append(f"HTTP {response.status} {response.url}")

    def on_request(request):
        if not (request.url.startswith(host + "/") or request.url.startswith(("data:", "blob:"))):
            visit.offhost_requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    page.on("requestfailed", lambda request: visit.failed_requests.append(f"{request.failure} {request.url}"))
    page.on("response", on_response)
    page.on("request", on_request)
    page.goto(visit.url, wait_until="load")
    if wait:
        settle(page)
    return visit


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def serve(folder: Path):
    """Serve ``folder`` on 127.0.0.1 (a free port) while the block runs; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
