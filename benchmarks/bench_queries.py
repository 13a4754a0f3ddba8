"""Latency of the comparison queries (DuckDB, warm connection) next to pandas alone on the curated CSVs.

    .venv/bin/python benchmarks/bench_queries.py --sizes real,1000,10000

For each size the database is built once (benchmarks/out/db/) and opened read-only; each API call
runs once to warm up, then --runs times (median reported). The pandas column answers the same question the way
a researcher without the warehouse would: read the CSVs it needs with `pd.read_csv`, then merge / groupby,
every run. Both answers are checked to have the same number of rows (and, for the alignment, the same
verdicts). Results: a table on stdout and benchmarks/out/queries.json.
"""

from __future__ import annotations

import _common

_common.use_bytecode_cache()

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _common import (  # noqa: E402
    ROOT,
    ensure_database,
    label,
    machine,
    median,
    parse_sizes,
    paths_for,
    print_table,
    wait_for_quiet,
    write_json,
)

from sxtd_analysis import queries as api  # noqa: E402

PROVINCE = "Hà Tĩnh"  # in the real data and in every synthetic corpus


# --- pandas alone -------------------------------------------------------------------------------------


def _read(curated: Path, *names: str) -> dict[str, pd.DataFrame]:
    return {n: pd.read_csv(curated / f"{n}.csv") for n in names}


def _slug(provinces: pd.DataFrame, name: str) -> str:
    return provinces.loc[provinces["name_vi"] == name, "province_slug"].iloc[0]


def pd_matrix(curated: Path, indicators_of: str | None = None, d: dict | None = None) -> pd.DataFrame:
    d = d or _read(curated, "targets", "plans", "provinces", "indicators")
    t = (d["targets"].merge(d["plans"][["plan_id", "province_slug", "raw_file"]], on="plan_id")
         .merge(d["provinces"][["province_slug", "name_vi"]], on="province_slug")
         .merge(d["indicators"][["indicator_code", "label_vi", "label_en"]], on="indicator_code"))
    if indicators_of is not None:
        wanted = t.loc[t["province_slug"] == indicators_of, "indicator_code"].unique()
        t = t[t["indicator_code"].isin(wanted)]
    t = t.sort_values("target_id")
    t["source"] = t["raw_file"] + ":" + t["line_start"].astype(str) + "-" + t["line_end"].astype(str)
    keys = ["province_slug", "name_vi", "indicator_code", "label_vi", "label_en", "target_year"]
    out = t.groupby(keys, sort=False).agg(
        value_low=("value_low", "min"), value_high=("value_high", "max"),
        n_comparators=("comparator", "nunique"), comparator=("comparator", "first"), unit=("unit", "first"),
        n_targets=("target_id", "size"), scope_note=("scope_note", lambda s: " | ".join(s.dropna())),
        quote=("quote", " | ".join), source=("source", "; ".join), target_ids=("target_id", list),
        plan_ids=("plan_id", "unique"),
    ).reset_index()
    out.loc[out["n_comparators"] > 1, "comparator"] = "mixed"
    return out.drop(columns="n_comparators").sort_values(["name_vi", "indicator_code", "target_year"])


