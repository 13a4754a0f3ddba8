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
import html
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from sxtd_analysis import __version__
from sxtd_analysis.config import PACKAGE_DIR, Paths, get_paths

PROFILE_NOTEBOOK = "province_profile.ipynb"
COMPARISON_NOTEBOOK = "02-compare-targets.ipynb"
COMPARISON_KEY = "comparison"
INDEX_NAME = "index.html"
FAILED_DIR = "failed"
STAMP_NAME = ".sxtd-reports.json"
LOCK_NAME = ".sxtd-reports.lock"
WORK_DIR = ".sxtd-work"  # executed notebooks while they run; emptied at the start of each run
KERNEL_NAME = "python3"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
TEMPLATE_NAME = "sxtd_report"
#: seconds one cell may run before the notebook counts as failed
CELL_TIMEOUT = 600
#: Jupyter/IPython folders set for the kernels (only when not already set), under <root>/.jupyter
JUPYTER_DIRS = {
    "JUPYTER_CONFIG_DIR": "config",
    "JUPYTER_DATA_DIR": "data",
    "JUPYTER_RUNTIME_DIR": "runtime",
    "IPYTHONDIR": "ipython",
}


class ReportError(RuntimeError):
    """Reports cannot be made (notebook or database missing, another run in progress, ...)."""


class ReportFailed(ReportError):
    """A notebook failed; `result` says where its executed copy was kept."""

    def __init__(self, result: ReportResult):
        kept = f"; executed notebook kept at {result.failed_notebook}" if result.failed_notebook else ""
        super().__init__(f"report {result.key!r} failed: {result.error}{kept}")
        self.result = result


@dataclass(frozen=True)
class Province:
    slug: str
    name_vi: str


@dataclass(frozen=True)
class ReportResult:
    """The outcome of one notebook: the report written, or why not."""

    key: str  # province slug, or "comparison"
    title: str
    ok: bool
    seconds: float
    html: Path | None = None
    error: str | None = None
    failed_notebook: Path | None = None


@dataclass
class RenderSummary:
    """What a `render_all` / `render_provinces` run did."""

    out_dir: Path
    results: list[ReportResult] = field(default_factory=list)
    index: Path | None = None
    skipped: bool = False
    reason: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if not r.ok]

    @property
    def rendered(self) -> list[ReportResult]:
        return [r for r in self.results if r.ok]


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


def province_registry(database: Path | str) -> list[Province]:
    """The provinces a report can be made for (those with a plan), in Vietnamese alphabetical order."""
    from sxtd_analysis.api import connect, list_provinces

    con = connect(database)
    try:
        frame = list_provinces(con)
    finally:
        con.close()
    return [Province(slug, name) for slug, name in zip(frame["province_slug"], frame["name_vi"], strict=True)]


def resolve_provinces(names: Iterable[str], *, paths: Paths | None = None) -> list[Province]:
    """The registry's provinces for names in any form `find_province` accepts (duplicates dropped).

    Raises UnknownProvinceError (listing the valid names) for the first name that matches none.
    """
    from sxtd_analysis.api import connect
    from sxtd_analysis.provinces import find_province

    paths = _paths(paths)
    con = connect(paths.database)
    try:
        slugs = [find_province(name, con) for name in names]
    finally:
        con.close()
    by_slug = {p.slug: p for p in province_registry(paths.database)}
    return [by_slug[s] for s in dict.fromkeys(slugs)]


def data_version(database: Path | str) -> dict[str, str]:
    """The database's build_info (curated_hash, built_at, package_version, ...)."""
    from sxtd_analysis.api import build_info, connect

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


