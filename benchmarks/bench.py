"""Measure the build and the book's examples: `make bench`.

Prints a table and writes the same figures to _build/bench.json. Each figure
is the median of --runs runs (default 3), all on this machine in one go:

floor_s                 every chapter's code run as plain Python, one process
                        per chapter, one after another (no Sphinx, no kernel)
clean_build_s           `make book` from an empty _build
noop_rebuild_s          the same build again, nothing changed
one_chapter_rebuild_s   `make book` after editing one chapter's code
check_one_chapter_s     `tools/build.py --only` (the quick check) after the same kind of edit
src_change_rebuild_s    `make book` after editing one leaf module of src/dlbook
                        (descent.py: only the chapters that import it re-execute)
ratio_to_floor          clean_build_s / floor_s (goal: 1.5 or less)
slowest_chapter(_s)     the chapter that took longest to execute, and its time
six_cell_notes_s        the lecture notes' six-cell training loop as written
                        (plain SGD, lr 0.01, raw features) until BCE <= 0.001
six_cell_book_s         the book's version (standardized features, Adam,
                        dlbook.training.fit) to the same criterion
six_cell_speedup        six_cell_notes_s / six_cell_book_s

Edits made to measure rebuilds are undone afterwards, even on error or
Ctrl-C: the chapter and src/ files are restored byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from dlbook.sphinx.project import has_code_cells, toc_files

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
BUILD_SCRIPT = ROOT / "tools" / "build.py"
LEAF_MODULE = ROOT / "src" / "dlbook" / "descent.py"


def timed(command: list[str], **kwargs) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def build(*args: str) -> float:
    return timed([sys.executable, str(BUILD_SCRIPT), *args], cwd=ROOT)


def chapters() -> list[Path]:
    files = [ROOT / (f + ".md") for f in toc_files(ROOT / "_toc.yml")]
    return [f for f in files if has_code_cells(f.read_text(encoding="utf-8"))]


def floor_once() -> float:
    """Run each chapter's code as a plain Python script, one process each."""
    total = 0.0
    env = dict(
        os.environ,
        MPLBACKEND="Agg",
        DLBOOK_PROGRESS="0",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
    )
    with tempfile.TemporaryDirectory() as tmp:
        for chapter in chapters():
            script = Path(tmp) / (chapter.stem + ".py")
            subprocess.run(
                [sys.executable, "-m", "jupytext", "--quiet", "--to", "py:percent", "-o", str(script), str(chapter)],
                check=True,
            )
            # Cells tagged raises-exception are meant to fail: wrap them.
            text = script.read_text()
            script.write_text(_guard_raising_cells(text))
            total += timed([sys.executable, str(script)], cwd=chapter.parent, env=env)
    return total


def _guard_raising_cells(text: str) -> str:
    out, cells = [], text.split("\n# %%")
    for i, cell in enumerate(cells):
        if i and "raises-exception" in cell.splitlines()[0]:
            header, _, body = cell.partition("\n")
            body = "\n".join("    " + line for line in body.splitlines()) or "    pass"
            cell = f"{header}\ntry:\n{body}\nexcept Exception:\n    pass\n"
        out.append(cell)
    return "\n# %%".join(out)


@contextmanager
def edited(path: Path, edit):
    original = path.read_bytes()
    try:
        path.write_text(edit(original.decode()))
        yield
    finally:
        path.write_bytes(original)


def add_code_comment(text: str) -> str:
    marker = "```{code-cell} ipython3\n"
    i = text.index(marker) + len(marker)
    # Skip the cell's option lines (":tags: ...") so the comment is code.
    while text[i] == ":":
        i = text.index("\n", i) + 1
    return text[:i] + f"# benchmark edit {time.time()}\n" + text[i:]


def slowest_chapter() -> tuple[str, float]:
    from jupyter_cache import get_cache

    cache = get_cache(str(BUILD / ".jupyter_cache"))
    times = {}
    for record in cache.list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        if seconds is not None:
            name = str(Path(record.uri).relative_to(ROOT))
            times[name] = max(times.get(name, 0.0), seconds)
    name = max(times, key=times.get)
    return name, times[name]


