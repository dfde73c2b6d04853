"""Find a Chromium, installing one if none is found.

The build draws its diagrams in it (:mod:`dlbook.sphinx.diagrams`) and the
browser tests drive the site with it. ``.ci/browser.py`` runs :func:`main`,
which prints the path of a working Chromium on stdout (the Makefile passes
it to pytest as ``CHROMIUM``) and explains itself on stderr. In order:

1. ``CHROMIUM``, if it is set;
2. a system Chromium on ``PATH`` (``chromium``, ``chromium-browser``), if
   it runs (Ubuntu's snap stub does not);
3. Playwright's own Chromium, installed with ``python -m playwright install
   chromium`` if it is not there yet (the usual way outside this project's
   CI; it needs network access to Playwright's download host);
4. as root with ``apt-get``: Debian's ``chromium`` package.

If all four fail it exits with status 1 and one message saying what to do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def runs(path: str | None) -> bool:
    """Whether ``path`` is a browser that starts and prints its version."""
    if not path or not os.path.isfile(path):
        return False
    try:
        result = subprocess.run(
            [path, "--headless", "--no-sandbox", "--version"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0 and "chrom" in result.stdout.lower()


def system_browser() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if runs(path):
            return path
    return None


def playwright_browser(install: bool) -> str | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None

    def installed() -> str | None:
        try:
            with sync_playwright() as playwright:
                path = playwright.chromium.executable_path
        except Exception:  # noqa: BLE001 - no driver, no browser: not found
            return None
        return path if runs(path) else None

    path = installed()
    if path or not install:
        return path
    say("no Chromium found: trying `python -m playwright install chromium` ...")
    try:
        subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"],
            check=True,
            timeout=600,
            stdout=sys.stderr,
            stderr=sys.stderr,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        say("  Playwright's browser download did not work here.")
        return None
    return installed()


def apt_browser() -> str | None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    say("installing Debian's chromium with apt-get ...")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(
            ["apt-get", "update", "-qq"], check=True, env=env, timeout=900, stdout=sys.stderr, stderr=sys.stderr
        )
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"],
            check=True,
            env=env,
            timeout=1800,
            stdout=sys.stderr,
            stderr=sys.stderr,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return None
    return system_browser()


#: Flags for a headless Chromium run by a script: no sandbox (containers, root), no GPU, and
#: none of the background traffic (updates, sync, translation) a browser does on its own.
ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def find(install: bool = True) -> str | None:
    """The path of a Chromium that runs, or None; ``install`` allows Playwright's or apt-get's."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured if runs(configured) else None
    return system_browser() or playwright_browser(install) or (apt_browser() if install else None)


#: What to do when no browser can be found or installed.
MISSING = (
    "the build draws its diagrams and the browser tests run in Chromium, and none could be found or installed.\n"
    "  Install one (Debian/Ubuntu: `sudo apt-get install -y chromium`; elsewhere:\n"
    "  `.venv/bin/python -m playwright install chromium`), or point CHROMIUM at one:\n"
    "  `make book CHROMIUM=/path/to/chromium`."
)


def main() -> int:
    path = find()
    if path is None:
        say(f"error: {MISSING}")
        return 1
    print(path)
    return 0
