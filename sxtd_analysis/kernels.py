"""Jupyter kernels for the reports: the environment they run in, starting and stopping them, and running one
notebook with papermill (imported only here, when a notebook runs)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from sxtd_analysis.config import Paths, get_paths
from sxtd_analysis.offline import BUNDLE_ENV

KERNEL_NAME = "python3"
#: seconds one cell may run before the notebook counts as failed
CELL_TIMEOUT = 600
#: Jupyter/IPython folders set for the kernels (only when not already set), under <root>/.jupyter
JUPYTER_DIRS = {
    "JUPYTER_CONFIG_DIR": "config",
    "JUPYTER_DATA_DIR": "data",
    "JUPYTER_RUNTIME_DIR": "runtime",
    "IPYTHONDIR": "ipython",
}



def jupyter_environment(paths: Paths | None = None) -> dict[str, str]:
    """Point Jupyter and IPython at project-local folders (<root>/.jupyter/...) unless already set.

    Falls back to a folder in the temporary directory when the project is not writable. Sets the variables
    in `os.environ` (the kernels inherit them) and returns the four values.
    """
    paths = (paths or get_paths())
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
            # the report's page carries the Vega bundle once, in its head (html_export): not through the notebook
            kw["env"] = {**(kw.get("env") or os.environ), BUNDLE_ENV: "page"}
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


