"""Build the book, or check one chapter quickly, and say what happened.

Usage (from the repository root, inside .venv)::

    python tools/build.py                       # the whole site into _build/html
    python tools/build.py --only book/x.md      # check x.md: execute it, read it,
                                                # print its warnings; no HTML
    python tools/build.py --check               # the same for every changed page

What it adds to a plain ``jupyter-book build .`` (which is also safe: the
``dlbook.sphinx.cache`` extension re-executes a chapter whenever the library
code it imports changes):

* warnings are errors (``-W -n --keep-going``);
* chapters that need executing run in parallel over all cores before Sphinx
  starts (Sphinx would run them one after another);
* a chapter whose cell raises is reported once, as a short block naming the
  file, the cell, the line and the exception (the full traceback goes to
  ``_build/logs/``), and Sphinx is not run;
* one closing line: pages, chapters executed and from cache, time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

from dlbook.sphinx.cache import migrate_cache_folder
from dlbook.sphinx.cellerror import describe_failure
from dlbook.sphinx.project import has_code_cells, toc_files

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"  # the path _config.yml names
#: The jupyter-cache reader that adds each chapter's source key (see dlbook.sphinx.cache).
READER = {"name": "dlbook_md", "type": "plugin"}


# --------------------------------------------------------------------------
# The two kinds of build


def build_book(rewrite_all: bool = False, serial: bool = False) -> int:
    """Build the whole site into ``_build/html`` with warnings as errors."""
    start = time.time()
    files = toc_files(ROOT / "_toc.yml")
    if missing_files(files):
        return 2
    before = cache_records()
    if not serial:
        failed = pre_execute(chapters_with_code(files))
        if failed:
            return report_failures(failed, start, before)
    command = jupyter_book("-W") + (["--all"] if rewrite_all else [])
    result = subprocess.run(command)
    return summarise(result.returncode, files, start, before)


def check_chapters(chapters: list[str] | None = None) -> int:
    """Execute and read only ``chapters``, and print their warnings and errors.

    The check reuses the main execution cache and, when the site has been
    built before, a copy of the main build's Sphinx environment, so only the
    chosen chapters (and pages edited since the last full build) are read
    again. It uses the ``dlbook-check`` builder (:mod:`dlbook.sphinx.check`):
    the pages read are resolved and every warning is raised, but no HTML is
    written and the other pages are not resolved. Without ``chapters``,
    every page changed since the last build is checked (what ``make serve``
    runs before each rebuild).
    """
    start = time.time()
    missing = [p for p in chapters or [] if not (ROOT / p).is_file()]
    if missing:
        print(f"error: no such chapter file: {', '.join(missing)}", file=sys.stderr)
        return 2
    files = toc_files(ROOT / "_toc.yml")
    if missing_files(files):
        return 2
    chosen = [str(Path(p).with_suffix("")) for p in chapters] if chapters else files
    before = cache_records()
    failed = pre_execute([f for f in chosen if has_code_cells(source_of(f).read_text(encoding="utf-8"))])
    if failed:
        return report_failures(failed, start, before)

    out = BUILD / "check"
    main_env = BUILD / ".doctrees"
    command = jupyter_book() + ["--builder", "custom", "--custom-builder", "dlbook-check", "--path-output", str(out)]
    if (main_env / "environment.pickle").is_file():
        # Start from the full build's environment: only changed pages are read.
        shutil.rmtree(out / "_build" / ".doctrees", ignore_errors=True)
        shutil.copytree(main_env, out / "_build" / ".doctrees")
    else:
        # No full build yet: every page is read, but only the chosen ones execute.
        config = yaml.safe_load((ROOT / "_config.yml").read_text())
        config["execute"]["exclude_patterns"] = [f + ".md" for f in files if f not in chosen]
        out.mkdir(parents=True, exist_ok=True)
        (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
        command += ["--config", str(out / "_config.yml")]
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    own = problems_in(result.stdout, chapters or [f + ".md" for f in files])
    (BUILD / "logs").mkdir(parents=True, exist_ok=True)
    (BUILD / "logs" / "check.log").write_text(result.stdout, encoding="utf-8")
    for line in own:
        print(line, file=sys.stderr)
    code = 1 if own or "Traceback (most recent call last)" in result.stdout else 0
    if code and not own:
        print("\n".join(result.stdout.strip().splitlines()[-15:]), file=sys.stderr)
    executed = executed_since(start, before)
    status = "ok" if code == 0 else f"FAILED: {len(own)} warning(s)/error(s)"
    print(
        f"check {status}: {', '.join(chapters or ['pages changed since the last build'])}; "
        f"{len(executed)} executed; "
        f"{time.time() - start:.1f} s (full output: {(BUILD / 'logs' / 'check.log').relative_to(ROOT)})"
    )
    return code


# --------------------------------------------------------------------------
# Pieces


def source_of(page: str) -> Path:
    return (ROOT / page).with_suffix(".md")


def chapters_with_code(files: list[str]) -> list[str]:
    return [f for f in files if has_code_cells(source_of(f).read_text(encoding="utf-8"))]


def missing_files(files: list[str]) -> bool:
    missing = [f + ".md" for f in files if not source_of(f).is_file()]
    if missing:
        print(f"error: _toc.yml lists files that do not exist: {', '.join(missing)}", file=sys.stderr)
    return bool(missing)


#: jupyter-book's command line, started without one slow import: jsonschema
#: loads rfc3987_syntax if it is installed, which builds a grammar for about
#: 6 s; the build never validates IRIs.
JUPYTER_BOOK = (
    "import sys; sys.modules.setdefault('rfc3987_syntax', None); "
    "from jupyter_book.cli.main import main; sys.argv[0] = 'jupyter-book'; main()"
)


def jupyter_book(*flags: str) -> list[str]:
    return [sys.executable, "-c", JUPYTER_BOOK, "build", ".", *flags, "-n", "--keep-going"]


def cache_records() -> dict[str, float]:
    """{chapter file: creation time} of the records in the execution cache."""
    if not (CACHE / "global.db").exists():
        return {}
    from jupyter_cache import get_cache

    return {r.uri: r.created.timestamp() for r in get_cache(str(CACHE)).list_cache_records()}


def executed_since(start: float, before: dict[str, float]) -> list[str]:
    return [uri for uri, created in cache_records().items() if created >= start and before.get(uri) != created]


def pre_execute(pages: list[str]) -> dict[Path, str]:
    """Execute the chapters the cache lacks, in parallel; return {file: traceback} of those that raised.

    jupyter-cache's "local-parallel" executor runs them over all cores and
    stores each result under the hash myst-nb looks up (the reader adds the
    same source key), so Sphinx then only reads them back.
    """
    import logging

    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    timeout = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"].get("timeout", 300)
    migrate_cache_folder(CACHE)  # before writing into it (Sphinx would do it after)
    cache = get_cache(str(CACHE))
    pks = [project_record(cache, source_of(page)).pk for page in pages]
    # A failing chapter is reported once, by report_failures(), not by the executor.
    logger = logging.getLogger("pre-execute")
    logger.addHandler(logging.StreamHandler(sys.stdout))
    logger.setLevel(logging.CRITICAL)
    outdated = [r.pk for r in cache.list_unexecuted(filter_pks=pks)]
    if not outdated:
        return {}
    print(f"pre-executing {len(outdated)} chapter(s) on {os.cpu_count()} cores ...", flush=True)
    load_executor("local-parallel", cache=cache, logger=logger).run_and_cache(
        filter_pks=outdated, timeout=timeout, allow_errors=False
    )
    failed = {}
    for pk in outdated:
        record = cache.get_project_record(pk)
        if record.traceback:
            failed[Path(record.uri)] = record.traceback
    return failed


def project_record(cache, path: Path):
    """The cache's project record of ``path``, read with the reader that adds the source key.

    When Sphinx executes a chapter itself (a plain ``jupyter-book build``),
    myst-nb registers the chapter with its own reader, and jupyter-cache keeps
    an existing record as it is. A notebook read that way lacks the source
    key, so what the pre-execution stored would never match what Sphinx
    looks up, and every chapter would run twice. Such a record is replaced.
    """
    record = cache.add_nb_to_project(str(path), read_data=READER)
    if dict(record.read_data) != READER:
        cache.remove_nb_from_project(record.pk)
        record = cache.add_nb_to_project(str(path), read_data=READER)
    return record


def report_failures(failed: dict[Path, str], start: float, before: dict[str, float]) -> int:
    """One short block per failing chapter; the full tracebacks go to log files."""
    log_dir = BUILD / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    for path, traceback in sorted(failed.items()):
        chapter = path.relative_to(ROOT)
        log = log_dir / (path.stem + ".log")
        log.write_text(traceback, encoding="utf-8")
        print("", file=sys.stderr)
        print(describe_failure(str(chapter), path.read_text(encoding="utf-8"), traceback), file=sys.stderr)
        print(f"  (full traceback: {log.relative_to(ROOT)})", file=sys.stderr)
    executed = [uri for uri in executed_since(start, before) if Path(uri) not in failed]
    print(
        f"\nbook build FAILED: {len(failed)} chapter(s) raised in a cell (above); "
        f"{len(executed)} other chapter(s) executed, Sphinx not run; "
        f"{time.time() - start:.1f} s",
        file=sys.stderr,
    )
    return 1


def problems_in(output: str, chapters: list[str]) -> list[str]:
    """Warning and error lines that belong to ``chapters`` (or to no page)."""
    found = []
    for line in output.splitlines():
        if "WARNING:" not in line and "ERROR:" not in line and "CRITICAL:" not in line:
            continue
        in_book = "/book/" in line.split(":", 1)[0] or line.startswith("book/")
        if not in_book or any(c in line for c in chapters):
            found.append(line)
    return found


def summarise(returncode: int, files: list[str], start: float, before: dict[str, float]) -> int:
    executed = executed_since(start, before)
    with_code = chapters_with_code(files)
    status = "ok" if returncode == 0 else f"FAILED (exit {returncode})"
    print(
        f"book build {status}: {len(files)} pages, {len(with_code)} with code: "
        f"{len(executed)} executed, {max(len(with_code) - len(executed), 0)} from cache; "
        f"{time.time() - start:.1f} s"
    )
    if returncode != 0:
        print("\nThe build failed. Fix the warnings above; each names its chapter file.", file=sys.stderr)
    return returncode


def kernel_environment() -> None:
    """Settings inherited by every kernel that executes a chapter.

    The book's models are tiny: PyTorch's intra-op threads only fight each
    other (and the other chapters' kernels) for the cores. One thread each is
    many times faster here. The progress bars of dlbook.training stay off.
    """
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("DLBOOK_PROGRESS", "0")
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    # Every chapter imports myst_nb's glue, hence nbformat, hence jsonschema,
    # which imports rfc3987_syntax if it is installed (jupyter-events asks for
    # it): that import alone builds a grammar for about 3 s per chapter. The
    # book never validates IRIs, so the kernels skip it, through an IPython
    # start-up file in a profile of their own.
    if "IPYTHONDIR" not in os.environ:
        startup = BUILD / "ipython" / "profile_default" / "startup"
        startup.mkdir(parents=True, exist_ok=True)
        (startup / "00-skip-slow-imports.py").write_text(
            "import sys\nsys.modules.setdefault('rfc3987_syntax', None)  # jsonschema then skips IRI checks\n"
        )
        # ipykernel 7 warns at every start that its local TCP sockets are not
        # encrypted (one line per chapter in the build's output); the kernels
        # run on this machine only, so keep their log to errors.
        (startup.parent / "ipython_kernel_config.py").write_text("c.IPKernelApp.log_level = 'ERROR'\n")
        os.environ["IPYTHONDIR"] = str(BUILD / "ipython")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="CHAPTER",
        help="check these chapter files only: execute, read, print their warnings (no HTML)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="check every page changed since the last build (no HTML; make serve runs it)",
    )
    parser.add_argument("--all", action="store_true", help="rewrite every page (not re-execute)")
    parser.add_argument(
        "--serial", action="store_true", help="let Sphinx execute chapters one by one (no parallel pre-execution)"
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    BUILD.mkdir(exist_ok=True)
    kernel_environment()
    if args.only or args.check:
        return check_chapters(args.only)
    return build_book(rewrite_all=args.all, serial=args.serial)


if __name__ == "__main__":
    sys.exit(main())