def pd_alignment(curated: Path, province: str | None = None, d: dict | None = None) -> pd.DataFrame:
    d = d or _read(curated, "targets", "plans", "provinces", "indicators", "national_targets", "national_milestones")
    t = (d["targets"].merge(d["plans"][["plan_id", "province_slug"]], on="plan_id")
         .merge(d["provinces"][["province_slug", "name_vi"]], on="province_slug")
         .merge(d["indicators"][["indicator_code", "label_vi", "label_en", "national_indicator_code",
                                 "is_benchmark_comparable", "direction", "correspondence_note"]], on="indicator_code"))
    ms = d["national_milestones"]  # the one mapping of target years to milestones (national_milestones.csv)
    if province is not None:
        t = t[t["province_slug"] == _slug(d["provinces"], province)]
    year = t["target_year"]
    covers = [(year >= (0 if pd.isna(m.first_target_year) else m.first_target_year)) & (year <= m.last_target_year)
              for m in ms.itertuples()]
    t["benchmark_programme"] = np.select(covers, list(ms["programme"]), None)
    t["benchmark_year"] = np.select(covers, list(ms["milestone_year"]), -1)
    nat = d["national_targets"]
    nat = nat[nat["is_quantified"]].rename(columns={
        "indicator_code": "national_indicator_code", "programme": "benchmark_programme",
        "milestone_year": "benchmark_year", "value_low": "national_value_low", "value_high": "national_value_high",
        "comparator": "national_comparator", "unit": "national_unit", "quote": "national_quote",
        "is_verified": "national_is_verified"})
    j = t.merge(nat[["national_target_id", "national_indicator_code", "benchmark_programme", "benchmark_year",
                     "national_value_low", "national_value_high", "national_comparator", "national_unit",
                     "national_quote", "national_is_verified"]],
                on=["national_indicator_code", "benchmark_programme", "benchmark_year"], how="left")
    higher = j["direction"] == "higher_is_stricter"
    lo, hi, nlo, nhi = j["value_low"], j["value_high"], j["national_value_low"], j["national_value_high"]
    level = np.select([(lo == nlo) & (hi == nhi), higher & (lo >= nhi), higher & (hi <= nlo), ~higher & (hi <= nlo),
                       ~higher & (lo >= nhi)], ["equal", "stricter", "weaker", "stricter", "weaker"], "overlapping")
    early = j["target_year"] < j["benchmark_year"]
    j["verdict"] = np.select(
        [j["national_target_id"].isna() | ~j["is_benchmark_comparable"] | (j["unit"] != j["national_unit"]),
         j["is_partial_scope"].fillna(False).astype(bool), early & np.isin(level, ["stricter", "equal"]), early],
        ["no_benchmark", "partial_scope", "stricter", "interim"], level)
    j["verdict_note"] = np.where(
        j["national_target_id"].isna(), "No national benchmark.",
        "Province " + lo.astype(str) + "-" + hi.astype(str) + " vs national " + nlo.astype(str) + "-"
        + nhi.astype(str) + " (" + j["benchmark_programme"].astype(str) + ", " + j["benchmark_year"].astype(str)
        + ")")
    return j.sort_values(["name_vi", "target_year", "indicator_code", "target_id"])


def pd_tasks_by_agency(curated: Path, province: str | None = None, d: dict | None = None) -> pd.DataFrame:
    d = d or _read(curated, "task_agencies", "tasks", "agencies", "plans", "provinces")
    ta = d["task_agencies"]
    partners = ta[ta["role"] == "partner"].groupby("task_id").size().rename("n_partners").reset_index()
    plans = d["plans"][["plan_id", "province_slug", "period_start_year", "period_end_year"]]
    x = (ta[ta["role"] == "lead"]
         .merge(d["tasks"][["task_id", "plan_id", "lead_agency_code", "start_year", "end_year", "frequency"]],
                on="task_id")
         .merge(d["agencies"].rename(columns={"name_vi": "agency_name_vi", "name_en": "agency_name_en",
                                              "kind": "agency_kind"}), on="agency_code")
         .merge(plans, on="plan_id")
         .merge(d["provinces"][["province_slug", "name_vi"]], on="province_slug")
         .merge(partners, on="task_id", how="left"))
    if province is not None:
        x = x[x["province_slug"] == _slug(d["provinces"], province)]
    x["co_lead"] = x["lead_agency_code"] != x["agency_code"]
    x["first"] = x["start_year"].fillna(x["period_start_year"])
    x["last"] = x["end_year"].fillna(x["period_end_year"])
    keys = ["agency_code", "agency_name_vi", "agency_name_en", "agency_kind", "plan_id", "province_slug", "name_vi"]
    out = x.groupby(keys, sort=False).agg(
        n_tasks=("task_id", "size"), n_tasks_as_co_lead=("co_lead", "sum"),
        n_partner_links=("n_partners", "sum"), avg_partners_per_task=("n_partners", lambda s: s.fillna(0).mean()),
        first_year=("first", "min"), last_year=("last", "max"), n_recurring_tasks=("frequency", "count"),
    ).reset_index()
    out["avg_partners_per_task"] = out["avg_partners_per_task"].round(2)
    return out.sort_values(["n_tasks", "name_vi", "agency_code"], ascending=[False, True, True])


