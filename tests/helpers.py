"""Shared test helpers: a private copy of the project's data to break or build."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import shutil
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
