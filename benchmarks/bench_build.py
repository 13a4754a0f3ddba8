"""Build time, phase breakdown and peak memory of `build_database`, for the real data and synthetic corpora.

    .venv/bin/python benchmarks/bench_build.py --sizes real,1000,10000

Each build runs in a fresh Python process (so imports, caches and peak memory are those of one `sxtd build`),
with the Great Expectations validation off and on. Phases are timed by wrapping the functions the build calls:
load (CSV -> typed frames), integrity checks, provenance gate (real data only), GX import and context, GX
suites, DuckDB write (tables, views, checkpoint). For the real data the `sxtd build` command itself is timed
too (its wall time includes starting Python). Results: a table on stdout and benchmarks/out/build.json.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()  # before the heavy imports: the child's start-up is measured from here

import _common  # noqa: E402

_common.use_bytecode_cache()

import argparse  # noqa: E402
import json  # noqa: E402
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

PHASES = ("load", "integrity", "provenance", "gx_import_context", "gx_suites", "duckdb_write")


def _child(size: str, validate: bool) -> None:
    """One build in this process; prints one JSON line with the phases."""
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
    timed(warehouse, "check_integrity", "integrity")
    timed(warehouse, "_benchmark_problems", "integrity")
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
        result = warehouse.build_database(paths, validate=validate, skip_provenance=skip)
        total = time.perf_counter() - ready
        cpu_total = cpu_seconds() - cpu_before
        db_mb = result.database.stat().st_size / 1e6
    for d, whole in ((spent, total), (cpu, cpu_total)):
        d["gx_suites"] = d["validate_frames"] - d["gx_import_context"]
        d["duckdb_write"] = whole - d["check_curated"]
    print(json.dumps({
        "size": size, "validate": validate, "skip_provenance": skip, "build_s": total, "cpu_s": cpu_total,
        "startup_s": ready - _T0, "phases": {p: spent[p] for p in PHASES},
        "phases_cpu": {p: cpu[p] for p in PHASES}, "rows": result.row_counts,
        "rss_after_imports_mb": rss_before, "peak_rss_mb": peak_rss_mb(), "database_mb": db_mb,
    }))


def _cli_build(validate: bool) -> float:
    """Wall time of `sxtd build` on the real data, into a temporary database."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(Path(PYTHON).parent / "sxtd"), "--root", str(ROOT), "--db", str(Path(tmp) / "cli.duckdb"),
               "build", *([] if validate else ["--no-validate"])]
        started = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"sxtd build failed:\n{proc.stdout}\n{proc.stderr}")
    return wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,1000,10000", help="comma-separated: real and/or numbers of plans")
    parser.add_argument("--repeat", type=int, default=3, help="builds per size and mode (median reported)")
    parser.add_argument("--repeat-large", type=int, default=1,
                        help="builds per mode for sizes of 5,000 plans or more (default 1)")
    parser.add_argument("--validate", choices=("both", "on", "off"), default="both")
    parser.add_argument("--max-load", type=float, default=1.0,
                        help="wait (up to 10 min) for the 1-minute load average to drop below this first")
    parser.add_argument("--child", nargs=2, metavar=("SIZE", "VALIDATE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], args.child[1] == "1")
        return 0

    sizes = parse_sizes(args.sizes)
    modes = {"both": (False, True), "on": (True,), "off": (False,)}[args.validate]
    for size in sizes:  # generate the corpora first, outside the timings
        paths_for(size)
    load = wait_for_quiet(args.max_load, 600)
    info = machine()
    runs, rows, cpu_rows = [], [], []
    for size in sizes:
        for validate in modes:
            repeat = args.repeat_large if size != "real" and int(size) >= 5000 else args.repeat
            results = [run_child([__file__, "--child", size, "1" if validate else "0"]) for _ in range(repeat)]
            runs += results
            best = sorted(results, key=lambda r: r["build_s"])[len(results) // 2]  # the median run
            cli = median([_cli_build(validate) for _ in range(repeat)]) if size == "real" else None
            rows.append([
                label(size), validate, best["rows"]["targets"], best["rows"]["tasks"], best["rows"]["task_agencies"],
                *(best["phases"][p] for p in PHASES), best["build_s"], best["startup_s"], best["process_wall_s"],
                cli, max(r["peak_rss_mb"] for r in results), len(results),
            ])
            cpu_rows.append([label(size), validate, *(best["phases_cpu"][p] for p in PHASES), best["cpu_s"],
                             best["build_s"], best["cpu_s"] / best["build_s"]])
    headers = ["size", "GX", "targets", "tasks", "task_ag.", "load", "integrity", "provenance", "GX import",
               "GX suites", "DuckDB", "build s", "start s", "process s", "sxtd build s", "peak MB", "n"]
    print_table(headers, rows, title=f"Build: wall seconds by phase (median of n fresh processes; load average "
                                     f"{load:.2f} at start; {bytecode_mode()})")
    print("build s = build_database(); start s = Python start and imports before it; process s = the whole child "
          "process;\nsxtd build s = the CLI command end to end (real data only); peak MB = ru_maxrss of the child.")
    cpu_headers = ["size", "GX", "load", "integrity", "provenance", "GX import", "GX suites", "DuckDB", "CPU s",
                   "build s", "CPU/wall"]
    print_table(cpu_headers, cpu_rows, title="Build: CPU seconds by phase (user + system, all threads; same runs)")
    path = write_json("build", {"machine": info, "columns": headers, "table": rows, "cpu_columns": cpu_headers,
                                "cpu_table": cpu_rows, "runs": runs})
    print(f"\nwrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