def pd_profile(curated: Path, province: str) -> dict[str, pd.DataFrame]:
    d = _read(curated, "provinces", "plans", "targets", "indicators", "national_targets", "national_milestones",
              "qualitative_objectives", "tasks", "task_agencies", "agencies", "budgets")
    slug = _slug(d["provinces"], province)
    plans = d["plans"][d["plans"]["province_slug"] == slug]
    ids = set(plans["plan_id"])
    ta = d["task_agencies"]
    partners = ta[ta["role"] == "partner"].groupby("task_id").size().rename("n_partners")
    tasks = d["tasks"][d["tasks"]["plan_id"].isin(ids)].merge(
        d["agencies"][["agency_code", "name_vi", "name_en"]].rename(columns={
            "agency_code": "lead_agency_code", "name_vi": "lead_agency_name_vi", "name_en": "lead_agency_name_en"}),
        on="lead_agency_code")
    tasks["n_partners"] = tasks["task_id"].map(partners).fillna(0).astype(int)
    return {
        "province": d["provinces"][d["provinces"]["province_slug"] == slug],
        "plans": plans.sort_values(["period_start_year", "plan_id"]),
        "targets": pd_alignment(curated, province, d),
        "qualitative": d["qualitative_objectives"][d["qualitative_objectives"]["plan_id"].isin(ids)],
        "tasks": tasks.sort_values(["plan_id", "task_id"]),
        "agencies": pd_tasks_by_agency(curated, province, d),
        "budgets": d["budgets"][d["budgets"]["plan_id"].isin(ids)],
        "comparison": pd_matrix(curated, indicators_of=slug, d=d),
    }


# --- the benchmark ------------------------------------------------------------------------------------


def _rows(result) -> int:
    if isinstance(result, dict):
        return sum(len(v) for k, v in result.items() if k != "province")
    if isinstance(result, api.ProvinceProfile):
        return sum(getattr(result, f).height for f in ("plans", "targets", "qualitative", "tasks", "agencies",
                                                        "budgets", "comparison"))
    return len(result) if isinstance(result, pd.DataFrame) else result.height


def _time(fn: Callable[[], object], runs: int) -> tuple[float, float, float, object]:
    """(median wall s, median CPU s, first-call wall s, last result): one warm-up call, then `runs` timed calls.

    CPU seconds (this process, all threads: DuckDB's and polars' included) move less than wall seconds when
    other jobs share the machine.
    """
    started = time.perf_counter()
    result = fn()
    first = time.perf_counter() - started
    times, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return median(times), median(cpu), first, result


def _parquet_floor(result, folder: Path, runs: int) -> float:
    """Median seconds for polars to read the same answer from uncompressed Parquet files (all threads).

    Not a competitor but a floor: the time to bring a frame of this size and shape into Python from a
    columnar file, with nothing to compute.
    """
    import polars as pl

    frames = ([getattr(result, f.name) for f in dataclasses.fields(result)]
              if isinstance(result, api.ProvinceProfile) else [result])
    files = []
    for i, frame in enumerate(frames):
        files.append(folder / f"answer-{i}.parquet")
        frame.write_parquet(files[-1], compression="uncompressed")
    wall, _, _, _ = _time(lambda: [pl.read_parquet(f) for f in files], runs)
    return wall


