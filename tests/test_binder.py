"""Run any chapter: Binder's environment, a real Jupyter server, launch links, downloads.

Binder cannot run here (no docker, no network), so these tests do what
repo2docker and JupyterLab would do, with the same files Binder uses:

* ``binder/requirements.txt`` pins what ``requirements.txt`` pins (torch as
  the ``+cpu`` build from PyTorch's wheel index), and ``runtime.txt`` pins
  the Python that ``make`` uses;
* ``binder/postBuild`` is run (with ``NB_PYTHON_PREFIX`` pointing at a
  temporary prefix, as repo2docker sets it) and a real ``jupyter lab`` from
  the project's ``.venv`` is started on 127.0.0.1 with the settings folder
  that postBuild wrote. JupyterLab's settings API must then report
  "Jupytext Notebook" as the default viewer of markdown and myst files: that
  is what makes a launch link to ``book/<chapter>.md`` open a notebook;
* every chapter is requested through the server's contents API the way the
  "Jupytext Notebook" viewer requests it (``type=notebook``) and must come
  back as a notebook with the chapter's cells;
* one chapter's notebook, as the server returned it, is executed cell by cell
  in a kernel the server started (through a session, over the kernel's
  websocket, as JupyterLab does); no cell may fail. The times to open the
  server and to run the chapter are printed;
* (``site``) every launch link in ``_build/html`` names this repository, the
  configured branch and a file that exists; every chapter page offers the
  ``.ipynb`` (with outputs) and the ``.md``; live code starts only on request;
* the front-matter check of ``dlbook.sphinx.notebooks`` fails a build that
  lacks the kernelspec, naming the chapter.
"""

from __future__ import annotations

import json
import os
import re
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
import yaml

import bookdata

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
HTML = Path(os.environ.get("DLBOOK_SITE", ROOT / "_build" / "html"))
VENV_BIN = Path(sys.executable).parent
CODE_CELL = re.compile(r"^(`{3,}|~{3,})\s*\{code-cell\}", re.MULTILINE)
#: The chapter the kernel test runs (a short chapter with code, maths and a figure).
RUN_CHAPTER = os.environ.get("DLBOOK_BINDER_CHAPTER", "book/loss-functions.md")


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def toc_files() -> list[str]:
    return [f"{f}.md" for f in bookdata.toc_files(ROOT / "_toc.yml")]


