"""Shared helpers of the benchmark scripts: sizes, corpora, databases, machine facts, tables and JSON output."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
OUT = BENCH / "out"
CORPUS = OUT / "corpus"
DBS = OUT / "db"
PYTHON = sys.executable
PACKAGES = ("polars", "duckdb", "pandas", "pyarrow", "numpy", "great-expectations", "papermill", "nbclient",
            "ipykernel", "altair")

PYCACHE = OUT / "pycache"

if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


def use_bytecode_cache() -> None:
    """Re-run this script with a bytecode cache (benchmarks/out/pycache), unless --no-pyc is given.

    This machine sets PYTHONDONTWRITEBYTECODE=1 and uv installs no .pyc files, so every import compiles from
    source (Great Expectations: ~10 s instead of ~4.6 s). A pip install or `uv sync --compile-bytecode` has
    the bytecode; the benchmarks measure that case by default. Child processes (builds, kernels, report
    workers) inherit the setting.
    """
    if "--no-pyc" in sys.argv:
        sys.argv.remove("--no-pyc")
        os.environ["SXTD_BENCH_PYC"] = "off"
        return
    if os.environ.get("SXTD_BENCH_PYC"):
        return
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=str(PYCACHE), SXTD_BENCH_PYC="on")
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def bytecode_mode() -> str:
    return {"on": f"bytecode cached in {PYCACHE.relative_to(ROOT)}", "off": "no bytecode cache (--no-pyc)"}.get(
        os.environ.get("SXTD_BENCH_PYC", ""), "as the environment says")


def parse_sizes(text: str) -> list[str]:
    """'real,1000,10000' -> ['real', '1000', '10000'] (each a label: 'real' or a number of plans)."""
    sizes = [s.strip() for s in text.split(",") if s.strip()]
    for s in sizes:
        if s != "real" and not s.isdigit():
            raise SystemExit(f"--sizes: {s!r} is neither 'real' nor a number of plans")
    return sizes


def paths_for(size: str, database: Path | None = None):
    """(Paths, skip_provenance) for a size: the real data, or a synthetic corpus generated on first use."""
    from synthetic import ensure_corpus

    from sxtd_analysis.config import get_paths

    if size == "real":
        return get_paths(root=ROOT, database=database or DBS / "real.duckdb"), False
    curated = ensure_corpus(int(size), CORPUS)
    # raw_dir points at an empty folder: the provenance gate is skipped for synthetic data anyway
    return get_paths(root=ROOT, curated_dir=curated, raw_dir=OUT / "no-raw",
                     database=database or DBS / f"plans-{size}.duckdb"), True


def ensure_database(size: str) -> Path:
    """The DuckDB file of a size under benchmarks/out/db/, built unless newer than the data and code."""
    from sxtd_analysis.warehouse import build_database, curated_hash

    paths, skip = paths_for(size)
    code = max((ROOT / "sxtd_analysis" / name).stat().st_mtime for name in ("views.sql", "warehouse.py", "schema.py"))
    if paths.database.exists() and paths.database.stat().st_mtime > code:
        import duckdb

        with duckdb.connect(str(paths.database), read_only=True) as con:
            info = dict(con.execute("SELECT key, value FROM build_info").fetchall())
        if info.get("curated_hash") == curated_hash(paths.curated_dir, paths.raw_dir):
            return paths.database
    paths.database.parent.mkdir(parents=True, exist_ok=True)
    build_database(paths, skip_provenance=skip)
    return paths.database


def label(size: str) -> str:
    return "real" if size == "real" else f"{int(size):,} plans"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory (ru_maxrss, KiB on Linux) in MB."""
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def wait_for_quiet(max_load: float, max_wait: float) -> float:
    """Wait (up to max_wait s) until the 1-minute load average is below max_load; returns the load seen."""
    deadline = time.monotonic() + max_wait
    load = os.getloadavg()[0]
    if load >= max_load:
        print(f"waiting (up to {max_wait:.0f} s) for the load average ({load:.2f}) to fall below {max_load} "
              "(--max-load)...", flush=True)
    while load >= max_load and time.monotonic() < deadline:
        time.sleep(5)
        load = os.getloadavg()[0]
    return load


def machine() -> dict:
    """Cores, memory, Python and package versions, and the load when the run started."""
    mem_kb = 0
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                    if ln.startswith("model name")), "")
    return {
        "cores": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(), "platform": platform.platform(), "packages": versions,
        "load_average": [round(x, 2) for x in os.getloadavg()], "bytecode": bytecode_mode(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run_child(args: list[str], timeout: float = 3600) -> dict:
    """Run `python <args>` in a fresh process that prints one JSON object as its last stdout line."""
    started = time.perf_counter()
    proc = subprocess.run([PYTHON, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_wall_s"] = wall
    return result


def write_json(name: str, payload: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def print_table(headers: list[str], rows: list[list], title: str | None = None) -> None:
    """A plain aligned table on stdout (numbers right-aligned)."""
    cells = [[_fmt(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    if title:
        print(f"\n{title}")
    print("  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths,
                                                                                           strict=True))))
    print("  ".join("-" * w for w in widths))
    for row, raw in zip(cells, rows, strict=True):
        print("  ".join(c.ljust(w) if i == 0 or isinstance(raw[i], str) else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths, strict=True))))


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:  # NaN
            return "-"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}" if abs(value) >= 0.01 else f"{value:.4f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
