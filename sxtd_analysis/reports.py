"""HTML reports: the profile notebook run with papermill for each province, plus the cross-province comparison.

One report per province (`reports/<slug>.html`) from `notebooks/province_profile.ipynb`, the comparison
(`reports/comparison.html`) from `notebooks/02-compare-targets.ipynb`, and `reports/index.html` linking them.

- Provinces are resolved against the database's registry (`find_province`) before any kernel starts, and
  only the registry's own name and the database path reach the notebook, as papermill parameters.
- Reports hide the code (no input cells, no prompts), say when and from which data version (curated hash)
  they were made, and load nothing from any network: the template drops nbconvert's CDN scripts, and the
  charts carry their own Vega bundle (see `sxtd_analysis.offline`).
- Notebooks run in parallel, each in its own kernel driven by a thread of this process, the longest first;
  a failing notebook does not stop the others. Its executed copy is kept in `failed/<slug>.ipynb` beside
  the reports, and the last good report stays. Each kernel is stopped as soon as its notebook has run.
- `render_all(if_changed=True)` does nothing when the data, the notebooks and the package are those of the
  last successful run (stamp file `.sxtd-reports.json` in the output folder).

papermill and nbconvert are imported only when a notebook runs (they cost seconds to import).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sxtd_analysis import __version__
from sxtd_analysis.config import Paths, get_paths
from sxtd_analysis.html_export import TEMPLATE_NAME, TEMPLATES_DIR, export_html
from sxtd_analysis.index_page import write_index
from sxtd_analysis.kernels import CELL_TIMEOUT, KERNEL_NAME, jupyter_environment, run_notebook
from sxtd_analysis.offline import external_references, unsafe_markup
from sxtd_analysis.report_model import (
    COMPARISON_KEY,
    FAILED_DIR,
    INDEX_NAME,
    Province,
    RenderSummary,
    ReportResult,
    atomic_write,
)

PROFILE_NOTEBOOK = "province_profile.ipynb"
COMPARISON_NOTEBOOK = "02-compare-targets.ipynb"
STAMP_NAME = ".sxtd-reports.json"
LOCK_NAME = ".sxtd-reports.lock"
WORK_DIR = ".sxtd-work"  # executed notebooks while they run; emptied at the start of each run
class ReportError(RuntimeError):
    """Reports cannot be made (notebook or database missing, another run in progress, ...)."""


class ReportFailed(ReportError):
    """A notebook failed; `result` says where its executed copy was kept."""

    def __init__(self, result: ReportResult):
        kept = f"; executed notebook kept at {result.failed_notebook}" if result.failed_notebook else ""
        super().__init__(f"report {result.key!r} failed: {result.error}{kept}")
        self.result = result


#: progress(done, total, result): called with (0, total, None) before the first notebook, then after each
Progress = Callable[[int, int, "ReportResult | None"], None]


@dataclass(frozen=True)
class _Job:
    """One notebook to run and export."""

    key: str
    title: str
    notebook: Path
    parameters: dict[str, str]
    out_dir: Path
    provenance: dict[str, str]
    kernel_name: str = KERNEL_NAME
    cell_timeout: int = CELL_TIMEOUT
    priority: int = 0  # higher starts first: the longest notebooks, so that parallel runs end together


# --------------------------------------------------------------------------------------------------- inputs


def _paths(paths: Paths | None) -> Paths:
    return paths or get_paths()


def province_registry(database: Path | str, *, con=None) -> list[Province]:
    """The provinces a report can be made for (those with a plan), in Vietnamese alphabetical order.

    `con`: an open connection to the database to ask (else one is opened and closed).
    """
    from sxtd_analysis.queries import connect, list_provinces

    own = con is None
    con = connect(database) if own else con
    try:
        frame = list_provinces(con)
    finally:
        if own:
            con.close()
    return [Province(slug, name) for slug, name in zip(frame["province_slug"], frame["name_vi"], strict=True)]


def resolve_provinces(names: Iterable[str], *, paths: Paths | None = None) -> list[Province]:
    """The registry's provinces for names in any form `find_province` accepts (duplicates dropped).

    Raises UnknownProvinceError (listing the valid names) for the first name that matches none.
    """
    from sxtd_analysis.queries import connect, find_province

    paths = _paths(paths)
    con = connect(paths.database)
    try:
        slugs = [find_province(con, name=name) for name in names]
        by_slug = {p.slug: p for p in province_registry(paths.database, con=con)}
    finally:
        con.close()
    return [by_slug[s] for s in dict.fromkeys(slugs)]


def data_version(database: Path | str) -> dict[str, str]:
    """The database's build_info (curated_hash, built_at, package_version, ...)."""
    from sxtd_analysis.queries import build_info, connect

    con = connect(database)
    try:
        return build_info(con)
    finally:
        con.close()


