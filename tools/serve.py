"""Live preview for authors: `make serve` (``PORT=8001 make serve`` for another port).

Builds the book, then serves ``_build/html`` with sphinx-autobuild, which
rebuilds when a file under the repository changes and reloads the open
browser tab when the rebuild is done.

Before each rebuild, ``tools/build.py --check`` executes what changed (in
parallel, into the same cache as ``make book``) and reads it with Sphinx
without writing HTML. If a cell raises or a page warns, the error is printed
in this terminal and the rebuild stops there: the browser keeps showing the
last good pages. Nothing you wrote is touched. Stop with Ctrl-C.

sphinx-autobuild runs ``sphinx-build``, which needs a ``conf.py``: it is
written at start from ``_config.yml`` by ``jupyter-book config sphinx``
(so it always matches), and is ignored by git.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from build import BUILD, ROOT, build_book, kernel_environment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    BUILD.mkdir(exist_ok=True)
    kernel_environment()
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "jupyter-book"), "config", "sphinx", "."], check=True, stdout=subprocess.DEVNULL)
    if build_book() != 0:
        print("The first build failed (above): serving the pages that exist; fix and save to rebuild.", file=sys.stderr)
    command = [
        str(bin_dir / "sphinx-autobuild"),
        ".",
        str(BUILD / "html"),
        "-d",
        str(BUILD / ".doctrees"),
        "-n",
        "--keep-going",
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--no-initial",
        "--ignore",
        str(BUILD),
        "--ignore",
        str(ROOT / "conf.py"),
        "--re-ignore",
        r"/\.",
        "--pre-build",
        f"{sys.executable} {ROOT / 'tools' / 'build.py'} --check",
    ]
    print(f"serving http://{args.host}:{args.port}/  (Ctrl-C stops)", flush=True)
    return subprocess.run(command).returncode


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
