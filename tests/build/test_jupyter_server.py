"""Run any chapter the way Binder would: a real Jupyter server set up by binder/postBuild.

``binder/postBuild`` is run (with ``NB_PYTHON_PREFIX`` pointing at a
temporary prefix, as repo2docker sets it) and a real ``jupyter lab`` from
the project's ``.venv`` is started on 127.0.0.1 with the settings folder
that postBuild wrote. Then:

* JupyterLab's settings API must report "Jupytext Notebook" as the default
  viewer of markdown and myst files: that is what makes a launch link to
  ``book/<chapter>.md`` open a notebook;
* every chapter is requested through the server's contents API the way the
  "Jupytext Notebook" viewer requests it (``type=notebook``) and must come
  back as a notebook with the chapter's cells;
* one chapter's notebook, as the server returned it, is executed cell by cell
  in a kernel the server started (through a session, over the kernel's
  websocket, as JupyterLab does); no cell may fail. The times to open the
  server and to run the chapter are printed. ``DLBOOK_BINDER_CHAPTER``
  picks another chapter.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

import bookdata
from waiting import wait_until

ROOT = bookdata.ROOT
BINDER = ROOT / "binder"
VENV_BIN = Path(sys.executable).parent
#: The chapter the kernel test runs (the pattern chapter).
RUN_CHAPTER = os.environ.get("DLBOOK_BINDER_CHAPTER", "book/loss-functions.md")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, url: str, token: str, seconds_to_open: float):
        self.url, self.token, self.seconds_to_open = url, token, seconds_to_open

    def request(self, method: str, path: str, body: dict | None = None, **query) -> dict:
        query["token"] = self.token
        url = f"{self.url}{path}?{urllib.parse.urlencode(query)}"
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as response:
            text = response.read().decode()
        return json.loads(text) if text else {}


@pytest.fixture(scope="module")
def jupyter(tmp_path_factory):
    """``jupyter lab`` on 127.0.0.1 serving the repository, after binder/postBuild ran."""
    tmp = tmp_path_factory.mktemp("binder")
    prefix = tmp / "prefix"
    # repo2docker runs postBuild from the repository root with NB_PYTHON_PREFIX
    # set to the environment's prefix; we point it at a temporary prefix so
    # the test never writes into .venv.
    subprocess.run(
        ["bash", str(BINDER / "postBuild")],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env=dict(os.environ, NB_PYTHON_PREFIX=str(prefix)),
    )
    settings = prefix / "share" / "jupyter" / "lab" / "settings"
    assert (settings / "overrides.json").read_text() == (BINDER / "overrides.json").read_text()

    port, token = free_port(), uuid.uuid4().hex
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp / "config"),  # no personal config leaks in
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
    )
    command = [
        str(VENV_BIN / "jupyter-lab"),
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={ROOT}",
        # Binder's JupyterLab reads overrides.json from
        # <prefix>/share/jupyter/lab/settings; ours is in the temporary prefix.
        f"--LabApp.app_settings_dir={settings}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = open(tmp / "server.log", "w")
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:

        def answering() -> bool:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                return True
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        def printed() -> str:
            log.flush()
            return "jupyter lab printed:\n" + (tmp / "server.log").read_text()[-3000:]

        wait_until(answering, 90, "jupyter lab to answer", alive=lambda: process.poll() is None, details=printed)
        server = Server(f"http://127.0.0.1:{port}", token, time.perf_counter() - start)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_jupyterlab_opens_markdown_as_jupytext_notebook(jupyter):
    plugin = jupyter.request("GET", "/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    default = plugin["schema"]["properties"]["defaultViewers"]["default"]
    assert default == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    specs = jupyter.request("GET", "/api/kernelspecs")
    assert "python3" in specs["kernelspecs"], "the chapters' kernelspec must exist on the server"


@pytest.mark.parametrize("chapter", [f"{f}.md" for f in bookdata.toc_files(ROOT / "_toc.yml")])
def test_each_chapter_comes_back_as_a_notebook(jupyter, chapter):
    import jupytext

    path = ROOT / chapter
    assert path.is_file(), f"_toc.yml lists {chapter}, which does not exist"
    model = jupyter.request("GET", f"/api/contents/{chapter}", type="notebook", content=1)
    assert model["type"] == "notebook" and model["format"] == "json"
    cells = model["content"]["cells"]
    expected = jupytext.read(path).cells
    assert [(c["cell_type"], c["source"]) for c in cells] == [(c.cell_type, c.source) for c in expected]
    text = path.read_text(encoding="utf-8")
    assert sum(c["cell_type"] == "code" for c in cells) == len(bookdata.CODE_CELL.findall(text))
    if bookdata.CODE_CELL.search(text):
        assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"


class KernelChannel:
    """The kernel's websocket at /api/kernels/<id>/channels, as JupyterLab uses it."""

    def __init__(self, server: Server, kernel_id: str):
        import websocket  # websocket-client, a dependency of jupyter_server

        self.session = uuid.uuid4().hex
        url = (
            server.url.replace("http://", "ws://")
            + f"/api/kernels/{kernel_id}/channels?session_id={self.session}&token={server.token}"
        )
        self.ws = websocket.create_connection(url, timeout=300)

    def execute(self, code: str) -> list[dict]:
        """Run ``code``; return the iopub and shell messages that answer it."""
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": "test",
                        "session": self.session,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        replies, idle, reply = [], False, False
        while not (idle and reply):
            message = json.loads(self.ws.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            replies.append(message)
            kind = message["msg_type"]
            if kind == "status" and message["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                reply = True
        return replies

    def close(self):
        self.ws.close()


def test_a_chapter_runs_in_a_kernel_started_by_the_server(jupyter):
    model = jupyter.request("GET", f"/api/contents/{RUN_CHAPTER}", type="notebook", content=1)
    notebook = model["content"]
    start = time.perf_counter()
    # JupyterLab opens a notebook by creating a session for its path.
    session = jupyter.request(
        "POST",
        "/api/sessions",
        {
            "path": RUN_CHAPTER,
            "name": Path(RUN_CHAPTER).name,
            "type": "notebook",
            "kernel": {"name": notebook["metadata"]["kernelspec"]["name"]},
        },
    )
    kernel_id = session["kernel"]["id"]
    channel = KernelChannel(jupyter, kernel_id)
    failures, ran = [], 0
    try:
        for number, cell in enumerate(notebook["cells"], start=1):
            if cell["cell_type"] != "code" or not cell["source"].strip():
                continue
            tags = cell.get("metadata", {}).get("tags", [])
            if "skip-execution" in tags:
                continue
            messages = channel.execute(cell["source"])
            ran += 1
            errors = [m["content"] for m in messages if m["msg_type"] == "error"]
            if errors and "raises-exception" not in tags:
                failures.append(f"cell {number}: {errors[0]['ename']}: {errors[0]['evalue']}\n{cell['source'][:300]}")
    finally:
        channel.close()
        jupyter.request("DELETE", f"/api/sessions/{session['id']}")
    seconds = time.perf_counter() - start
    print(
        f"\nBinder emulation: server open in {jupyter.seconds_to_open:.1f} s; "
        f"{RUN_CHAPTER} ({ran} code cells) executed through the server's kernel in {seconds:.1f} s"
    )
    assert ran > 0
    assert failures == [], "\n\n".join(failures)