def six_cell_notes(max_epochs: int = 300_000) -> tuple[float, int]:
    """The notes' loop: 2-4-1 ReLU net, sigmoid, BCELoss, plain SGD lr 0.01, raw features."""
    import torch
    from torch import nn

    from dlbook import data, training

    torch.set_num_threads(1)  # the same setting the book's build uses
    training.seed_everything(0)
    X_np, y_np = data.six_cells()
    X, y = torch.tensor(X_np), torch.tensor(y_np)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1), nn.Sigmoid())
    loss_fn = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    start = time.perf_counter()
    for epoch in range(1, max_epochs + 1):  # noqa: B007  (the count is returned)
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if loss.item() <= 1e-3:
            break
    return time.perf_counter() - start, epoch


def six_cell_book(max_epochs: int = 20_000, chunk: int = 25) -> tuple[float, int]:
    """The book's version: standardized features, Adam lr 0.1, dlbook.training.fit."""
    import torch
    from torch import nn

    from dlbook import data, models, training

    torch.set_num_threads(1)
    training.seed_everything(0)
    start = time.perf_counter()
    X, y = data.six_cells()
    (X_scaled,) = data.standardize(X)[:1]
    loader = training.to_loader(X_scaled, y, batch_size=6)
    model = models.MLP([2, 4, 1])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    epochs = 0
    while epochs < max_epochs:
        history = training.fit(model, nn.BCEWithLogitsLoss(), optimizer, loader, chunk, progress=False)
        epochs += chunk
        if history.train_loss[-1] <= 1e-3:
            break
    return time.perf_counter() - start, epochs


def median(values):
    return statistics.median(values)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the build and the examples.")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true", help="only floor and six-cell")
    args = parser.parse_args(argv)
    results: dict[str, object] = {"runs": args.runs, "cpus": os.cpu_count()}

    print(f"floor: running {len(chapters())} chapters as plain Python, {args.runs} times ...", flush=True)
    results["floor_s"] = median([floor_once() for _ in range(args.runs)])

    if not args.skip_build:
        target = chapters()[len(chapters()) // 2]
        clean, noop, one, check, src = [], [], [], [], []
        for run in range(args.runs):
            print(f"build run {run + 1}/{args.runs}: clean, no-change, one chapter, quick check, src/ ...", flush=True)
            shutil.rmtree(BUILD, ignore_errors=True)
            clean.append(build())
            noop.append(build())
            with edited(target, add_code_comment):
                one.append(build())
            with edited(target, add_code_comment):
                check.append(build("--only", str(target.relative_to(ROOT))))
            with edited(LEAF_MODULE, lambda t: t + f"\n# benchmark edit {time.time()}\n"):
                src.append(build())
        build()  # leave a site built from the unedited sources
        results.update(
            clean_build_s=median(clean),
            noop_rebuild_s=median(noop),
            one_chapter_rebuild_s=median(one),
            one_chapter=str(target.relative_to(ROOT)),
            check_one_chapter_s=median(check),
            check_to_rebuild=median(check) / median(one),
            src_change_rebuild_s=median(src),
            src_change=str(LEAF_MODULE.relative_to(ROOT)),
        )
        results["ratio_to_floor"] = results["clean_build_s"] / results["floor_s"]
        results["slowest_chapter"], results["slowest_chapter_s"] = slowest_chapter()

    print("six-cell classifier: the notes' loop and the book's, to BCE <= 0.001 ...", flush=True)
    notes = [six_cell_notes() for _ in range(args.runs)]
    ours = [six_cell_book() for _ in range(args.runs)]
    results["six_cell_notes_s"] = median([t for t, _ in notes])
    results["six_cell_notes_epochs"] = notes[0][1]
    results["six_cell_book_s"] = median([t for t, _ in ours])
    results["six_cell_book_epochs"] = ours[0][1]
    results["six_cell_speedup"] = results["six_cell_notes_s"] / results["six_cell_book_s"]

    BUILD.mkdir(exist_ok=True)
    (BUILD / "bench.json").write_text(json.dumps(results, indent=2))
    print(f"\nmedians of {args.runs} run(s) on {os.cpu_count()} CPU(s)")
    for key, value in results.items():
        shown = f"{value:10.2f}" if isinstance(value, float) else f"{value!s:>10}"
        print(f"  {key:<24}{shown}")
    print(f"written to {(BUILD / 'bench.json').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