def jupyter_environment(paths: Paths | None = None) -> dict[str, str]:
    """Point Jupyter and IPython at project-local folders (<root>/.jupyter/...) unless already set.

    Falls back to a folder in the temporary directory when the project is not writable. Sets the variables
    in `os.environ` (the kernels inherit them) and returns the four values.
    """
    paths = _paths(paths)
    base = paths.root / ".jupyter"
    with contextlib.suppress(OSError):
        base.mkdir(parents=True, exist_ok=True)
    if not os.access(base, os.W_OK):
        base = Path(tempfile.gettempdir()) / f"sxtd-jupyter-{os.getuid() if hasattr(os, 'getuid') else 'user'}"
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    chosen = {}
    for var, sub in JUPYTER_DIRS.items():
        value = os.environ.setdefault(var, str(base / sub))
        Path(value).mkdir(parents=True, exist_ok=True)
        chosen[var] = value
    return chosen


def _kernel_manager(kernel_name: str, cwd: Path, stderr_log: Path):
    """A kernel manager whose kernel starts in `cwd` and writes its stderr (TCP warnings...) to a log.

    It keeps the kernel clients made from it (`report_clients`): papermill leaves the kernel of a manager it
    is given running, and its client's channels open, so `_stop_kernel` stops both.
    """
    from jupyter_client import AsyncKernelManager

    class ReportKernelManager(AsyncKernelManager):
        def __init__(self, **kw):
            super().__init__(**kw)
            self.report_clients: list = []

        async def start_kernel(self, **kw):
            kw.setdefault("cwd", str(cwd))
            with open(stderr_log, "ab") as log:
                kw["stderr"] = log
                return await super().start_kernel(**kw)

        def client(self, **kw):
            kc = super().client(**kw)
            self.report_clients.append(kc)
            return kc

    return ReportKernelManager(kernel_name=kernel_name)


#: a kernel that fails to start is tried this many times before the notebook counts as failed
KERNEL_START_ATTEMPTS = 2
_KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond")
#: seconds between checks that a stopped kernel has exited (jupyter_client's own checks are 0.1 s apart)
KERNEL_EXIT_POLL = 0.01


def _stop_kernel(km) -> None:
    """Stop a notebook's kernel at once and wait for its process to end; never raises.

    papermill (nbclient) only stops the kernels it starts itself: the kernel of a manager passed as `km`
    was left running, with papermill's client channels (and their heartbeat thread), until this process
    ended. The notebook has run by now and the kernel's state is discarded, so it is stopped the way
    nbclient's `shutdown_kernel="immediate"` and jupyter_client's `shutdown_kernel(now=True)` do, SIGKILL to
    its process group, rather than by a shutdown request: the graceful way leaves the kernel 0.3-0.5 s of
    teardown (IPython's reset and garbage collection, then the interpreter's), one CPU-busy kernel more
    per report. The kernels only read the database (read-only connections) and write nothing at exit.
    Then the channels, the connection file and the ports are released.
    """
    import signal

    from jupyter_core.utils import run_sync

    async def stop() -> None:
        try:
            if km.has_kernel:
                with contextlib.suppress(OSError, RuntimeError):  # it may have exited already
                    await km.signal_kernel(signal.SIGKILL)
                await km.finish_shutdown(pollinterval=KERNEL_EXIT_POLL)  # waits for the exit, then reaps it
        finally:
            for kc in km.report_clients:
                with contextlib.suppress(Exception):
                    kc.stop_channels()
            await km.cleanup_resources()

    with contextlib.suppress(Exception):  # nothing more can be done about a kernel that will not stop
        run_sync(stop)()