def queries(con, curated: Path) -> list[tuple[str, Callable, Callable]]:
    """(name, DuckDB API call, pandas-only call) for every comparison question."""
    return [
        ("target_matrix (all)", lambda: api.target_matrix(con), lambda: pd_matrix(curated)),
        ("alignment (all)", lambda: api.alignment(con), lambda: pd_alignment(curated)),
        ("alignment (1 province)", lambda: api.alignment(con, province=PROVINCE),
         lambda: pd_alignment(curated, PROVINCE)),
        ("tasks_by_agency (all)", lambda: api.tasks_by_agency(con), lambda: pd_tasks_by_agency(curated)),
        ("tasks_by_agency (1 province)", lambda: api.tasks_by_agency(con, province=PROVINCE),
         lambda: pd_tasks_by_agency(curated, PROVINCE)),
        ("province_profile", lambda: api.province_profile(con, province=PROVINCE),
         lambda: pd_profile(curated, PROVINCE)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="real,1000,10000", help="comma-separated: real and/or numbers of plans")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each DuckDB query (median reported)")
    parser.add_argument("--pandas-runs", type=int, default=3, help="timed runs of each pandas answer")
    parser.add_argument("--max-load", type=float, default=1.0,
                        help="wait (up to 10 min) for the 1-minute load average to drop below this first")
    args = parser.parse_args(argv)
    sizes = parse_sizes(args.sizes)
    databases = {size: ensure_database(size) for size in sizes}  # built before any timing
    load = wait_for_quiet(args.max_load, 600)
    info = machine()
    rows, results = [], []
    for size in sizes:
        curated = paths_for(size)[0].curated_dir
        con = api.connect(databases[size])
        try:
            for name, duck, pandas_only in queries(con, curated):
                d_median, d_cpu, d_first, d_result = _time(duck, args.runs)
                with tempfile.TemporaryDirectory() as tmp:
                    floor = _parquet_floor(d_result, Path(tmp), args.runs)
                p_median, _, _, p_result = _time(pandas_only, args.pandas_runs)
                same = _rows(d_result) == _rows(p_result)
                if name.startswith("alignment"):
                    same = same and (d_result["verdict"].value_counts().sort("verdict").rows()
                                     == sorted(p_result["verdict"].value_counts().items()))
                rows.append([label(size), name, _rows(d_result), d_median * 1000, d_cpu * 1000, d_first * 1000,
                             floor * 1000, p_median * 1000, p_median / d_median, same])
                results.append({"size": size, "query": name, "rows": _rows(d_result), "duckdb_ms": d_median * 1000,
                                "duckdb_cpu_ms": d_cpu * 1000, "duckdb_first_ms": d_first * 1000,
                                "parquet_floor_ms": floor * 1000,
                                "pandas_ms": p_median * 1000, "ratio": p_median / d_median, "same_rows": same,
                                "load_average": os.getloadavg()[0]})
        finally:
            con.close()
    headers = ["size", "query", "rows", "duckdb ms", "CPU ms", "first ms", "parquet ms", "pandas ms",
               "pandas/duckdb", "same answer"]
    print_table(headers, rows, title=f"Queries (median of {args.runs} DuckDB / {args.pandas_runs} pandas runs, "
                                     f"warm connection; load average {load:.2f} at start, "
                                     f"{os.getloadavg()[0]:.2f} at the end)")
    print("CPU ms = CPU time of the DuckDB call (all threads); first ms = the warm-up call (first query on a fresh "
          "connection);\nparquet ms = polars reading the same answer from uncompressed Parquet (a floor for handing "
          "over a frame of that size);\npandas reads the CSVs on every run.")
    path = write_json("queries", {"machine": info, "runs": args.runs, "pandas_runs": args.pandas_runs,
                                  "province": PROVINCE, "results": results})
    print(f"\nwrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
