"""The notebooks of notebooks/: committed clean, each with its introduction, parameters and setup cell; and (slow)
each runs from top to bottom with papermill against the database built from the real curated data."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

import sxtd_analysis
from sxtd_analysis.config import get_paths
from sxtd_analysis.warehouse import build_database
from tests.helpers import synthetic_module

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS_DIR = ROOT / "notebooks"
NOTEBOOKS = ["01-explore.ipynb", "02-compare-targets.ipynb", "03-tasks-and-agencies.ipynb", "province_profile.ipynb"]
#: every notebook committed in notebooks/, ours and any added later
COMMITTED = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb"))
#: notebooks whose cells only call the library and show what it returns
PROSE_AND_CALLS = ["02-compare-targets.ipynb", "03-tasks-and-agencies.ipynb", "province_profile.ipynb"]
#: notebooks rendered as reports for provincial and ministry staff
REPORTS = ["02-compare-targets.ipynb", "province_profile.ipynb"]
PARAMETERS = {"province_profile.ipynb": 'province = "Hà Tĩnh"\ndatabase = ""'}
#: one written without diacritics, to show that the profile resolves names
PROFILE_PROVINCES = ["Ha Tinh", "Đồng Tháp", "Hòa Bình", "Thái Nguyên"]
JUPYTER_DIRS = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
                "IPYTHONDIR": "ipython"}


def _load(name: str) -> dict:
    return json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def _is_parameters(cell: dict) -> bool:
    return "parameters" in cell.get("metadata", {}).get("tags", [])


# ------------------------------------------------------------------------------------------ as committed


def test_every_notebook_is_there():
    assert set(NOTEBOOKS) <= set(COMMITTED)


@pytest.mark.parametrize("name", COMMITTED)
def test_committed_notebook_is_valid_and_has_no_outputs(name):
    nbformat.validate(nbformat.read(NOTEBOOKS_DIR / name, as_version=4))
    for cell in _code_cells(_load(name)):
        assert cell["outputs"] == [], f"{name} is committed with outputs"
        assert cell["execution_count"] is None, f"{name} is committed with execution counts"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_uses_the_project_kernel(name):
    kernelspec = _load(name)["metadata"]["kernelspec"]
    assert kernelspec["name"] == "sxtd" and kernelspec["display_name"] == "Python 3 (sxtd)"


@pytest.mark.parametrize("name", COMMITTED)
def test_notebook_opens_with_an_introduction(name):
    first = _load(name)["cells"][0]
    text = _source(first)
    assert first["cell_type"] == "markdown" and text.startswith("# ") and len(text) > 200


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_introduction_states_the_question(name):
    intro = _source(_load(name)["cells"][0])
    assert "**Question:**" in intro
    if name in REPORTS:  # what a reader sees: Vietnamese first
        assert "**Câu hỏi:**" in intro and intro.index("**Câu hỏi:**") < intro.index("**Question:**")


def test_the_profile_introduction_is_for_notebook_users_only():
    """It speaks of parameters and cells: the report leaves it out (nbconvert's TagRemovePreprocessor)."""
    first = _load("province_profile.ipynb")["cells"][0]
    assert "remove-cell" in first["metadata"]["tags"] and "parameters" in _source(first)


@pytest.mark.parametrize("name", PROSE_AND_CALLS)
def test_notebook_code_is_calls_not_analysis(name):
    """The analysis lives in the library (findings, task_findings), tested there: no SQL, no group_by/agg/pivot."""
    code = "\n".join(_source(c) for c in _code_cells(_load(name)))
    assert not re.search(r"\b(SELECT|FROM|GROUP BY)\b", code), "SQL in a notebook cell"
    assert not re.search(r"\.(group_by|agg|pivot|unpivot|over)\(", code), "polars analysis in a notebook cell"


def test_the_report_and_research_notebooks_are_prose_and_calls_within_150_lines():
    lines = sum(len(_source(c).splitlines()) for name in PROSE_AND_CALLS for c in _code_cells(_load(name)))
    assert lines <= 150, f"{lines} lines of code in {', '.join(PROSE_AND_CALLS)}"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_parameters_cell_comes_first_and_holds_exactly_the_parameters(name):
    code = _code_cells(_load(name))
    tagged = [c for c in code if _is_parameters(c)]
    assert len(tagged) == 1 and code[0] is tagged[0]
    assert _source(tagged[0]) == PARAMETERS.get(name, 'database = ""')


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_first_code_cell_imports_enables_the_offline_renderer_and_connects(name):
    setup = _source(_code_cells(_load(name))[1])  # the first after the parameters
    assert "import sxtd_analysis" in setup
    assert "enable_renderer()" in setup and re.search(r"\b(sxtd_analysis|sx)\.connect\(database or None\)", setup)
    assert setup.index("enable_renderer()") < setup.index("connect(database or None)")


@pytest.mark.parametrize("name", COMMITTED)
def test_the_library_is_imported_before_altair(name):
    """Importing sxtd_analysis.charts or .offline first keeps jsonschema (which altair imports) from loading
    rfc3987_syntax, about 1.2 s of every kernel; an `import altair` above them would bring that back."""
    lines = [line.strip() for c in _code_cells(_load(name)) for line in _source(c).splitlines()]
    ours = [i for i, line in enumerate(lines) if line.startswith(("import sxtd_analysis", "from sxtd_analysis"))]
    altair = [i for i, line in enumerate(lines) if line.startswith(("import altair", "from altair"))]
    assert not altair or (ours and ours[0] < altair[0])


#: what a report's kernel must not import: Altair with jsonschema and narwhals cost about 0.6 s to import and
#: 0.1-0.2 s a chart to validate (benchmarks/RESULTS.md); pandas is not needed by polars and DuckDB
REPORT_KERNEL_AVOIDS = {"altair", "jsonschema", "narwhals", "pandas", "great_expectations", "papermill"}


@pytest.mark.parametrize("name", REPORTS)
def test_a_report_notebook_runs_without_altair(name, built_db):
    """Every code cell of a report notebook, run in a fresh interpreter as its kernel runs it (charts and
    tables displayed), leaves none of REPORT_KERNEL_AVOIDS imported, and draws its charts."""
    import subprocess
    import sys

    cells = [_source(c) for c in _code_cells(_load(name))]
    program = "\n".join([
        "import json, sys",
        "shown = []",
        "def display(obj):",
        "    shown.append(obj._repr_mimebundle_() if hasattr(obj, '_repr_mimebundle_') else obj)",
        cells[0],  # the parameters cell
        f"database = {str(built_db)!r}",  # after it, as papermill injects parameters
        *cells[1:],
        "charts = [s for s in shown if isinstance(s, dict) and 'sxtd-chart' in s.get('text/html', '')]",
        "print(json.dumps({'modules': sorted(sys.modules), 'charts': len(charts)}))",
    ])
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=NOTEBOOKS_DIR,
                         check=False)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    loaded = {m.split(".")[0] for m in result["modules"]}
    assert loaded & REPORT_KERNEL_AVOIDS == set()
    assert result["charts"] >= 3