def run_notebook(notebook: Path, output: Path, *, parameters: dict | None = None, kernel_name: str = KERNEL_NAME,
                 cwd: Path | None = None, kernel_log: Path | None = None, cell_timeout: int = CELL_TIMEOUT):
    """Execute a notebook with papermill as the reports do and return the executed notebook.

    The kernel starts in `cwd` (default: the notebook's folder) with its stderr appended to `kernel_log`,
    is started again once if it dies while starting, and has been stopped when this returns or raises.
    papermill's errors (PapermillExecutionError for a failing cell...) are raised after the executed
    notebook, with the error, was written to `output`.
    """
    from sxtd_analysis.offline import skip_slow_imports

    skip_slow_imports()  # papermill imports nbformat, which imports jsonschema
    import papermill

    notebook = Path(notebook)
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        km = _kernel_manager(kernel_name, Path(cwd or notebook.parent), Path(kernel_log or os.devnull))
        try:
            return papermill.execute_notebook(
                str(notebook), str(output),
                parameters=dict(parameters or {}),
                kernel_name=kernel_name, km=km,
                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                execution_timeout=cell_timeout,
            )
        except RuntimeError as err:  # a kernel that dies while starting (seen with parallel jobs): retry
            if attempt == KERNEL_START_ATTEMPTS or not any(m in str(err) for m in _KERNEL_START_FAILURES):
                raise
        finally:
            _stop_kernel(km)
    raise AssertionError("unreachable")  # pragma: no cover


# --------------------------------------------------------------------------------------------- rendering


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _describe(err: BaseException) -> str:
    ename, evalue = getattr(err, "ename", None), getattr(err, "evalue", None)
    if ename:
        count = getattr(err, "exec_count", None)
        where = f" (cell [{count}])" if count is not None else ""
        return f"{ename}: {evalue}{where}"
    return f"{type(err).__name__}: {err}"


#: one HTML exporter for the process: its Jinja templates compile once (~0.1 s per report otherwise).
#: Exporting is pure Python, so threads gain nothing by exporting at the same time: a lock serialises it.
_EXPORTER: dict[str, object] = {}
_EXPORT_LOCK = threading.Lock()


def _report_exporter_class():
    """nbconvert's HTMLExporter without its BeautifulSoup pass over the finished page.

    HTMLExporter (nbconvert 7) re-parses its own output with BeautifulSoup's pure-Python parser to add
    `tabindex="0"` to input and output areas and an `alt` text to images lacking one, then serialises the
    tree again: 0.03 s for a report of the real data, 30 s of the 45 s a province report took at 10,000
    synthetic plans (a 14 MB page). This subclass renders the same template and makes the same three edits
    on the template's own markup (`_accessible`); a test checks the two pages parse to the same document.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node up to its BeautifulSoup pass (nbconvert 7.17)
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                     resources=resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _accessible(page), resources

    return ReportExporter


#: the lab template's input wrappers and output areas (nbconvert/templates/lab/base.html.j2), any image, and
#: the scripts whose text `_accessible` leaves alone
_INPUT_WRAPPER = '<div class="jp-Cell-inputWrapper">'
_OUTPUT_AREA = re.compile(r'(<div class="[^"<>]*\bjp-OutputArea-output\b[^"<>]*"[^<>]*)>')
_IMAGE_WITHOUT_ALT = re.compile(r"<img\b(?![^<>]*\balt=)([^<>]*?)(/?)>")
_SCRIPT = re.compile(r"(<script\b.*?</script\s*>)", re.S | re.I)


def _accessible(page: str) -> str:
    """What HTMLExporter's BeautifulSoup pass adds: focusable input and output areas, images' alt text.

    Only in the markup: a script's text (the Vega bundle builds `<img ...>` strings) is left as it is.
    """
    parts = _SCRIPT.split(page)
    for i in range(0, len(parts), 2):  # the even parts lie between scripts
        part = parts[i].replace(_INPUT_WRAPPER, '<div class="jp-Cell-inputWrapper" tabindex="0">')
        part = _OUTPUT_AREA.sub(r'\1 tabindex="0">', part)
        parts[i] = _IMAGE_WITHOUT_ALT.sub(r'<img\1 alt="No description has been provided for this image"\2>', part)
    return "".join(parts)


def _exporter():
    exporter = _EXPORTER.get("html")
    if exporter is None:
        exporter = _report_exporter_class()(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
            sanitize_html=False,
        )
        exporter.register_preprocessor(_tag_remover(), enabled=True)
        _EXPORTER["html"] = exporter
    return exporter


def export_html(nb, *, title: str, provenance: dict[str, str]) -> str:
    """An executed notebook as one self-contained HTML page: outputs only, no external address."""
    nb = nb.copy() if hasattr(nb, "copy") else nb
    # Cells that show nothing (imports, parameters) would leave empty boxes once their code is hidden.
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.get("outputs")]
    with _EXPORT_LOCK:
        body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}, "sxtd": provenance})
    return _ensure_vega_bundle(body)


def _tag_remover():
    from nbconvert.preprocessors import TagRemovePreprocessor

    return TagRemovePreprocessor(
        remove_cell_tags={"remove-cell", "remove_cell"},
        remove_all_outputs_tags={"remove-output", "remove_output"},
        enabled=True,
    )


def _ensure_vega_bundle(page: str) -> str:
    """Charts of `sxtd_analysis.offline` need the Vega bundle once per page; add it if no output carried it."""
    if 'class="sxtd-chart"' not in page or _BUNDLE_MARKER in page:
        return page
    from sxtd_analysis.offline import javascript_bundle  # seconds to build: only when really missing

    return page.replace("</head>", f"<script>{javascript_bundle()}</script>\n</head>", 1)


#: the statement of vl-convert's bundle that defines vegaEmbed (present once the bundle is on the page)
_BUNDLE_MARKER = "window.vegaEmbed="


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
        target = job.out_dir / f"{job.key}.html"
        _atomic_write(target, page)
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
        index = write_index(out_dir, provinces=provinces, results=results, info=info, generated_at=generated_at)
        summary = RenderSummary(out_dir, results, index=index, seconds=time.perf_counter() - started)
        if summary.ok:
            stamp = {"fingerprint": current, "generated_at": generated_at,
                     "files": [INDEX_NAME, *(f"{r.key}.html" for r in results)]}
            _atomic_write(out_dir / STAMP_NAME, json.dumps(stamp, indent=2, ensure_ascii=False) + "\n")
    return summary


# ------------------------------------------------------------------------------------------------- index

_INDEX_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 2em auto;
       max-width: 60em; padding: 0 1em; color: #1f2328; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { text-align: left; padding: 0.3em 1em 0.3em 0; border-bottom: 1px solid #d0d7de; vertical-align: top; }
code { font-size: 0.95em; }
.failed { color: #b3261e; }
.muted { color: #59636e; font-size: 0.9em; }
"""


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or "").startswith("sxtd:"):
            self.meta[attrs["name"].removeprefix("sxtd:")] = attrs.get("content") or ""


