"""sxtd_analysis: compare Vietnam's provincial SXTD plans, from curated tables in DuckDB.

Importing the package is cheap: DuckDB and polars load when a function needs them, and Great
Expectations and papermill only inside `validation` and `reports`.
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Public API, resolved lazily so that `import sxtd_analysis` stays light.
_EXPORTS = {
    # queries: the connection first (optional), everything else by keyword
    **{name: "sxtd_analysis.queries" for name in (
        "connect", "find_province", "list_provinces", "load_plans", "target_matrix", "alignment", "tasks_by_agency",
        "load_tasks", "load_agency_tasks", "load_agency_links", "load_qualitative_objectives", "load_budgets",
        "load_verdicts", "load_milestones", "province_profile", "catalogue", "build_info", "national_coverage",
        "known_plans", "reported_targets", "adoption_goal", "national_indicator", "targets_side_by_side")},
    # findings: frames and bilingual sentences computed from the queries' frames
    **{name: "sxtd_analysis.findings" for name in (
        "milestone_for", "verdict_counts", "summarise_by_milestone", "shared_indicators", "province_positions",
        "scope_differences", "horizons", "early_targets", "latest_plan_ids", "latest_plans", "latest_plans_tasks",
        "of_plans", "plan_lines", "indicator_rows", "verdict_findings", "caveats", "province_findings",
        "comparison_findings", "province_headlines", "province_report", "data_quality_notes")},
    "build_database": "sxtd_analysis.warehouse",
    "check_provenance": "sxtd_analysis.provenance",
    "parse_quantities": "sxtd_analysis.numbers",
    "get_paths": "sxtd_analysis.config",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'sxtd_analysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
