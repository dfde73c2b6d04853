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
slowest_chapter(_s)     the chapter with the longest median execution time in
                        the clean builds (two kernels at once, as CI runs them)
chapter_s               every chapter's median execution time, slowest first
alone_s                 every chapter executed by itself, one kernel at a time,
                        as the build's kernels run it (`--alone`; median of
                        --runs): the figure the 20 s per-chapter budget is about
alone_cpu_s             the CPU time of each of those kernels (imports and
                        start-up included): what a busy, shared machine
                        stretches least, so the figure to compare across runs
slowest_alone(_s), slowest_alone_cpu(_s)   the slowest of each
reference_s             a fixed workload (500 Adam steps of a 64-32-10 MLP on
                        the digits, one thread), timed before each clean build:
                        the machine's speed, to read the other figures against
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


def chapter_times() -> dict[str, float]:
    """{chapter: seconds its execution took} for the chapters in the execution cache."""
    from jupyter_cache import get_cache

    cache = get_cache(str(BUILD / ".jupyter_cache"))
    times = {}
    for record in cache.list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        if seconds is not None:
            name = Path(record.uri).stem
            times[name] = max(times.get(name, 0.0), seconds)
    return times


#: Appended to a chapter executed alone: the kernel's own CPU time, which a
#: busy machine stretches far less than the wall-clock time.
CPU_CELL = "import resource as _r; _u = _r.getrusage(_r.RUSAGE_SELF); print(_u.ru_utime + _u.ru_stime)"


def execute_alone(chapter: Path) -> tuple[float, float]:
    """(wall seconds, kernel CPU seconds) to execute ``chapter`` in a fresh kernel set up as the build's."""
    import jupytext
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell

    notebook = jupytext.read(chapter)
    notebook.cells.append(new_code_cell(CPU_CELL))
    client = NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(chapter.parent)}}
    )
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    return wall, float(notebook.cells[-1].outputs[0]["text"])


def alone_times(runs: int, names: list[str] | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """Median wall and CPU seconds of every chapter (or of ``names``) executed alone, slowest first."""
    sys.path.insert(0, str(BUILD_SCRIPT.parent))
    from build import kernel_environment  # the settings every build kernel inherits

    kernel_environment()
    wall: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for run in range(runs):
        for chapter in chapters():
            if names and chapter.stem not in names:
                continue
            seconds, cpu_seconds = execute_alone(chapter)
            wall.setdefault(chapter.stem, []).append(seconds)
            cpu.setdefault(chapter.stem, []).append(cpu_seconds)
            print(f"  {chapter.stem:<32}{seconds:6.1f} s, kernel CPU {cpu_seconds:6.1f} s", flush=True)
        print(f"  chapters alone: run {run + 1}/{runs} done", flush=True)

    def slowest_first(times):
        medians = {name: median(values) for name, values in times.items()}
        return dict(sorted(medians.items(), key=lambda item: -item[1]))

    return slowest_first(wall), slowest_first(cpu)


def reference_workload() -> float:
    """Seconds for a fixed piece of the book's kind of work: the machine's speed right now."""
    import torch
    from torch import nn

    from dlbook import data, models

    torch.set_num_threads(1)
    torch.manual_seed(0)
    split = data.load_digits(seed=0)
    X, y = torch.tensor(split.X_train), torch.tensor(split.y_train).long().ravel()
    model = models.MLP([64, 32, 10])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    start = time.perf_counter()
    for _ in range(500):
        optimizer.zero_grad()
        loss_fn(model(X), y).backward()
        optimizer.step()
    return time.perf_counter() - start


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
    parser.add_argument("--alone", action="store_true", help="only each chapter executed alone, and the reference")
    parser.add_argument("--chapter", action="append", help="with --alone: only this chapter (repeatable)")
    args = parser.parse_args(argv)
    results: dict[str, object] = {"runs": args.runs, "cpus": os.cpu_count()}

    if args.alone:
        reference = [reference_workload()]
        results["alone_s"], results["alone_cpu_s"] = alone_times(args.runs, args.chapter)
        reference.append(reference_workload())
        results["reference_s"] = median(reference)
        results["slowest_alone"], results["slowest_alone_s"] = next(iter(results["alone_s"].items()))
        results["slowest_alone_cpu"], results["slowest_alone_cpu_s"] = next(iter(results["alone_cpu_s"].items()))
        return report(results, args.runs)

    print(f"floor: running {len(chapters())} chapters as plain Python, {args.runs} times ...", flush=True)
    results["floor_s"] = median([floor_once() for _ in range(args.runs)])

    if not args.skip_build:
        target = chapters()[len(chapters()) // 2]
        clean, noop, one, check, src, reference = [], [], [], [], [], []
        per_chapter: dict[str, list[float]] = {}
        for run in range(args.runs):
            print(f"build run {run + 1}/{args.runs}: clean, no-change, one chapter, quick check, src/ ...", flush=True)
            reference.append(reference_workload())
            shutil.rmtree(BUILD, ignore_errors=True)
            clean.append(build())
            for name, seconds in chapter_times().items():
                per_chapter.setdefault(name, []).append(seconds)
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
        medians = {name: median(times) for name, times in per_chapter.items()}
        results["reference_s"] = median(reference)
        results["slowest_chapter"] = max(medians, key=medians.get)
        results["slowest_chapter_s"] = medians[results["slowest_chapter"]]
        results["chapter_s"] = dict(sorted(medians.items(), key=lambda item: -item[1]))

    print("six-cell classifier: the notes' loop and the book's, to BCE <= 0.001 ...", flush=True)
    notes = [six_cell_notes() for _ in range(args.runs)]
    ours = [six_cell_book() for _ in range(args.runs)]
    results["six_cell_notes_s"] = median([t for t, _ in notes])
    results["six_cell_notes_epochs"] = notes[0][1]
    results["six_cell_book_s"] = median([t for t, _ in ours])
    results["six_cell_book_epochs"] = ours[0][1]
    results["six_cell_speedup"] = results["six_cell_notes_s"] / results["six_cell_book_s"]

    return report(results, args.runs)


def report(results: dict, runs: int) -> int:
    BUILD.mkdir(exist_ok=True)
    name = "bench-alone.json" if "alone_s" in results else "bench.json"
    (BUILD / name).write_text(json.dumps(results, indent=2))
    print(f"\nmedians of {runs} run(s) on {os.cpu_count()} CPU(s)")
    for key, value in results.items():
        if isinstance(value, dict):
            print(f"  {key}")
            for item, seconds in value.items():
                print(f"    {item:<32}{seconds:8.1f}")
            continue
        shown = f"{value:10.2f}" if isinstance(value, float) else f"{value!s:>10}"
        print(f"  {key:<24}{shown}")
    print(f"written to {(BUILD / name).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
