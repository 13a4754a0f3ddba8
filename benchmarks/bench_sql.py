"""Latency of `sxtd sql` as a command, next to a bare Python process that opens the file with DuckDB.

    .venv/bin/python benchmarks/bench_sql.py --sizes real,10000 --runs 15

Each run is a fresh process, as an analyst at the command line starts one: the interpreter, the imports, opening
the database and one query. The floor, "bare", is `python -c` importing duckdb, opening the file read-only,
running the same query and printing its rows. `sxtd sql` is timed for each output format (a printed table, CSV,
JSON, and a Parquet file, the one format that loads polars and pyarrow). The two commands alternate, so a busy
moment hits both; the median of --runs is reported. The goal: a printed answer within 1.5 x the floor. Results:
a table on stdout and benchmarks/out/sql.json.
"""

from __future__ import annotations

import _common

_common.use_bytecode_cache()

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from _common import (  # noqa: E402
    PYTHON,
    ROOT,
    ensure_database,
    label,
    machine,
    median,
    parse_sizes,
    print_table,
    wait_for_quiet,
    write_json,
)

SXTD = str(Path(PYTHON).parent / "sxtd")
GOAL = 1.5
QUERIES = {
    "one row": "SELECT count(*) AS n FROM targets",
    "packaging targets (README)": "SELECT province_name_vi, target_year, value_low, value_high, scope_note "
                                  "FROM target_matrix WHERE indicator_code = 'supermarket_eco_packaging' "
                                  "ORDER BY province_name_vi COLLATE vi, target_year",
}
BARE = ("import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(con.execute(sys.argv[2]).fetchall())")


def _seconds(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def measure(database: Path, query: str, runs: int, out_dir: Path) -> dict[str, float]:
    """Median seconds of the bare floor and of `sxtd sql` in each format, alternating."""
    commands = {
        "bare": [PYTHON, "-c", BARE, str(database), query],
        "table": [SXTD, "--db", str(database), "sql", query],
        "csv": [SXTD, "--db", str(database), "sql", query, "--format", "csv"],
        "json": [SXTD, "--db", str(database), "sql", query, "--format", "json"],
        "parquet file": [SXTD, "--db", str(database), "sql", query, "--output", str(out_dir / "result.parquet")],
    }
    for args in commands.values():  # warm the page cache and the bytecode
        _seconds(args)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            times[name].append(_seconds(args))
    return {name: median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="real,10000", help="real and/or numbers of synthetic plans")
    parser.add_argument("--runs", type=int, default=15, help="runs of each command (median reported)")
    parser.add_argument("--max-load", type=float, default=1.0, help="wait for a 1-minute load average below this")
    args = parser.parse_args()
    env_clean = {k: v for k, v in os.environ.items() if not k.startswith("SXTD_")}
    os.environ.clear()
    os.environ.update(env_clean)
    sizes = parse_sizes(args.sizes)
    databases = {size: ensure_database(size) for size in sizes}
    load = wait_for_quiet(args.max_load, 600)
    results, rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            for name, query in QUERIES.items():
                medians = measure(databases[size], query, args.runs, Path(tmp))
                floor = medians["bare"]
                result = {"size": size, "query": name, "seconds": medians,
                          "ratio": {k: v / floor for k, v in medians.items() if k != "bare"}}
                results.append(result)
                rows.append([label(size), name, floor, *(medians[k] for k in ("table", "csv", "json")),
                             medians["table"] / floor, medians["parquet file"], medians["parquet file"] / floor])
    print_table(["size", "query", "bare s", "table s", "csv s", "json s", "table / bare", "parquet s",
                 "parquet / bare"], rows, title=f"sxtd sql vs bare python + duckdb (median of {args.runs} runs; "
                                                f"load {load:.2f} at the start; goal: table / bare <= {GOAL})")
    worst = max(r["ratio"][k] for r in results for k in ("table", "csv", "json"))
    print(f"\nworst printed format: {worst:.2f} x the floor ({'met' if worst <= GOAL else 'missed'})")
    path = write_json("sql", {"machine": machine(), "runs": args.runs, "goal": GOAL, "results": results})
    print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
