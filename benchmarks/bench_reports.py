"""Report rendering next to its floor: papermill running an empty notebook, in the same run.

    .venv/bin/python benchmarks/bench_reports.py

Times, on the real data (database benchmarks/out/db/real.duckdb, reports into a temporary folder):
- the floor: `reports.run_notebook` on a notebook with one empty cell: papermill with the reports' kernel
  manager starts a kernel, runs the cell, and the kernel is stopped (the reports stop theirs too);
- papermill's own defaults on that notebook (its kernel manager, its shutdown), for reference;
- an imports-only notebook: what every report does before its first table (polars, the library's charts and
  offline renderer, without Altair since the charts are Vega-Lite dicts, a connection and one query into
  polars, hence pyarrow), through `run_notebook` like the floor: what no report can go below;
- one province (`reports.render_report`), and every report (`reports.render_all`) with 1 and with 2 jobs;
- at national scale (`--national 10000`, a synthetic corpus; 0 skips it), once each: one province's report, and
  the comparison notebook run and exported as `--all` does: seconds, own CPU and the size of the page.
papermill and nbconvert are imported and a kernel started once before any timing, so that every figure is warm.
Results: a table on stdout and benchmarks/out/reports.json.
"""

from __future__ import annotations

import _common

_common.use_bytecode_cache()

import argparse  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import ROOT, ensure_database, machine, median, paths_for, print_table, wait_for_quiet, write_json  # noqa: E402

PROVINCE = "Hà Tĩnh"
IMPORTS_ONLY = """import polars as pl

import sxtd_analysis
from sxtd_analysis import charts, findings, formatting, queries, tables
from sxtd_analysis.offline import enable_renderer

enable_renderer()
con = sxtd_analysis.connect(database or None)
plans = queries.load_plans(con)"""


def _notebook(folder: Path, name: str, cells: list[str]) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    if len(cells) > 1:  # the first is the parameters cell
        nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / name
    nbformat.write(nb, str(path))
    return path


def _cpu() -> float:
    """Busy CPU seconds of the whole machine (/proc/stat: all but idle and iowait), all processes.

    Counts what else runs on the machine too: see `_own_cpu` for this process and its kernels alone.
    """
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    """CPU seconds of this process and of its finished children: the kernels, once stopped and reaped."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _times(fn: Callable[[], object], runs: int, cpu: list[float], own: list[float]) -> list[float]:
    """Wall seconds of each run; the machine's and our own CPU seconds of each run go to `cpu` and `own`."""
    out = []
    for _ in range(runs):
        started, cpu_started, own_started = time.perf_counter(), _cpu(), _own_cpu()
        fn()
        out.append(time.perf_counter() - started)
        cpu.append(_cpu() - cpu_started)
        own.append(_own_cpu() - own_started)
    return out


