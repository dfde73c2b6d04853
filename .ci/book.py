"""Build the book the way `make book` promises, and say what happened.

Usage (from the repository root, inside .venv)::

    python .ci/book.py                       # the whole book into _build/html
    python .ci/book.py --only book/forward-pass.md
                                              # every page, but only this one
                                              # executed and checked, into
                                              # _build/partial/forward-pass/

What it adds to a plain ``jupyter-book build``:

* warnings are errors (``-W -n --keep-going``);
* the execution cache is keyed on a hash of ``src/dlbook``: the path
  ``_build/.jupyter_cache`` (which ``_config.yml`` names) is a symlink to
  ``_build/.jupyter_caches/<hash>``, so editing the helper library
  re-executes every chapter while editing one chapter re-executes only it;
* when the build fails, the execution reports that myst-nb wrote under
  ``_build/html/reports`` are printed, each headed by its chapter's file;
* after every build, one line: chapters, executed, from cache, total time.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"


def src_hash(root: Path = ROOT) -> str:
    """A short hash of every file under src/dlbook that can change a result.

    The Sphinx extensions under src/dlbook/sphinx are left out: chapters
    never import them, and the answer boxes re-read their own pages when
    the library changes.
    """
    digest = hashlib.sha256()
    package = root / "src" / "dlbook"
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and "sphinx" not in path.relative_to(package).parts[:1]:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def point_cache_at(link: Path, key: str) -> Path:
    """Make ``link`` a symlink to the cache folder for ``key``; return the target."""
    target = link.parent / ".jupyter_caches" / key
    target.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.is_file():
        link.unlink()
    elif link.is_dir():  # an old real cache folder: keep it under its own name
        link.rename(link.parent / ".jupyter_caches" / f"legacy-{int(time.time())}")
    link.symlink_to(target.relative_to(link.parent), target_is_directory=True)
    return target


def toc_files(toc_path: Path) -> list[str]:
    """Every file named in a jb-book toc, root first."""
    toc = yaml.safe_load(toc_path.read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return files


def has_code_cells(path: Path) -> bool:
    return "```{code-cell}" in path.read_text(encoding="utf-8")


def cache_records(cache_dir: Path) -> dict[str, float]:
    """{notebook uri: creation time} of the records in a jupyter-cache."""
    if not (cache_dir / "global.db").exists():
        return {}
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    return {r.uri: r.created.timestamp() for r in cache.list_cache_records()}


def pre_execute(cache_dir: Path, files: list[str], timeout: int) -> list[int]:
    """Execute the chapters the cache lacks, in parallel, before Sphinx runs.

    Sphinx executes notebooks one after another. jupyter-cache's
    "local-parallel" executor runs them over all cores and stores the results
    under the same hash that myst-nb looks up, so Sphinx then only reads them
    back. Returns the project ids of the chapters it executed; one that
    raised keeps its traceback in its project record (see failed_chapters).
    """
    import logging

    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(cache_dir))
    pks = []
    for name in files:
        path = (ROOT / name).with_suffix(".md")
        if has_code_cells(path):
            record = cache.add_nb_to_project(str(path), read_data={"name": "myst_nb_md", "type": "plugin"})
            pks.append(record.pk)
    # A failing chapter is reported once, by failed_chapters(), not here.
    logger = logging.getLogger("pre-execute")
    logger.addHandler(logging.StreamHandler(sys.stdout))
    logger.setLevel(logging.CRITICAL)
    executor = load_executor("local-parallel", cache=cache, logger=logger)
    outdated = [r.pk for r in cache.list_unexecuted(filter_pks=pks)]
    if outdated:
        print(f"pre-executing {len(outdated)} chapter(s) on {os.cpu_count()} cores ...", flush=True)
        executor.run_and_cache(filter_pks=outdated, timeout=timeout, allow_errors=False)
    return outdated


def failed_chapters(cache_dir: Path, pks: list[int]) -> dict[Path, str]:
    """{chapter file: recorded traceback} of the pre-executed chapters that raised."""
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    failed = {}
    for pk in pks:
        record = cache.get_project_record(pk)
        if record.traceback:
            failed[Path(record.uri)] = record.traceback
    return failed


def report_failures(failed: dict[Path, str], log_dir: Path) -> None:
    """One short block per failing chapter; the full tracebacks go to log files."""
    from dlbook.sphinx.cellerror import describe_failure

    log_dir.mkdir(parents=True, exist_ok=True)
    for path, traceback in sorted(failed.items()):
        chapter = path.relative_to(ROOT)
        log = log_dir / (path.stem + ".log")
        log.write_text(traceback, encoding="utf-8")
        print("", file=sys.stderr)
        print(describe_failure(str(chapter), path.read_text(encoding="utf-8"), traceback), file=sys.stderr)
        print(f"  (full traceback: {log.relative_to(ROOT)})", file=sys.stderr)


def print_reports(html_dir: Path) -> None:
    reports = sorted((html_dir / "reports").rglob("*.err.log"))
    for report in reports:
        chapter = report.relative_to(html_dir / "reports").with_suffix("").with_suffix(".md")
        print(f"\n===== cell error in {chapter} (report {report.relative_to(ROOT)}) =====",
              file=sys.stderr)
        print(report.read_text(encoding="utf-8", errors="replace"), file=sys.stderr)


def partial_build_inputs(only: list[str], out: Path) -> tuple[Path, Path]:
    """Write a config that builds every page but executes only ``only``.

    The other chapters are still parsed, so cross-references, glossary terms
    and citations from the chosen chapters resolve; they are just not run.
    """
    out.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["cache"] = str(out / ".jupyter_cache")
    chosen = {str(Path(p).with_suffix("")) for p in only}
    others = [f + ".md" for f in toc_files(ROOT / "_toc.yml") if f not in chosen]
    config["execute"]["exclude_patterns"] = others
    config_path = out / "_config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    # Chapters still being written may not exist yet: leave them out.
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    for part in toc.get("parts", []):
        part["chapters"] = [c for c in part["chapters"] if (ROOT / (c["file"] + ".md")).is_file()]
    toc["parts"] = [part for part in toc.get("parts", []) if part["chapters"]]
    toc_path = out / "_toc.yml"
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False))
    return config_path, toc_path


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
            "import sys\n"
            "sys.modules.setdefault('rfc3987_syntax', None)  # jsonschema then skips IRI checks\n")
        os.environ["IPYTHONDIR"] = str(BUILD / "ipython")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="CHAPTER",
                        help="build book/index.md plus these chapters only (a quick check)")
    parser.add_argument("--all", action="store_true", help="rewrite every page (not re-execute)")
    parser.add_argument("--serial", action="store_true",
                        help="let Sphinx execute chapters one by one (no parallel pre-execution)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    kernel_environment()
    start = time.time()

    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", ".",
               "-W", "-n", "--keep-going"]
    if args.all:
        command.append("--all")
    if args.only:
        missing = [p for p in args.only if not (ROOT / p).is_file()]
        if missing:
            print(f"error: no such chapter file: {', '.join(missing)}", file=sys.stderr)
            return 2
        out = BUILD / "partial" / Path(args.only[0]).stem
        config_path, toc_path = partial_build_inputs(args.only, out)
        command += ["--config", str(config_path), "--toc", str(toc_path), "--path-output", str(out)]
        cache_dir, html_dir = out / ".jupyter_cache", out / "_build" / "html"
        files = toc_files(toc_path)
    else:
        BUILD.mkdir(exist_ok=True)
        key = src_hash()
        cache_dir = point_cache_at(BUILD / ".jupyter_cache", key)
        # Sphinx re-reads only pages whose text changed. When src/ changed,
        # every page must be re-read so that it picks up the new cache.
        last = BUILD / ".jupyter_caches" / "LAST_SRC_HASH"
        if not last.exists() or last.read_text() != key:
            if "--all" not in command:
                command.append("--all")
        html_dir = BUILD / "html"
        files = toc_files(ROOT / "_toc.yml")

    missing = [f for f in files if not (ROOT / f).with_suffix(".md").is_file()]
    if missing:
        print(f"error: _toc.yml lists files that do not exist: {', '.join(m + '.md' for m in missing)}",
              file=sys.stderr)
        return 2
    if html_dir.exists():
        shutil.rmtree(html_dir / "reports", ignore_errors=True)

    before = cache_records(cache_dir)
    if not args.only and not args.serial:
        timeout = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"].get("timeout", 300)
        ran = pre_execute(cache_dir, files, timeout)
        failed = failed_chapters(cache_dir, ran)
        if failed:
            # Sphinx would only execute these chapters again and fail on the first.
            after = cache_records(cache_dir)
            executed = [uri for uri, created in after.items() if created >= start and before.get(uri) != created]
            report_failures(failed, BUILD / "logs")
            print(f"\nbook build FAILED: {len(failed)} chapter(s) raised in a cell (above); "
                  f"{len(executed)} other chapter(s) executed, Sphinx not run; "
                  f"{time.time() - start:.1f} s", file=sys.stderr)
            return 1
    if args.only:
        # Other chapters are not executed, so their glue references warn: keep
        # the warnings that belong to the chosen chapters and fail on those.
        command.remove("-W")
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(result.stdout)
        own = problems_in(result.stdout, [str(Path(p)) for p in args.only])
        if own:
            print("\n".join(["", f"{len(own)} warning(s)/error(s) in {', '.join(args.only)}:", *own]),
                  file=sys.stderr)
            result = subprocess.CompletedProcess(command, 1)
    else:
        result = subprocess.run(command)
    after = cache_records(cache_dir)
    executed = [uri for uri, created in after.items() if created >= start and before.get(uri) != created]
    with_code = [f for f in files if has_code_cells((ROOT / f).with_suffix(".md"))]
    elapsed = time.time() - start
    status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
    print(f"book build {status}: {len(files)} pages, {len(with_code)} with code: "
          f"{len(executed)} executed, {max(len(with_code) - len(executed), 0)} from cache; "
          f"{elapsed:.1f} s")
    if result.returncode == 0 and not args.only:
        # Remember the src/ hash only once a build with it has succeeded.
        (BUILD / ".jupyter_caches" / "LAST_SRC_HASH").write_text(src_hash())
    if result.returncode != 0:
        print_reports(html_dir)
        print("\nThe build failed. Fix the warnings or cell errors above; each names its chapter file.",
              file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