def test_research_notebook_ends_with_findings_computed_from_the_data():
    cells = _load("01-explore.ipynb")["cells"]
    heading, last = cells[-2], cells[-1]
    assert heading["cell_type"] == "markdown" and _source(heading).startswith("## ")
    assert "found" in _source(heading).lower()
    assert last["cell_type"] == "code" and "display(Markdown(" in _source(last)


@pytest.mark.parametrize("name", PROSE_AND_CALLS)
def test_findings_come_first(name):
    """The setup cell ends by showing the library's key findings, before any detail."""
    setup = _source(_code_cells(_load(name))[1])
    assert "findings_block(" in setup and 'title_en="Key findings"' in setup


# ------------------------------------------------------------------------------------------ executed


@pytest.fixture(scope="session")
def jupyter_env(tmp_path_factory):
    """Jupyter and IPython write into a temporary folder, not the home folder (unless already set)."""
    base = tmp_path_factory.mktemp("jupyter")
    with pytest.MonkeyPatch.context() as mp:
        for var, sub in JUPYTER_DIRS.items():
            if not os.environ.get(var):
                (base / sub).mkdir()
                mp.setenv(var, str(base / sub))
        yield base


def _execute(name: str, out: Path, **parameters) -> dict:
    import papermill

    papermill.execute_notebook(str(NOTEBOOKS_DIR / name), str(out), parameters=parameters, kernel_name="python3",
                               cwd=str(NOTEBOOKS_DIR), progress_bar=False, log_output=False,
                               execution_timeout=600)
    return _load_path(out)


def _load_path(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _outputs(cell: dict, mime: str) -> str:
    return "".join("".join(o.get("data", {}).get(mime, "")) for o in cell.get("outputs", []))


def _check_ran_cleanly(nb: dict) -> None:
    for cell in _code_cells(nb):
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        assert not errors, f"{errors[0]['ename']}: {errors[0]['evalue']}"
        streams = "".join("".join(o["text"]) for o in cell.get("outputs", [])
                          if o["output_type"] == "stream" and o["name"] == "stderr")
        assert "Traceback" not in streams, streams
    html = [_outputs(c, "text/html") for c in _code_cells(nb)]
    if any("findings_block(" in _source(c) for c in _code_cells(nb)):
        first = next(h for h in html if h)
        assert 'id="findings"' in first and first.count('<li class="sxtd-finding') >= 2, "no findings first"
    else:
        findings = _outputs(nb["cells"][-1], "text/markdown")
        assert findings.strip().startswith("- "), "the last cell shows no findings"
    assert sum("vegaEmbed(" in h for h in html) >= 1, "no chart drawn"
    assert not any("cdn.jsdelivr.net" in h for h in html), "a chart loads Vega from the network"


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if n != "province_profile.ipynb"])
def test_notebook_runs_against_the_built_database(name, built_db, jupyter_env, tmp_path):
    nb = _execute(name, tmp_path / name, database=str(built_db))
    _check_ran_cleanly(nb)