def _national(n_plans: int, tmp: Path) -> list[dict]:
    """One province's report and the comparison on a synthetic corpus of n_plans, once each (a run takes seconds
    to a minute): seconds, own CPU seconds, page size; a failure is a row, not an exception."""
    from sxtd_analysis import reports

    database = ensure_database(str(n_plans))
    paths = paths_for(str(n_plans), database=database)[0]
    _, comparison = reports.notebook_paths(paths)
    out = tmp / f"national-{n_plans}"

    def one() -> Path:
        return reports.render_report(PROVINCE, paths=paths, out_dir=out)

    def compare() -> Path:  # what `--all` does with the comparison notebook, without the 63 province reports
        out.mkdir(parents=True, exist_ok=True)
        nb = reports.run_notebook(comparison, tmp / "comparison-out.ipynb", parameters={"database": str(database)},
                                  kernel_log=tmp / "kernel.log")
        page = reports.export_html(nb, title="comparison", provenance={})
        if reports.external_references(page, links=False):
            raise RuntimeError("the comparison would load from outside the file")
        path = out / "comparison.html"
        path.write_text(page, encoding="utf-8")
        return path

    rows = []
    for what, fn in ((f"one province ({PROVINCE})", one), ("comparison (of --all)", compare)):
        started, own_started = time.perf_counter(), _own_cpu()
        row: dict = {"what": what}
        try:
            path = fn()
            row.update(ok=True, page_mb=path.stat().st_size / 1e6)
        except Exception as err:  # noqa: BLE001 - a failed report is a figure too
            row.update(ok=False, page_mb=0.0, error=str(err).splitlines()[0][:100])
        row.update(seconds=time.perf_counter() - started, own_cpu_s=_own_cpu() - own_started)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of the floor and of one province (median)")
    parser.add_argument("--all-runs", type=int, default=2, help="runs of --all with each number of jobs (median)")
    parser.add_argument("--national", type=int, default=10000,
                        help="plans of the synthetic corpus for the national-scale rows (0: skip them)")
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
        empty = _notebook(tmp, "empty.ipynb", [""])
        imports = _notebook(tmp, "imports.ipynb", ['database = ""', IMPORTS_ONLY])
        out = tmp / "reports"

        def floor() -> None:
            reports.run_notebook(empty, tmp / "empty-out.ipynb", kernel_log=tmp / "kernel.log")

        def papermill_defaults() -> None:
            papermill.execute_notebook(str(empty), str(tmp / "empty-out.ipynb"), kernel_name=reports.KERNEL_NAME,
                                       progress_bar=False, log_output=False, request_save_on_cell_execute=False)

        def imports_only() -> None:
            reports.run_notebook(imports, tmp / "imports-out.ipynb", parameters={"database": str(database)},
                                 kernel_log=tmp / "kernel.log")

        def one() -> None:
            reports.render_report(PROVINCE, paths=paths, out_dir=out)

        def render_all(jobs: int) -> Callable[[], None]:
            def run() -> None:
                summary = reports.render_all(paths=paths, out_dir=out, jobs=jobs)
                if not summary.ok:
                    raise RuntimeError(f"render_all failed: {[r.error for r in summary.failed]}")
            return run

        floor()  # warm: imports, kernel spec lookup, first kernel start
        imports_only()
        one()
        n_reports = len(reports.province_registry(database)) + 1  # provinces with plans + the comparison
        steps = {"floor": (floor, args.runs), "papermill": (papermill_defaults, args.runs),
                 "imports": (imports_only, args.runs), "one": (one, args.runs),
                 "all1": (render_all(1), args.all_runs), "all2": (render_all(2), args.all_runs)}
        cpu: dict[str, list[float]] = {k: [] for k in steps}
        own: dict[str, list[float]] = {k: [] for k in steps}
        t = {k: _times(fn, runs, cpu[k], own[k]) for k, (fn, runs) in steps.items()}
        national = _national(args.national, tmp) if args.national else []
    m = {k: median(v) for k, v in t.items()}
    c = {k: median(v) for k, v in cpu.items()}
    o = {k: median(v) for k, v in own.items()}
    f, a1, a2 = m["floor"], m["all1"], m["all2"]

    def spread(key: str) -> str:
        return f"{min(t[key]):.2f}-{max(t[key]):.2f}"

    rows = [
        ["empty notebook (floor)", 1, f, spread("floor"), 1.0, c["floor"], o["floor"], "start, empty cell, stop"],
        ["  same, papermill's defaults", 1, m["papermill"], spread("papermill"), m["papermill"] / f,
         c["papermill"], o["papermill"], "papermill's kernel manager and shutdown"],
        ["imports-only notebook", 1, m["imports"], spread("imports"), m["imports"] / f, c["imports"], o["imports"],
         "polars, the charts (no Altair), connect, one query"],
        [f"one province ({PROVINCE})", 1, m["one"], spread("one"), m["one"] / f, c["one"], o["one"],
         "<= 2.5 x floor: " + ("met" if m["one"] / f <= 2.5 else "missed")],
        ["--all, 1 job", n_reports, a1, spread("all1"), a1 / f, c["all1"], o["all1"],
         f"{a1 / n_reports:.2f} s a report"],
        ["--all, 2 jobs", n_reports, a2, spread("all2"), a2 / f, c["all2"], o["all2"],
         f"{a2 / a1:.2f} of 1 job (goal <= 0.65: {'met' if a2 / a1 <= 0.65 else 'missed'}); "
         f"CPU-bound floor {o['all2'] / 2 / a1:.2f}"],
    ]
    rows += [[f"{row['what']} at {args.national:,} plans", 1, row["seconds"], "", row["seconds"] / f, "",
              row["own_cpu_s"], f"{row['page_mb']:.1f} MB page" if row["ok"] else f"FAILED: {row['error']}"]
             for row in national]
    print_table(["what", "notebooks", "seconds", "range", "x floor", "CPU s", "own CPU s", "note"], rows,
                title=f"Reports (median of {args.runs} / {args.all_runs} runs, warm process; "
                      f"load average {load:.2f} at start)")
    print("The floor is papermill starting a kernel, running one empty cell and stopping it, as the reports do\n"
          "(the API, not the CLI). CPU s = busy CPU seconds of the whole machine during the run (/proc/stat), other\n"
          "users included; own CPU s = this process and its kernels (reaped children) only. With 2 cores, 2 jobs\n"
          "cannot take less than (own CPU s of 2 jobs) / 2: 'CPU-bound floor', as a share of the 1-job time.")
    path = write_json("reports", {
        "machine": info, "province": PROVINCE, "notebooks_all": n_reports, "api": "sxtd_analysis.reports",
        "floor": "reports.run_notebook on an empty notebook (kernel stopped)",
        "floor_s": t["floor"], "papermill_defaults_s": t["papermill"], "imports_only_s": t["imports"],
        "one_province_s": t["one"], "all_1_job_s": t["all1"], "all_2_jobs_s": t["all2"],
        "cpu_s": cpu, "own_cpu_s": own, "one_over_floor": m["one"] / f, "imports_over_floor": m["imports"] / f,
        "all2_over_all1": a2 / a1, "national_plans": args.national, "national": national,
    })
    print(f"\nwrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