def notebook_paths(paths: Paths | None = None) -> tuple[Path, Path]:
    """The province profile and comparison notebooks of the project."""
    paths = _paths(paths)
    return paths.notebooks_dir / PROFILE_NOTEBOOK, paths.notebooks_dir / COMPARISON_NOTEBOOK


def _require(notebook: Path) -> Path:
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise ReportError(f"notebook {notebook} does not exist")
    return notebook


def notebook_hash(notebook: Path) -> str:
    """sha256 of what a notebook does: its cells' types, sources and tags (not its outputs or metadata)."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))

    def text(source) -> str:
        return "".join(source) if isinstance(source, list) else source

    content = [(c.get("cell_type"), text(c.get("source", "")), sorted(c.get("metadata", {}).get("tags", [])))
               for c in nb.get("cells", [])]
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    return hashlib.sha256(json.dumps([kernel, content], ensure_ascii=False).encode()).hexdigest()


def _template_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((TEMPLATES_DIR / TEMPLATE_NAME).iterdir()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _provenance(info: dict[str, str], notebook: Path, generated_at: str, index_href: str = "") -> dict[str, str]:
    return {
        "generated_at": generated_at,
        "curated_hash": info.get("curated_hash", "unknown"),
        "built_at": info.get("built_at", "unknown"),
        "db_package_version": info.get("package_version", "unknown"),
        "package_version": __version__,
        "notebook": notebook.name,
        "index_href": index_href,
    }


# ------------------------------------------------------------------------------------------ environment


# --------------------------------------------------------------------------------------------- rendering


def _describe(err: BaseException) -> str:
    ename, evalue = getattr(err, "ename", None), getattr(err, "evalue", None)
    if ename:
        count = getattr(err, "exec_count", None)
        where = f" (cell [{count}])" if count is not None else ""
        return f"{ename}: {evalue}{where}"
    return f"{type(err).__name__}: {err}"


#: one HTML exporter for the process: its Jinja templates compile once (~0.1 s per report otherwise).
#: Exporting is pure Python, so threads gain nothing by exporting at the same time: a lock serialises it.
def _run_job(job: _Job) -> ReportResult:
    """Execute one notebook with papermill and export it; never raises (failures are results)."""
    started = time.perf_counter()
    job.out_dir.mkdir(parents=True, exist_ok=True)
    (job.out_dir / WORK_DIR).mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{job.key}-", dir=job.out_dir / WORK_DIR))
    executed = work / f"{job.key}.ipynb"
    kernel_log = work / f"{job.key}.kernel.log"
    failed_dir = job.out_dir / FAILED_DIR
    try:
        nb = run_notebook(job.notebook, executed, parameters=job.parameters, kernel_name=job.kernel_name,
                          kernel_log=kernel_log, cell_timeout=job.cell_timeout)
        page = export_html(nb, title=job.title, provenance=job.provenance)
        problems = external_references(page, links=False)
        if problems:
            raise ReportError("the report would load from outside the file: " + "; ".join(problems[:5]))
        unsafe = unsafe_markup(page)
        if unsafe:
            raise ReportError("the report holds markup that could run code: " + "; ".join(unsafe[:5]))
        target = job.out_dir / f"{job.key}.html"
        atomic_write(target, page)
        for stale in (failed_dir / f"{job.key}.ipynb", failed_dir / f"{job.key}.log"):
            stale.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            failed_dir.rmdir()  # only when empty
        return ReportResult(job.key, job.title, True, time.perf_counter() - started, html=target)
    except Exception as err:  # one notebook's failure must not stop the others
        message = _describe(err)
        kept = None
        failed_dir.mkdir(parents=True, exist_ok=True)
        if executed.exists():
            kept = failed_dir / f"{job.key}.ipynb"
            os.replace(executed, kept)
        log_text = f"{message}\n\n--- kernel stderr ---\n"
        if kernel_log.exists():
            log_text += kernel_log.read_text(encoding="utf-8", errors="replace")
        (failed_dir / f"{job.key}.log").write_text(log_text, encoding="utf-8")
        return ReportResult(job.key, job.title, False, time.perf_counter() - started, error=message,
                            failed_notebook=kept)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _run_job_in_thread(job: _Job) -> ReportResult:
    """`_run_job` in a worker thread, closing the event loop jupyter_client made for the thread afterwards."""
    try:
        return _run_job(job)
    finally:
        with contextlib.suppress(Exception):
            import asyncio

            loop = asyncio.get_event_loop_policy().get_event_loop()
            if not loop.is_running():
                loop.close()  # the thread's next notebook gets a new one


def _run_jobs(jobs: Sequence[_Job], workers: int | None, progress: Progress | None) -> list[ReportResult]:
    """Run the jobs, `workers` at a time, the longest (highest `priority`) first; results in `jobs` order.

    Each job runs in a thread of this process: a thread only drives its notebook's kernel (a process of its
    own, where the work is done) and exports the result, so worker processes would only import papermill and
    nbconvert again. papermill is safe in threads as used here: no `cwd` argument (papermill would chdir
    the whole process; the kernel manager starts the kernel in its folder instead), absolute paths, one
    kernel manager and event loop per thread, jupyter_client's port cache shared by all threads.
    """
    total = len(jobs)
    workers = max(1, min(workers or _default_jobs(), total or 1))
    if progress:
        progress(0, total, None)
    queue = sorted(jobs, key=lambda job: -job.priority)  # stable: equal priorities keep their order
    results: dict[str, ReportResult] = {}
    if workers == 1:
        for job in queue:
            results[job.key] = _run_job(job)
            if progress:
                progress(len(results), total, results[job.key])
    else:
        from concurrent.futures import ThreadPoolExecutor, as_completed

        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sxtd-report")
        try:
            futures = {pool.submit(_run_job_in_thread, job): job for job in queue}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    result = future.result()
                except Exception as err:  # _run_job returns its failures: only a bug gets here
                    result = ReportResult(job.key, job.title, False, 0.0, error=_describe(err))
                results[job.key] = result
                if progress:
                    progress(len(results), total, result)
        finally:  # on Ctrl-C, start nothing more; the notebooks already running finish and stop their kernels
            pool.shutdown(wait=True, cancel_futures=True)
    return [results[job.key] for job in jobs]


def _province_job(province: Province, notebook: Path, paths: Paths, out_dir: Path, provenance: dict[str, str],
                  cell_timeout: int) -> _Job:
    # Only the registry's own name and the database path reach the notebook, as papermill parameters.
    return _Job(key=province.slug, title=f"{province.name_vi} — SXTD", notebook=notebook,
                parameters={"province": province.name_vi, "database": str(paths.database)},
                out_dir=out_dir, provenance=provenance, cell_timeout=cell_timeout)


@contextlib.contextmanager
def _exclusive(out_dir: Path):
    """One report run per output folder at a time (a cron run overlapping the previous one)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with open(out_dir / LOCK_NAME, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise ReportError(f"another `sxtd report` is writing into {out_dir}") from err
        shutil.rmtree(out_dir / WORK_DIR, ignore_errors=True)  # left by a run that was killed
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                (out_dir / WORK_DIR).rmdir()


def render_provinces(provinces: Iterable[str], *, paths: Paths | None = None, out_dir: Path | str | None = None,
                     jobs: int | None = None, progress: Progress | None = None, notebook: Path | None = None,
                     cell_timeout: int = CELL_TIMEOUT) -> RenderSummary:
    """Render the profile report of each named province (names in any accepted form) into `out_dir`."""
    started = time.perf_counter()
    paths = _paths(paths)
    selected = resolve_provinces(provinces, paths=paths)  # refuses unknown names before any kernel starts
    notebook = _require(notebook or notebook_paths(paths)[0])
    out_dir = Path(out_dir or paths.reports_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    info = data_version(paths.database)
    index_href = INDEX_NAME if (out_dir / INDEX_NAME).exists() else ""
    provenance = _provenance(info, notebook, _now(), index_href)
    jupyter_environment(paths)
    with _exclusive(out_dir):
        results = _run_jobs([_province_job(p, notebook, paths, out_dir, provenance, cell_timeout)
                             for p in selected], jobs, progress)
    return RenderSummary(out_dir, results, seconds=time.perf_counter() - started)


def render_report(province: str, *, paths: Paths | None = None, out_dir: Path | str | None = None,
                  notebook: Path | None = None, cell_timeout: int = CELL_TIMEOUT) -> Path:
    """Render one province's report (`<out_dir>/<slug>.html`) and return its path.

    Raises UnknownProvinceError before any kernel starts for an unknown name, ReportFailed if the notebook
    fails (its executed copy is kept in `<out_dir>/failed/<slug>.ipynb`).
    """
    summary = render_provinces([province], paths=paths, out_dir=out_dir, jobs=1, notebook=notebook,
                               cell_timeout=cell_timeout)
    result = summary.results[0]
    if not result.ok:
        raise ReportFailed(result)
    assert result.html is not None
    return result.html


def fingerprint(*, paths: Paths | None = None, notebooks: Sequence[Path] | None = None) -> dict:
    """What the reports are made from: data version, notebook contents, package version and template."""
    paths = _paths(paths)
    notebooks = notebooks or notebook_paths(paths)
    return {
        "curated_hash": data_version(paths.database).get("curated_hash", ""),
        "package_version": __version__,
        "notebooks": {Path(nb).name: notebook_hash(Path(nb)) for nb in notebooks},
        "template": _template_hash(),
    }


def read_stamp(out_dir: Path) -> dict | None:
    """The stamp of the last successful `render_all` in `out_dir` (None if there is none)."""
    try:
        return json.loads((Path(out_dir) / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _unchanged(stamp: dict | None, current: dict, out_dir: Path) -> bool:
    if not stamp or stamp.get("fingerprint") != current:
        return False
    return all((out_dir / name).exists() for name in stamp.get("files", []))


def render_all(*, paths: Paths | None = None, out_dir: Path | str | None = None, jobs: int | None = None,
               if_changed: bool = False, progress: Progress | None = None,
               profile_notebook: Path | None = None, comparison_notebook: Path | None = None,
               cell_timeout: int = CELL_TIMEOUT) -> RenderSummary:
    """Render every province's report, the comparison report and the index into `out_dir`.

    With `if_changed`, does nothing (summary.skipped) when the curated data (build_info curated_hash),
    the notebooks' content, the package version and the template are those of the last successful run
    and its files are still there. Failed notebooks do not stop the others (see `RenderSummary.failed`).
    """
    started = time.perf_counter()
    paths = _paths(paths)
    default_profile, default_comparison = notebook_paths(paths)
    profile = _require(profile_notebook or default_profile)
    comparison = _require(comparison_notebook or default_comparison)
    out_dir = Path(out_dir or paths.reports_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    info = data_version(paths.database)
    current = fingerprint(paths=paths, notebooks=[profile, comparison])
    if if_changed and _unchanged(read_stamp(out_dir), current, out_dir):
        return RenderSummary(out_dir, skipped=True, seconds=time.perf_counter() - started,
                             reason=f"nothing changed since the reports of {read_stamp(out_dir)['generated_at']} "
                                    f"(data {current['curated_hash'][:12]}, sxtd {__version__})")
    provinces = province_registry(paths.database)
    generated_at = _now()
    jupyter_environment(paths)
    jobs_list = [_province_job(p, profile, paths, out_dir, _provenance(info, profile, generated_at, INDEX_NAME),
                               cell_timeout) for p in provinces]
    jobs_list.append(_Job(key=COMPARISON_KEY, title="Comparing provincial SXTD targets", notebook=comparison,
                          parameters={"database": str(paths.database)}, out_dir=out_dir,
                          provenance=_provenance(info, comparison, generated_at, INDEX_NAME),
                          cell_timeout=cell_timeout, priority=1))  # it reads every province: the longest
    with _exclusive(out_dir):
        results = _run_jobs(jobs_list, jobs, progress)
        index = write_index(out_dir, provinces=provinces, results=results, info=info, generated_at=generated_at,
                            database=paths.database)
        summary = RenderSummary(out_dir, results, index=index, seconds=time.perf_counter() - started)
        if summary.ok:
            stamp = {"fingerprint": current, "generated_at": generated_at,
                     "files": [INDEX_NAME, *(f"{r.key}.html" for r in results)]}
            atomic_write(out_dir / STAMP_NAME, json.dumps(stamp, indent=2, ensure_ascii=False) + "\n")
    return summary


def summary_lines(summary: RenderSummary) -> list[str]:
    """Human-readable lines about a run, for the CLI and logs."""
    lines = []
    for r in summary.failed:
        kept = f"; executed notebook: {r.failed_notebook}" if r.failed_notebook else ""
        lines.append(f"FAILED {r.key}: {r.error}{kept}")
    done = len(summary.rendered)
    lines.append(f"{done} of {len(summary.results)} reports rendered into {summary.out_dir} "
                 f"in {summary.seconds:.1f} s" + (f"; index: {summary.index}" if summary.index else ""))
    return lines

