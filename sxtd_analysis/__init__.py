"""sxtd_analysis: compare Vietnam's provincial SXTD plans, from curated tables in DuckDB.

Importing the package is cheap: DuckDB and polars load when a function needs them, and Great
Expectations and papermill only inside `validation` and `reports`.
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Public API, resolved lazily so that `import sxtd_analysis` stays light.
_EXPORTS = {
    "connect": "sxtd_analysis.api",
    "find_province": "sxtd_analysis.provinces",
    "list_provinces": "sxtd_analysis.api",
    "province_profile": "sxtd_analysis.api",
    "targets_for_indicator": "sxtd_analysis.api",
    "target_matrix": "sxtd_analysis.api",
    "alignment": "sxtd_analysis.api",
    "tasks_by_agency": "sxtd_analysis.api",
    "build_database": "sxtd_analysis.warehouse",
    "check_provenance": "sxtd_analysis.provenance",
    "parse_quantities": "sxtd_analysis.numbers",
    "get_paths": "sxtd_analysis.config",
    "build_info": "sxtd_analysis.api",
    "national_coverage": "sxtd_analysis.coverage",
    "national_indicator": "sxtd_analysis.coverage",
    "known_plans": "sxtd_analysis.coverage",
    "reported_targets": "sxtd_analysis.coverage",
    "targets_side_by_side": "sxtd_analysis.coverage",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sxtd_analysis' has no attribute {name!r}")
