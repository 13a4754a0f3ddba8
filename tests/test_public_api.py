"""The public API as a researcher meets it: `sx.<Tab>`, one argument convention, and the README's list."""

import inspect
import re
from pathlib import Path

import sxtd_analysis as sx
from sxtd_analysis import charts, findings, offline, queries, task_findings, tilemap, vega

ROOT = Path(__file__).resolve().parents[1]


def test_tab_completion_offers_the_public_api_only():
    names = dir(sx)
    assert names == sorted(sx.__all__)
    assert {"connect", "alignment", "province_findings", "province_report", "verdict_counts"} <= set(names)
    assert "import_module" not in names and "Any" not in names
    for name in sx.__all__:
        assert getattr(sx, name) is not None, name


def test_every_query_takes_the_connection_first_and_the_rest_by_keyword():
    for name, fn in inspect.getmembers(queries, inspect.isfunction):
        if name.startswith("_") or fn.__module__ != queries.__name__ or name == "connect":
            continue
        params = list(inspect.signature(fn).parameters.values())
        assert params[0].name == "con" and params[0].default is None, name
        assert all(p.kind is p.KEYWORD_ONLY for p in params[1:]), name


def test_the_readme_lists_functions_that_exist():
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## In Python", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(?:task_findings\.)?([a-z_]+)\(", section)) | set(re.findall(r"`([a-z_]+)`,", section))
    modules = (queries, findings, task_findings, charts, tilemap, offline, vega.Chart)
    missing = [n for n in named if not any(hasattr(m, n) for m in modules)]
    assert named and not missing, missing
