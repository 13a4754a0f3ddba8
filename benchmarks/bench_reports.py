"""Report rendering next to its floor: papermill running an empty notebook, in the same run.

    .venv/bin/python benchmarks/bench_reports.py

Times, on the real data (database benchmarks/out/db/real.duckdb, reports into a temporary folder):
the floor (`papermill.execute_notebook` on a notebook with one empty cell, same kernel), one province
(`reports.render_report`), and every report (`reports.render_all`) with 1 and with 2 jobs. papermill and
nbconvert are imported and a kernel started once before any timing, so that every figure is warm.
Results: a table on stdout and benchmarks/out/reports.json.
"""

from __future__ import annotations

import _common

_common.use_bytecode_cache()

import argparse  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import ROOT, ensure_database, machine, median, paths_for, print_table, wait_for_quiet, write_json  # noqa: E402

PROVINCE = "Hà Tĩnh"


def _empty_notebook(folder: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "empty.ipynb"
    nbformat.write(nb, str(path))
    return path


def _cpu() -> float:
    """Busy CPU seconds of the whole machine (/proc/stat: all but idle and iowait), all processes.

    Kernels are not children that getrusage sees, so the machine's counter is used: run on a quiet machine.
    """
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _times(fn: Callable[[], object], runs: int, cpu: list[float]) -> list[float]:
    """Wall seconds of each run; the CPU seconds of each run are appended to `cpu`."""
    out = []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), _cpu()
        fn()
        out.append(time.perf_counter() - started)
        cpu.append(_cpu() - cpu_started)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of the floor and of one province (median)")
    parser.add_argument("--all-runs", type=int, default=2, help="runs of --all with each number of jobs (median)")
    parser.add_argument("--max-load", type=float, default=1.0,
                        help="wait (up to 10 min) for the 1-minute load average to drop below this first")
    args = parser.parse_args(argv)

    import papermill

    from sxtd_analysis import reports

    database = ensure_database("real")
    paths = paths_for("real", database=database)[0]
    reports.jupyter_environment(paths)
    load = wait_for_quiet(args.max_load, 600)
    info = machine()
    with tempfile.TemporaryDirectory(prefix="sxtd-bench-reports-") as tmp:
        tmp = Path(tmp)
        empty = _empty_notebook(tmp)
        out = tmp / "reports"

        def floor() -> None:
            # the kernel manager the reports use, when there is one (it also sends the kernel's stderr to a log)
            make_km = getattr(reports, "_kernel_manager", None)
            km = make_km(reports.KERNEL_NAME, tmp, tmp / "kernel.log") if make_km else None
            papermill.execute_notebook(str(empty), str(tmp / "empty-out.ipynb"), kernel_name=reports.KERNEL_NAME,
                                       km=km, progress_bar=False, log_output=False,
                                       request_save_on_cell_execute=False)

        def one() -> None:
            reports.render_report(PROVINCE, paths=paths, out_dir=out)

        def render_all(jobs: int) -> Callable[[], None]:
            def run() -> None:
                summary = reports.render_all(paths=paths, out_dir=out, jobs=jobs)
                if not summary.ok:
                    raise RuntimeError(f"render_all failed: {[r.error for r in summary.failed]}")
            return run

        floor()  # warm: imports, kernel spec lookup, first kernel start
        one()
        n_reports = len(reports.province_registry(database)) + 1  # provinces with plans + the comparison
        cpu: dict[str, list[float]] = {"floor": [], "one": [], "all1": [], "all2": []}
        t_floor = _times(floor, args.runs, cpu["floor"])
        t_one = _times(one, args.runs, cpu["one"])
        t_all1 = _times(render_all(1), args.all_runs, cpu["all1"])
        t_all2 = _times(render_all(2), args.all_runs, cpu["all2"])
    f, o, a1, a2 = median(t_floor), median(t_one), median(t_all1), median(t_all2)
    c = {k: median(v) for k, v in cpu.items()}
    rows = [
        ["empty notebook (floor)", 1, f, 1.0, c["floor"], None],
        [f"one province ({PROVINCE})", 1, o, o / f, c["one"],
         "<= 2.5 x floor: " + ("met" if o / f <= 2.5 else "missed")],
        ["--all, 1 job", n_reports, a1, a1 / f, c["all1"], f"{a1 / n_reports:.2f} s a report"],
        ["--all, 2 jobs", n_reports, a2, a2 / f, c["all2"],
         f"{a2 / a1:.2f} of 1 job (goal <= 0.65: {'met' if a2 / a1 <= 0.65 else 'missed'}); "
         f"CPU-bound floor {c['all2'] / 2 / a1:.2f}"],
    ]
    print_table(["what", "notebooks", "seconds", "x floor", "CPU s", "note"], rows,
                title=f"Reports (median of {args.runs} / {args.all_runs} runs, warm process; "
                      f"load average {load:.2f} at start)")
    print("The floor is papermill starting a kernel, running one empty cell and stopping it (the API, not the CLI).\n"
          "CPU s = busy CPU seconds of the whole machine during the run (/proc/stat), kernels and workers included;\n"
          "with 2 cores, 2 jobs cannot take less than (CPU s of 2 jobs) / 2: 'CPU-bound floor', as a share of the "
          "1-job time.")
    path = write_json("reports", {
        "machine": info, "province": PROVINCE, "notebooks_all": n_reports, "api": "sxtd_analysis.reports",
        "floor_s": t_floor, "one_province_s": t_one, "all_1_job_s": t_all1, "all_2_jobs_s": t_all2,
        "cpu_s": cpu, "one_over_floor": o / f, "all2_over_all1": a2 / a1,
    })
    print(f"\nwrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
