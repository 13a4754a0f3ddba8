"""Shared test helpers: a private copy of the project's data to break or build."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from sxtd_analysis.config import Paths, get_paths

ROOT = Path(__file__).resolve().parents[1]


def copy_project_data(tmp: Path) -> Paths:
    """Copy data/raw and data/curated into tmp; returns paths pointing there."""
    for sub in ("raw", "curated"):
        shutil.copytree(ROOT / "data" / sub, tmp / "data" / sub)
    return get_paths(root=tmp)


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file as dicts."""
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def synthetic_module() -> ModuleType:
    """benchmarks/synthetic.py, the benchmarks' corpus generator (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_synthetic", ROOT / "benchmarks" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def writer_holding(database: Path):
    """Another process that holds `database` open for writing (as a DuckDB client would) until the block ends;
    yields its pid."""
    code = ("import sys, duckdb; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()")
    process = subprocess.Popen([sys.executable, "-c", code, str(database)], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "ready"
        yield process.pid
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def crash_a_writer(database: Path) -> None:
    """A DuckDB client that writes to `database` and is killed before it checkpoints: leaves `<database>.wal`."""
    code = ("import os, sys, duckdb; con = duckdb.connect(sys.argv[1]); con.execute(\"SET checkpoint_threshold = "
            "'1GB'\"); con.execute('CREATE TABLE scratch AS SELECT 1 AS x'); os._exit(9)")
    subprocess.run([sys.executable, "-c", code, str(database)], check=False)
    assert Path(f"{database}.wal").exists()
