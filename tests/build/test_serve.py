"""`make serve`: the open page reloads itself after a save, and a failing edit
keeps the last good page on screen.

Drives tools/serve.py on a small copy of the book (the real build script,
config and library), with a real edit to the chapter file.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

from bookcopy import GOOD, make_book
from waiting import wait_until


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_reloads_on_save_and_keeps_the_last_good_page(tmp_path, browser):
    root = make_book(tmp_path, {"good": GOOD})
    port, log = free_port(), tmp_path / "serve.log"
    env = dict(os.environ, PYTHONPATH=str(root / "src"), PORT=str(port))
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, str(root / "tools" / "serve.py")],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:

        def listening() -> bool:
            with socket.socket() as probe:
                return probe.connect_ex(("127.0.0.1", port)) == 0

        def printed() -> str:
            return "make serve printed:\n" + log.read_text()[-3000:]

        def running() -> bool:
            return server.poll() is None

        wait_until(listening, 300, "the server", alive=running, details=printed)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/book/good.html")
        assert "marker: original" in page.inner_text("body")

        chapter = root / "book" / "good.md"
        chapter.write_text(chapter.read_text().replace('"original"', '"saved"'))
        # No reload by the test: sphinx-autobuild's script reloads the tab.
        page.wait_for_function("document.body.innerText.includes('marker: saved')", timeout=300_000)

        chapter.write_text(chapter.read_text() + "\n```{code-cell} ipython3\nratio = 1 / 0\n```\n")

        def failed_check() -> bool:
            return "Pre-build command exited" in log.read_text()

        wait_until(failed_check, 300, "the failed check", alive=running, details=printed)
        output = log.read_text()
        assert "book/good.md, cell 2" in output and "ZeroDivisionError" in output
        # A new tab: the open one may be reloading itself at this moment.
        fresh = browser.new_page()
        fresh.goto(f"http://127.0.0.1:{port}/book/good.html")
        body = fresh.inner_text("body")
        assert "marker: saved" in body and "ZeroDivisionError" not in body, "the last good page is served"
        fresh.close()
        page.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
