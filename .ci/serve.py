"""Live preview for authors: `make serve`.

Builds the book, serves _build/html on http://127.0.0.1:8000 and rebuilds
whenever a file under book/ or src/, or _config.yml or _toc.yml, changes.
Rebuilds are incremental and use the same cache as `make book`, so only the
chapter you edited is re-executed. Refresh the browser after "book build ok".
A failed rebuild keeps serving the last good pages; nothing you wrote is
touched. Stop with Ctrl-C.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WATCHED = [ROOT / "book", ROOT / "src", ROOT / "_config.yml", ROOT / "_toc.yml"]


def snapshot() -> dict[Path, float]:
    files: dict[Path, float] = {}
    for place in WATCHED:
        paths = place.rglob("*") if place.is_dir() else [place]
        for path in paths:
            if path.is_file() and "__pycache__" not in path.parts and "_build" not in path.parts:
                files[path] = path.stat().st_mtime
    return files


def build() -> None:
    subprocess.run([sys.executable, str(ROOT / ".ci" / "book.py")], cwd=ROOT)


def main(port: int = 8000) -> None:
    build()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(ROOT / "_build" / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving http://127.0.0.1:{port}/  (watching book/, src/, _config.yml, _toc.yml; Ctrl-C stops)")
    seen = snapshot()
    try:
        while True:
            time.sleep(1.0)
            now = snapshot()
            if now != seen:
                changed = sorted(str(p.relative_to(ROOT)) for p in set(now) ^ set(seen) | {
                    p for p in now if seen.get(p) != now[p]})
                print(f"changed: {', '.join(changed[:5])}{' ...' if len(changed) > 5 else ''}; rebuilding")
                build()
                seen = snapshot()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8000)
