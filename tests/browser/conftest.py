"""Fixtures for the browser tests: the built site in Debian's headless Chromium.

The tests read the site that ``make book`` wrote (``_build/html``), serve it on
127.0.0.1 with a threaded ``http.server`` and drive it with Playwright for
Python and ``/usr/bin/chromium`` (never a downloaded browser). If Chromium is
missing the tests FAIL and say ``apt-get install -y chromium``.

Fixtures (session-wide unless noted; ``html_dir``, the built site, and
``browser``, one Playwright ``Browser``, come from tests/conftest.py):

``toc_pages``
    The pages of ``_toc.yml`` in reading order, as paths relative to
    ``html_dir`` (``["book/index.html", "book/what-is-deep-learning.html", ...]``).
    ``DLBOOK_TOC=path`` reads another toc.
``site_url``
    ``"http://127.0.0.1:<port>/"``, the root of the served site.
``open_page`` (function scope)
    ``open_page(path, width=1280, height=900, dark=False, wait=True)`` opens
    ``site_url + path`` in a fresh browser context of that viewport (``dark``
    asks for the dark colour scheme), waits until the page has loaded and,
    with ``wait``, until the fonts are in; it returns
    a :class:`browsing.Visit`. ``visit.page`` is the Playwright page; the visit
    records ``console_errors``, ``page_errors``, ``failed_requests`` (including
    HTTP status >= 400) and ``offhost_requests`` (any URL not on the test
    server); ``visit.problems()`` lists them all. Contexts close after the test.

Helpers in ``tests/browsing.py`` (import them from there, not from this file):
``DESKTOP`` and ``PHONE`` (1280 and 390), ``SCREENSHOTS`` (``_build/screenshots``),
``AXE_JS`` (axe-core from node_modules, for ``page.add_script_tag(path=...)``),
:func:`page_id` (``book/forward-pass.html`` -> ``forward-pass``), :func:`settle`
(wait for the fonts), :func:`new_visit` (``open_page`` for
session-scoped use; call ``visit.close()``) and :func:`script` (the text of a
script in ``tests/browser/js``, for ``page.evaluate``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from browsing import DESKTOP, Visit, new_visit, serve, toc_file, toc_paths


@pytest.fixture(scope="session")
def toc_pages(html_dir: Path) -> list[str]:
    return toc_paths(toc_file())


@pytest.fixture(scope="session")
def site_url(html_dir: Path):
    with serve(html_dir) as url:
        yield url


@pytest.fixture
def open_page(browser, site_url):
    visits = []

    def _open(path: str, width: int = DESKTOP, height: int = 900, dark: bool = False, wait: bool = True) -> Visit:
        visits.append(new_visit(browser, site_url, path, width, height, dark, wait))
        return visits[-1]

    yield _open
    for visit in visits:
        visit.close()