def requirement_pins(path: Path) -> tuple[dict[str, str], list[str]]:
    """({canonical name: pinned version}, other lines) of a requirements file."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    pins, other = {}, []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            other.append(line)
            continue
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"{path.name}: {line!r} is not an exact pin"
        pins[canonicalize_name(requirement.name)] = spec.version
    return pins, other


# ---------------------------------------------------------------------------
# binder/: the files repo2docker reads


#: What a reader needs to open and run a chapter; nothing else goes to Binder.
READER_PACKAGES = {
    "jupytext",
    "jupyterlab",
    "jupyter-server",
    "ipykernel",
    "myst-nb",
    "numpy",
    "matplotlib",
    "scikit-learn",
    "torch",
    "tqdm",
}


def test_binder_installs_the_readers_packages_with_the_authors_pins():
    ours, our_other = requirement_pins(ROOT / "requirements.txt")
    binder, binder_other = requirement_pins(BINDER / "requirements.txt")
    assert set(binder) == READER_PACKAGES, (
        f"binder/requirements.txt is the reader's environment: missing {sorted(READER_PACKAGES - set(binder))}, "
        f"not for readers {sorted(set(binder) - READER_PACKAGES)}"
    )
    assert binder.pop("torch") == f"{ours['torch'].split('+')[0]}+cpu", "Binder needs the CPU build of torch"
    different = {name: (version, ours.get(name)) for name, version in binder.items() if ours.get(name) != version}
    assert not different, f"binder pins differ from requirements.txt (binder, author): {different}"
    assert {"pytest", "playwright", "sphinx-autobuild", "jupyter-book"} <= set(ours)
    assert "-e ." in binder_other and "-e ." in our_other, "both install dlbook from the repository"
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in binder_other


def test_binder_python_matches_the_one_make_uses():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    makefile = (ROOT / "Makefile").read_text()
    # The Makefile tries Pythons in order of preference; the first is Binder's.
    version = re.search(r"^PYTHON\s*\?=.*?for p in python(\d+\.\d+)", makefile, re.MULTILINE | re.DOTALL).group(1)
    assert runtime == f"python-{version}"
    for workflow in sorted((ROOT / ".github" / "workflows").glob("*.y*ml")):
        for ci_version in re.findall(r"python-version:\s*[\"']?([\d.]+)", workflow.read_text()):
            assert ci_version == version, f"{workflow.name} uses Python {ci_version}, Binder {version}"
    assert sys.version_info[:2] == tuple(int(p) for p in version.split(".")), (
        "the tests run on a different Python than Binder will"
    )


def test_postbuild_is_an_executable_bash_script_that_stops_on_errors():
    script = BINDER / "postBuild"
    assert os.access(script, os.X_OK), "repo2docker runs postBuild only if it is executable"
    text = script.read_text()
    assert text.startswith("#!/bin/bash") and re.search(r"^set -e", text, re.MULTILINE)
    assert "overrides.json" in text


def test_overrides_name_a_viewer_that_the_installed_jupytext_provides():
    overrides = json.loads((BINDER / "overrides.json").read_text())
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    # The name must be the document widget factory that jupytext's JupyterLab
    # extension registers; a typo here would silently fall back to the editor.
    labext = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyterlab-jupytext"
    bundles = [p.read_text(errors="ignore") for p in labext.rglob("*.js")]
    assert any('"Jupytext Notebook"' in b or "'Jupytext Notebook'" in b for b in bundles), (
        f"no 'Jupytext Notebook' factory in {labext}"
    )


# ---------------------------------------------------------------------------
# A real Jupyter server, set up the way Binder sets it up


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
    server = None
    try:
        deadline = start + 90
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                break
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                server = Server(f"http://127.0.0.1:{port}", token, time.perf_counter() - start)
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        if server is None:
            log.flush()
            pytest.fail("jupyter lab did not start:\n" + (tmp / "server.log").read_text()[-3000:])
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.mark.slow
def test_jupyterlab_opens_markdown_as_jupytext_notebook(jupyter):
    plugin = jupyter.request("GET", "/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    default = plugin["schema"]["properties"]["defaultViewers"]["default"]
    assert default == {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}
    specs = jupyter.request("GET", "/api/kernelspecs")
    assert "python3" in specs["kernelspecs"], "the chapters' kernelspec must exist on the server"


@pytest.mark.slow
@pytest.mark.parametrize("chapter", toc_files())
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
    assert sum(c["cell_type"] == "code" for c in cells) == len(CODE_CELL.findall(text))
    if CODE_CELL.search(text):
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


@pytest.mark.slow
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


# ---------------------------------------------------------------------------
# The built pages: launch links, downloads, live code

BINDER_LINK = re.compile(r'href="(https://mybinder\.org/v2/[^"]+)"')


def built_chapter_pages() -> list[tuple[str, Path]]:
    """(chapter .md, built page) for every toc chapter that has code cells."""
    pages = []
    for chapter in toc_files():
        source = ROOT / chapter
        if source.is_file() and CODE_CELL.search(source.read_text(encoding="utf-8")):
            pages.append((chapter, HTML / Path(chapter).with_suffix(".html")))
    return pages


@pytest.fixture(scope="module")
def site():
    if not (HTML / "book" / "index.html").is_file():
        pytest.fail(f"no built site at {HTML}: run `make book` first", pytrace=False)
    return HTML


@pytest.mark.site
def test_every_launch_link_points_at_this_repository_branch_and_file(site):
    repository = config()["repository"]
    owner, name = urllib.parse.urlparse(repository["url"]).path.strip("/").split("/")[:2]
    branch = repository.get("branch", "main")
    interface = config()["launch_buttons"]["notebook_interface"]
    prefix = {"jupyterlab": "lab/tree", "classic": "tree"}[interface]
    links = 0
    for page in sorted(site.rglob("*.html")):
        for href in BINDER_LINK.findall(page.read_text(encoding="utf-8")):
            links += 1
            url = urllib.parse.urlparse(href.replace("&amp;", "&"))
            match = re.fullmatch(r"/v2/gh/([^/]+)/([^/]+)/(.+)", url.path)
            assert match, f"{page.name}: unexpected Binder URL {href}"
            assert match.group(1, 2) == (owner, name), f"{page.name}: {href} is not {owner}/{name}"
            assert match.group(3) == branch, f"{page.name}: {href} is not on branch {branch}"
            urlpath = urllib.parse.parse_qs(url.query)["urlpath"][0]
            assert urlpath.startswith(prefix + "/"), f"{page.name}: {href} does not open {interface}"
            target = urlpath[len(prefix) + 1 :]
            assert (ROOT / target).is_file(), f"{page.name}: {href} opens {target}, which does not exist"
            assert target == page.relative_to(site).with_suffix(".md").as_posix(), (
                f"{page.name} launches {target}, not its own chapter"
            )
    assert links > 0, "no Binder launch links in the built site"
    for _chapter, page in built_chapter_pages():
        assert BINDER_LINK.search(page.read_text(encoding="utf-8")), f"{page} has no Binder link"


@pytest.mark.site
@pytest.mark.parametrize("chapter", [c for c, _ in built_chapter_pages()] or ["none"])
def test_each_chapter_page_offers_its_notebook_with_outputs_and_its_source(site, chapter):
    import jupytext
    import nbformat

    if chapter == "none":
        pytest.fail("no chapters with code cells in _toc.yml")
    page = site / Path(chapter).with_suffix(".html")
    html = page.read_text(encoding="utf-8")

    def download(label: str) -> Path:
        match = re.search(rf'<a href="([^"]+)"[^>]*class="btn btn-sm btn-{label} dropdown-item"', html)
        assert match, f"{page.name}: no {label} in the download menu"
        return (page.parent / match.group(1)).resolve()

    notebook_file = download("download-notebook-button")
    assert notebook_file.name == Path(chapter).with_suffix(".ipynb").name and notebook_file.is_file()
    notebook = nbformat.read(notebook_file, as_version=4)
    nbformat.validate(notebook)
    assert [c.source for c in notebook.cells] == [c.source for c in jupytext.read(ROOT / chapter).cells]
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    outputs = sum(len(c.get("outputs", [])) for c in notebook.cells if c.cell_type == "code")
    if 'class="cell_output' in html:
        assert outputs > 0, f"{notebook_file.name} has no outputs although the page shows some"

    source_file = download("download-source-button")
    assert source_file.read_text(encoding="utf-8") == (ROOT / chapter).read_text(encoding="utf-8")


@pytest.mark.site
def test_live_code_starts_only_when_the_reader_asks(site):
    repository = config()["repository"]
    owner_repo = "/".join(urllib.parse.urlparse(repository["url"]).path.strip("/").split("/")[:2])
    for _chapter, page in built_chapter_pages():
        html = page.read_text(encoding="utf-8")
        assert "btn-launch-thebe" in html, f"{page.name}: no Live Code button"
        # thebe itself (from unpkg) is fetched by the button, never by the page
        assert not re.search(r'<script[^>]+src="[^"]*thebe@[^"]*"', html), f"{page.name} loads thebe"
        config_block = re.search(r'<script type="text/x-thebe-config">(.*?)</script>', html, re.S).group(1)
        assert f'repo: "{owner_repo}"' in config_block
        assert f'ref: "{repository.get("branch", "main")}"' in config_block


# ---------------------------------------------------------------------------
# dlbook.sphinx.notebooks: the kernelspec check and the download with outputs

KERNELSPEC = "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n"
# The chapter front matter with a slot where the kernelspec goes.
assert KERNELSPEC in bookdata.FRONT_MATTER
HEADER = bookdata.FRONT_MATTER.replace(KERNELSPEC, "{kernelspec}")
CELLS = "# Chapter\n\nText.\n\n```{code-cell} ipython3\nprint(6 * 7)\n```\n"


def sphinx_project(tmp_path: Path, chapter_text: str, mode: str = "off") -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'extensions = ["myst_nb", "dlbook.sphinx.notebooks"]\n'
        f'nb_execution_mode = "{mode}"\nexclude_patterns = ["_build"]\n'
        f'nb_execution_cache_path = "{tmp_path / "cache"}"\n'
    )
    (src / "index.md").write_text("# Index\n\n```{toctree}\nchapter\n```\n")
    (src / "chapter.md").write_text(chapter_text)
    return src


def sphinx_build(src: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(src), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    "text, missing",
    [
        (HEADER.format(kernelspec="") + CELLS, "no kernelspec"),
        (CELLS, "no kernelspec"),
        ("---\n" + KERNELSPEC + "---\n" + CELLS, "no jupytext header"),
    ],
    ids=["no-kernelspec", "no-front-matter", "no-jupytext-header"],
)
def test_a_chapter_without_kernelspec_fails_the_build_named(tmp_path, text, missing):
    result = sphinx_build(sphinx_project(tmp_path, text), tmp_path / "out")
    assert result.returncode != 0
    assert re.search(rf"chapter\.md:1: ERROR: chapter\.md has code cells but .*{missing}", result.stderr), result.stderr


def test_a_chapter_without_code_needs_no_kernelspec(tmp_path):
    result = sphinx_build(sphinx_project(tmp_path, "# Glossary\n\nNo code here.\n"), tmp_path / "out")
    assert result.returncode == 0, result.stderr


def test_the_download_has_jupytext_cells_and_the_executed_outputs(tmp_path):
    """In cache mode (the book's), outputs come from the jupyter-cache.

    The second build re-reads the page (-E) and takes its outputs from the
    cache; myst-nb 1.4 then writes jupyter_execute/chapter.ipynb without
    outputs, so this is the case the extension must get right.
    """
    src = sphinx_project(tmp_path, HEADER.format(kernelspec=KERNELSPEC) + CELLS, mode="cache")
    for extra in ([], ["-E"]):
        result = subprocess.run(
            [sys.executable, "-m", "sphinx", "-W", "-q", *extra, "-b", "html", str(src), str(tmp_path / "out")],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        notebook = json.loads((tmp_path / "out" / "_sources" / "chapter.ipynb").read_text())
        [code] = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert "".join(code["source"]) == "print(6 * 7)"
        assert "".join(code["outputs"][0]["text"]) == "42\n"
        assert notebook["metadata"]["kernelspec"]["name"] == "python3"
        assert "jupytext" in notebook["metadata"]  # cells as jupytext reads them
