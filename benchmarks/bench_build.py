"""Build time, phase breakdown and peak memory of `build_database`, and of the GX suites, at each size.

    .venv/bin/python benchmarks/bench_build.py --sizes real,1000,10000

Each run is a fresh Python process (so imports, caches and peak memory are those of one command). Two modes:

- build: `build_database()`, what `sxtd build` does: load (CSV -> typed frames), every validation rule
  evaluated with polars (`validation.check_frames`), the provenance gate (real data only), DuckDB write
  (tables, stored views, checkpoint);
- gx: the same rules as Great Expectations suites (`validation.validate_frames` on the loaded frames, what
  `sxtd validate` runs besides the gate and Data Docs): load, GX import and context, GX suites.

Phases are timed by wrapping the functions called. For the real data the commands `sxtd build` and
`sxtd validate` are timed too (wall time including Python start). Results: a table on stdout and
benchmarks/out/build.json.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()  # before the heavy imports: the child's start-up is measured from here

import _common  # noqa: E402

_common.use_bytecode_cache()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import (  # noqa: E402
    PYTHON,
    ROOT,
    bytecode_mode,
    cpu_seconds,
    label,
    machine,
    median,
    parse_sizes,
    paths_for,
    peak_rss_mb,
    print_table,
    run_child,
    wait_for_quiet,
    write_json,
)

PHASES = ("load", "rules", "provenance", "gx_import_context", "gx_suites", "duckdb_write")
MODES = ("build", "gx")


def _child(size: str, mode: str) -> None:
    """One build (or one GX validation) in this process; prints one JSON line with the phases."""
    import sxtd_analysis.curated  # noqa: F401 - polars loads here, as in `sxtd build`
    import sxtd_analysis.provenance as provenance
    import sxtd_analysis.validation as validation
    import sxtd_analysis.warehouse as warehouse

    spent: dict[str, float] = dict.fromkeys((*PHASES, "check_curated", "validate_frames"), 0.0)
    cpu: dict[str, float] = dict.fromkeys(spent, 0.0)

    def timed(module, name: str, phase: str) -> None:
        inner = getattr(module, name)

        def wrapper(*args, **kwargs):
            started, cpu_started = time.perf_counter(), time.process_time()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[phase] += time.perf_counter() - started
                cpu[phase] += time.process_time() - cpu_started

        setattr(module, name, wrapper)

    timed(warehouse, "load_curated", "load")
    timed(validation, "check_frames", "rules")
    timed(provenance, "check_raw_manifest", "provenance")
    timed(provenance, "check_provenance", "provenance")
    timed(validation, "_context", "gx_import_context")
    timed(validation, "validate_frames", "validate_frames")
    timed(warehouse, "check_curated", "check_curated")

    with tempfile.TemporaryDirectory() as tmp:
        paths, skip = paths_for(size, database=Path(tmp) / "bench.duckdb")
        rss_before = peak_rss_mb()
        cpu_before = cpu_seconds()
        ready = time.perf_counter()
        if mode == "build":
            result = warehouse.build_database(paths, skip_provenance=skip)
            rows, db_mb = result.row_counts, result.database.stat().st_size / 1e6
        else:
            frames = warehouse.load_curated(paths.curated_dir)
            report = validation.validate_frames(frames, paths.curated_dir)
            if not report.success:
                raise SystemExit("the GX suites failed: " + "; ".join(map(str, report.problems[:5])))
            rows, db_mb = {name: frame.height for name, frame in frames.items()}, None
        total = time.perf_counter() - ready
        cpu_total = cpu_seconds() - cpu_before
    for d, whole in ((spent, total), (cpu, cpu_total)):
        d["gx_suites"] = d["validate_frames"] - d["gx_import_context"]
        d["duckdb_write"] = whole - d["check_curated"] if mode == "build" else 0.0
    print(json.dumps({
        "size": size, "mode": mode, "skip_provenance": skip, "build_s": total, "cpu_s": cpu_total,
        "startup_s": ready - _T0, "phases": {p: spent[p] for p in PHASES},
        "phases_cpu": {p: cpu[p] for p in PHASES}, "rows": rows,
        "rss_after_imports_mb": rss_before, "peak_rss_mb": peak_rss_mb(), "database_mb": db_mb,
    }))


def _cli(command: str) -> float:
    """Wall time of `sxtd build` or `sxtd validate` on the real data (into a temporary database/folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(Path(PYTHON).parent / "sxtd"), "--root", str(ROOT), "--db", str(Path(tmp) / "cli.duckdb"),
               command]
        env = {**os.environ, "SXTD_REPORTS_DIR": str(Path(tmp) / "reports")}  # validate's Data Docs go there
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
        wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"sxtd {command} failed:\n{proc.stdout}\n{proc.stderr}")
    return wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,1000,10000", help="comma-separated: real and/or numbers of plans")
    parser.add_argument("--repeat", type=int, default=3, help="builds per size and mode (median reported)")
    parser.add_argument("--repeat-large", type=int, default=1,
                        help="builds per mode for sizes of 5,000 plans or more (default 1)")
    parser.add_argument("--modes", default="build,gx", help="comma-separated: build (sxtd build) and/or gx "
                        "(the GX suites, as sxtd validate runs them)")
    parser.add_argument("--max-load", type=float, default=1.0,
                        help="wait (up to 10 min) for the 1-minute load average to drop below this first")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0

    sizes = parse_sizes(args.sizes)
    modes = [m for m in args.modes.split(",") if m]
    if set(modes) - set(MODES):
        parser.error(f"--modes: unknown {sorted(set(modes) - set(MODES))}; choose from {', '.join(MODES)}")
    for size in sizes:  # generate the corpora first, outside the timings
        paths_for(size)
    load = wait_for_quiet(args.max_load, 600)
    info = machine()
    runs, rows, cpu_rows = [], [], []
    for size in sizes:
        for mode in modes:
            repeat = args.repeat_large if size != "real" and int(size) >= 5000 else args.repeat
            results = [run_child([__file__, "--child", size, mode]) for _ in range(repeat)]
            runs += results
            best = sorted(results, key=lambda r: r["build_s"])[len(results) // 2]  # the median run
            command = {"build": "build", "gx": "validate"}[mode]
            cli = median([_cli(command) for _ in range(repeat)]) if size == "real" else None
            rows.append([
                label(size), mode, best["rows"]["targets"], best["rows"]["tasks"], best["rows"]["task_agencies"],
                *(best["phases"][p] for p in PHASES), best["build_s"], best["startup_s"], best["process_wall_s"],
                cli, max(r["peak_rss_mb"] for r in results), len(results),
            ])
            cpu_rows.append([label(size), mode, *(best["phases_cpu"][p] for p in PHASES), best["cpu_s"],
                             best["build_s"], best["cpu_s"] / best["build_s"]])
    headers = ["size", "mode", "targets", "tasks", "task_ag.", "load", "rules", "provenance", "GX import",
               "GX suites", "DuckDB", "total s", "start s", "process s", "command s", "peak MB", "n"]
    print_table(headers, rows, title=f"Build: wall seconds by phase (median of n fresh processes; load average "
                                     f"{load:.2f} at start; {bytecode_mode()})")
    print("total s = build_database() (build) or load + validate_frames() (gx); start s = Python start and imports "
          "before it;\nprocess s = the whole child process; command s = `sxtd build` (build) or `sxtd validate` (gx, "
          "with the gate and Data Docs) end to end, real data only;\npeak MB = ru_maxrss of the child.")
    cpu_headers = ["size", "mode", "load", "rules", "provenance", "GX import", "GX suites", "DuckDB", "CPU s",
                   "total s", "CPU/wall"]
    print_table(cpu_headers, cpu_rows, title="Build: CPU seconds by phase (user + system, all threads; same runs)")
    path = write_json("build", {"machine": info, "columns": headers, "table": rows, "cpu_columns": cpu_headers,
                                "cpu_table": cpu_rows, "runs": runs})
    print(f"\nwrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