@pytest.mark.slow
@pytest.mark.parametrize("province", PROFILE_PROVINCES)
def test_province_profile_runs_for_every_province(province, built_db, jupyter_env, tmp_path):
    with sxtd_analysis.connect(built_db) as con:
        slug = sxtd_analysis.find_province(con, name=province)
        name_vi = sxtd_analysis.list_provinces(con).filter(province_slug=slug)["name_vi"][0]
        curated_hash = sxtd_analysis.build_info(con)["curated_hash"]
    nb = _execute("province_profile.ipynb", tmp_path / f"{slug}.ipynb", province=province, database=str(built_db))
    _check_ran_cleanly(nb)
    html = "".join(_outputs(c, "text/html") for c in _code_cells(nb))
    assert html.startswith(f'<header class="sxtd-header"><h1>{name_vi}:'), "the profile does not open with the province"
    assert f'<span lang="vi">{name_vi}' in html.split('id="findings"', 1)[1][:2000]
    assert curated_hash not in html, "the data version belongs in the page's footer, not in the notebook's output"


@pytest.fixture(scope="module")
def national_db(tmp_path_factory) -> Path:
    """A warehouse of 700 synthetic plans (benchmarks/synthetic.py): ~11 plans and ~550 tasks a province."""
    base = tmp_path_factory.mktemp("national")
    synthetic_module().generate(base / "curated", 700, seed=3)
    paths = get_paths(root=base, curated_dir=base / "curated", raw_dir=base / "raw", database=base / "sxtd.duckdb")
    return build_database(paths, skip_provenance=True).database


@pytest.mark.slow
def test_province_profile_stays_readable_at_national_scale(national_db, jupyter_env, tmp_path):
    """A province with many plans: the profile runs, names the span of the other provinces instead of listing
    hundreds of them, draws the latest plans' tasks only, and its notes summarise long lists."""
    with sxtd_analysis.connect(national_db) as con:
        slug, n_tasks, n_plans = con.execute(
            "SELECT p.province_slug, count(*), count(DISTINCT p.plan_id) FROM tasks t JOIN plans p USING (plan_id) "
            "GROUP BY ALL ORDER BY 2 DESC, 1 LIMIT 1").fetchall()[0]
        combined = con.execute("SELECT count(*) FROM target_matrix WHERE province_slug = ? AND n_targets > 1 "
                               "AND scope_note IS NULL", [slug]).fetchall()[0][0]
    assert n_tasks > 400 and n_plans > 5 and combined  # what the profile must cope with
    nb = _execute("province_profile.ipynb", tmp_path / "national.ipynb", province=slug, database=str(national_db))
    _check_ran_cleanly(nb)
    html = "".join(_outputs(c, "text/html") for c in _code_cells(nb))
    assert re.search(rf"The timeline draws the tasks of the latest \d+ plan\(s\); the table lists every task. "
                     rf"\(\d+ of {n_tasks}\)", html)
    # the other provinces in a position row: the first ones, counted
    assert re.search(r"; và \d+ mục khác</td>", html)
    assert "targets on" in html and "into one cell" in html  # combined matrix cells are noted
    assert "more quotes" in html or "trích dẫn khác" in html  # crowded matrix cells are cut, and say so


@pytest.mark.slow
def test_comparison_stays_readable_at_national_scale(national_db, jupyter_env, tmp_path):
    """700 plans, 21,000 targets: the comparison (the `--all` report) draws each province's latest plan, one bar
    per province and milestone for each shared indicator, shows the first rows of long tables and names the first
    items of long lists, and says so each time."""
    with sxtd_analysis.connect(national_db) as con:
        n_plans, n_targets = con.execute("SELECT (SELECT count(*) FROM plans), (SELECT count(*) FROM targets)"
                                         ).fetchall()[0]
    nb = _execute("02-compare-targets.ipynb", tmp_path / "compare.ipynb", database=str(national_db))
    _check_ran_cleanly(nb)
    html = "".join(_outputs(c, "text/html") for c in _code_cells(nb))
    assert f"The chart draws each province&#x27;s latest plan; the table lists every plan. (63 of {n_plans})" in html
    assert "Each bar spans one province&#x27;s targets at one national milestone." in html
    assert re.search(r"\(200 of \d+ rows shown\)", html)
    assert re.search(r"Stricter than national \(\d+ targets\): .+; and \d+ more\.", html)
    assert re.search(r"Cao hơn mốc quốc gia \(\d+ mục tiêu\): .+; và \d+ mục khác\.", html)
    assert f"set {n_targets} quantified targets" in html


@pytest.mark.slow
@pytest.mark.parametrize("name", ["01-explore.ipynb", "03-tasks-and-agencies.ipynb"])
def test_research_notebooks_run_at_national_scale(name, national_db, jupyter_env, tmp_path):
    """The other notebooks on 700 plans: they run, and the task timeline draws each province's latest plan."""
    nb = _execute(name, tmp_path / name, database=str(national_db))
    _check_ran_cleanly(nb)
    if name.startswith("03"):
        html = "".join(_outputs(c, "text/html") for c in _code_cells(nb))
        assert re.search(r"The timeline draws the tasks of each province&#x27;s latest plan. \(\d+ of \d+\)", html)
        assert re.search(r"\(200 of \d+ rows shown\)", html)