def report_metadata(path: Path | str) -> dict[str, str]:
    """The provenance a report carries in its <meta name="sxtd:..."> tags (generated-at, curated-hash, ...)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read().split("</head>", 1)[0]
    except OSError:
        return {}
    parser = _Meta()
    parser.feed(head)
    return parser.meta


def write_index(out_dir: Path | str, *, provinces: Sequence[Province], results: Sequence[ReportResult],
                info: dict[str, str], generated_at: str) -> Path:
    """Write `<out_dir>/index.html`: links to the reports, this run's failures, and the build info."""
    out_dir = Path(out_dir)
    by_key = {r.key: r for r in results}
    esc = html.escape

    def row(key: str, label: str) -> str:
        result = by_key.get(key)
        page = out_dir / f"{key}.html"
        link = f'<a href="{esc(page.name)}">{esc(label)}</a>' if page.exists() else esc(label)
        if result is None or result.ok:
            note = "" if page.exists() else '<span class="failed">no report</span>'
        else:
            kept = (f' — executed notebook kept in <a href="{FAILED_DIR}/{esc(key)}.ipynb">'
                    f"{FAILED_DIR}/{esc(key)}.ipynb</a>") if result.failed_notebook else ""
            earlier = report_metadata(page).get("generated-at") if page.exists() else None
            shown = f"; the report shown is from {esc(earlier)}" if earlier else ""
            note = f'<span class="failed">failed in this run: {esc(result.error or "")}{shown}</span>{kept}'
        return f"<tr><td>{link}</td><td><code>{esc(key)}</code></td><td>{note}</td></tr>"

    rows = "\n".join(row(p.slug, p.name_vi) for p in provinces)
    comparison = row(COMPARISON_KEY, "Comparison of the provinces' targets")
    failed = [r for r in results if not r.ok]
    status = (f'<p class="failed">{len(failed)} of {len(results)} reports failed in this run.</p>' if failed
              else f"<p>All {len(results)} reports were made in this run.</p>")
    build = "\n".join(f"<tr><th>{esc(k)}</th><td><code>{esc(info.get(k, 'unknown'))}</code></td></tr>"
                      for k in ("curated_hash", "built_at", "package_version"))
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="sxtd:generated-at" content="{esc(generated_at)}">
<meta name="sxtd:curated-hash" content="{esc(info.get('curated_hash', ''))}">
<title>SXTD provincial plans — reports</title>
<style>{_INDEX_CSS}</style>
</head>
<body>
<h1>SXTD provincial plans — reports</h1>
<p class="muted">Reports made {esc(generated_at)} with sxtd {esc(__version__)}.</p>
{status}
<h2>Provinces</h2>
<table>
<tr><th>Province</th><th>Slug</th><th></th></tr>
{rows}
</table>
<h2>Across provinces</h2>
<table>
{comparison}
</table>
<h2>Data version</h2>
<table>
{build}
<tr><th>reports made</th><td><code>{esc(generated_at)}</code></td></tr>
</table>
</body>
</html>
"""
    target = out_dir / INDEX_NAME
    _atomic_write(target, page)
    return target


# ----------------------------------------------------------------------------------- offline checking

#: attributes whose value the browser fetches (or navigates to, for <a href>)
_URL_ATTRS = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href",
              "codebase", "cite", "longdesc", "manifest", "ping", "lowsrc", "dynsrc", "icon", "archive", "usemap"}
_NETWORK = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//|^\s*(?:https?|ftp|wss?):", re.IGNORECASE)
_LOCAL_OK = re.compile(r"^\s*(?:#|data:|about:|blob:|javascript:|mailto:|$)", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\(\s*)?['\"]?([^'\")\s;]+)", re.IGNORECASE)


class _References(HTMLParser):
    def __init__(self, links: bool):
        super().__init__(convert_charrefs=True)
        self.links = links
        self.found: list[str] = []
        self._in_style = False

    def _check(self, where: str, value: str, *, navigation: bool = False) -> None:
        values = [v.strip().split(" ")[0] for v in value.split(",")] if where.endswith("srcset") else [value]
        for v in values:
            if _NETWORK.match(v):
                self.found.append(f"{where}={v.strip()[:120]!r}")
            elif not navigation and not _LOCAL_OK.match(v):
                self.found.append(f"{where}={v.strip()[:120]!r} (a file beside the report)")

    def _css(self, where: str, css: str) -> None:
        for _, url in _CSS_URL.findall(css):
            self._check(f"{where} url()", url)
        for url in _CSS_IMPORT.findall(css):
            self._check(f"{where} @import", url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            name = name.lower()
            if name == "style":
                self._css(f"<{tag} style>", value)
            elif name in _URL_ATTRS:
                navigation = tag == "a" and name == "href"
                if navigation and not self.links:
                    continue
                self._check(f"<{tag} {name}>", value, navigation=navigation)
            elif tag == "meta" and name == "content" and "url=" in value.lower():
                self._check("<meta refresh>", value.lower().split("url=", 1)[1])
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._css("<style>", data)


def external_references(page: str, *, links: bool = True) -> list[str]:
    """Every address the page would load from outside itself: attributes, CSS url() and @import.

    Network addresses (http:, https:, //...) count anywhere, and so do files beside the page for anything
    the browser loads (src, <link href>, url()...). `links=False` ignores <a href> (a link loads nothing until
    followed). Text inside scripts (the Vega bundle, a spec's "$schema") is not a request and is not looked at.
    """
    parser = _References(links)
    parser.feed(page)
    parser.close()
    return parser.found


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

