"""Reports (issue 7): papermill per province, hidden code, offline HTML, parallel runs, --if-changed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from sxtd_analysis import html_export, index_page, kernels, reports
from sxtd_analysis.cli import main
from sxtd_analysis.config import get_paths
from sxtd_analysis.provinces import UnknownProvinceError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
PROVINCES = {"dong-thap": "Đồng Tháp", "ha-tinh": "Hà Tĩnh", "hoa-binh": "Hòa Bình", "thai-nguyen": "Thái Nguyên"}


@pytest.fixture(scope="module")
def db(built_db) -> Path:
    """The session's warehouse (tests/conftest.py), read-only; tests that change a DB copy it first."""
    return built_db


@pytest.fixture(scope="module")
def paths(db):
    return get_paths(database=db, notebooks_dir=FIXTURES)


@pytest.fixture(scope="module")
def one_report(paths, tmp_path_factory) -> Path:
    """Ha Tinh's report from the fixture profile notebook (two charts), rendered once for several tests."""
    return reports.render_report("ha tinh", paths=paths, out_dir=tmp_path_factory.mktemp("one"))


def _invoke(args: list[str], db: Path):
    return CliRunner().invoke(main, ["--db", str(db), *args], catch_exceptions=False)


def _copy_notebooks(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for nb in FIXTURES.glob("*.ipynb"):
        shutil.copy(nb, dest / nb.name)
    return dest


# ------------------------------------------------------------------------------ refusing before any kernel


def test_unknown_province_is_refused_before_any_kernel_starts(db, tmp_path, monkeypatch):
    def no_kernel(*args, **kwargs):
        raise AssertionError("a notebook was started for an unknown province")

    monkeypatch.setattr(reports, "_run_jobs", no_kernel)
    monkeypatch.setattr(reports, "_run_job", no_kernel)
    monkeypatch.setenv("SXTD_NOTEBOOKS_DIR", str(FIXTURES))
    result = _invoke(["report", "--province", "Atlantis", "--out", str(tmp_path / "out")], db)
    assert result.exit_code != 0
    assert "unknown province 'Atlantis'" in result.output
    for slug, name in PROVINCES.items():
        assert f"{name} ({slug})" in result.output  # the valid names are listed
    assert not any((tmp_path / "out").glob("*.html"))
    with pytest.raises(UnknownProvinceError):
        reports.render_report("Atlantis", paths=get_paths(database=db, notebooks_dir=FIXTURES), out_dir=tmp_path)


def test_province_reaches_the_notebook_as_its_registry_name_never_as_code(db, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(reports, "_run_jobs", lambda jobs, workers, progress: seen.extend(jobs) or [])
    paths = get_paths(database=db, notebooks_dir=FIXTURES)
    reports.render_provinces(["HA_TINH", "hà tĩnh", "Tỉnh Hà Tĩnh"], paths=paths, out_dir=tmp_path)
    assert [job.parameters for job in seen] == [{"province": "Hà Tĩnh", "database": str(db)}]
    injection = 'Ha Tinh"\nimport os; os.system("touch pwned")\nx = "'
    with pytest.raises(UnknownProvinceError):
        reports.render_provinces([injection], paths=paths, out_dir=tmp_path)
    assert len(seen) == 1


def test_report_needs_province_or_all(db):
    assert _invoke(["report"], db).exit_code == 2
    assert _invoke(["report", "--all", "--province", "ha-tinh"], db).exit_code == 2
    assert _invoke(["report", "--province", "ha-tinh", "--if-changed"], db).exit_code == 2


# ----------------------------------------------------------------------------------------- one province


@pytest.mark.slow
def test_one_province_renders_with_hidden_code_and_its_provenance(one_report, db):
    assert one_report.name == "ha-tinh.html"
    page = one_report.read_text(encoding="utf-8")
    assert "Hà Tĩnh" in page
    assert page.count('class="sxtd-chart"') == 2
    # no code, no prompts: neither the source of any cell nor In[ ]/Out[ ] labels
    for code in ("enable_renderer", "province_profile(", "alt.Chart", 'database = ""'):
        assert code not in page
    assert 'class="jp-CodeMirrorEditor' not in page and 'class="jp-InputPrompt' not in page
    assert 'class="jp-OutputPrompt' not in page
    assert not re.search(r"(In|Out)&nbsp;?\[", page)
    # when and from which data version
    from sxtd_analysis.queries import build_info, connect

    info = build_info(connect(db))
    meta = index_page.report_metadata(one_report)
    assert meta["curated-hash"] == info["curated_hash"] and meta["built-at"] == info["built_at"]
    # the data version closes the page, in a small footer: the hash's first 12 characters, nowhere else in the text
    assert page.index('id="sxtd-provenance"') > page.rindex('class="sxtd-chart"')
    footer = page.split('id="sxtd-provenance"', 1)[1].split("</footer>", 1)[0]
    assert info["curated_hash"][:12] in footer and info["curated_hash"] not in footer
    assert page.count(info["curated_hash"]) == 1  # the <meta> only
    made = datetime.fromisoformat(meta["generated-at"])
    assert abs((datetime.now(UTC) - made).total_seconds()) < 3600
    assert f"{made:%Y-%m-%d %H:%M} UTC" in footer
    assert '<html lang="vi">' in page and "jp-Notebook" not in page.split("<main", 1)[0]


@pytest.mark.slow
def test_report_references_no_external_address(one_report):
    page = one_report.read_text(encoding="utf-8")
    assert reports.external_references(page) == []
    # the Vega bundle is inlined once, in the head (the kernel's charts did not carry it through the notebook),
    # and no <script>/<link> points anywhere
    assert page.count(html_export._BUNDLE_MARKER) == 1
    assert page.index(html_export._BUNDLE_MARKER) < page.index("<main")
    loads = _Loads()
    loads.feed(page)
    assert loads.found == []


class _Loads(HTMLParser):
    """<script src>, <link href>, <iframe src> ... of a page, whatever they point to."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if tag in ("script", "link", "iframe", "embed", "object", "audio", "video", "source") and \
                    name in ("src", "href", "data"):
                self.found.append(f"<{tag} {name}={value!r}>")


def test_external_reference_checker():
    assert reports.external_references('<script src="https://cdn.example/require.js"></script>')
    assert reports.external_references('<link rel="stylesheet" href="//fonts.example/css">')
    assert reports.external_references('<div style="background: url(http://x.example/a.png)"></div>')
    assert reports.external_references("<style>@import 'https://fonts.example/f.css';</style>")
    assert reports.external_references('<style>a { background: url("HTTPS://x/y.png") }</style>')
    assert reports.external_references('<img srcset="a.png 1x, https://x/b.png 2x">')
    assert reports.external_references('<img src="chart.png">')  # a file beside the report: not standalone
    assert reports.external_references('<a href="https://example.org">source</a>')
    assert not reports.external_references('<a href="https://example.org">source</a>', links=False)
    assert not reports.external_references('<a href="#targets">x</a><img src="data:image/png;base64,AA">'
                                           '<style>.i { background: url(data:image/svg+xml;base64,AA) }</style>')
    # strings in scripts (the Vega bundle, a spec's "$schema") are not requests
    assert not reports.external_references(
        '<script>var spec = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json"};'
        ' var u = "//cdn.example/x.js";</script>')


def test_nbconvert_default_template_would_fail_the_check():
    """The point of our template: nbconvert's own lab template references CDNs."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(FIXTURES / "province_profile.ipynb"), as_version=4)
    page, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    assert reports.external_references(page, links=False)


def _executed_notebook() -> nbformat.NotebookNode:
    """A notebook as papermill leaves it, with the outputs the reports hold (and an image without alt text)."""
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.cells = [
        v4.new_markdown_cell("# Hà Tĩnh\n\nA *profile*."),
        v4.new_code_cell("display(HTML(table))", outputs=[
            v4.new_output("display_data", data={"text/html": "<table><tr><td>5–8%</td></tr></table>"}),
            v4.new_output("display_data", data={"text/markdown": "- a note with <b>bold</b>"}),
            v4.new_output("stream", name="stdout", text="printed\n")]),
        v4.new_code_cell("chart", outputs=[v4.new_output("display_data", data={"text/html": (
            '<div id="c1" class="sxtd-chart"></div>'
            '<script>var t = `<img src="${u}">`; vegaEmbed("#c1", {"data": "<b>x</b>"});</script>'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">')})]),
        v4.new_code_cell("plot", outputs=[v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})]),
    ]
    return nb


def test_export_makes_the_page_nbconvert_makes_without_its_soup_pass():
    """The report exporter skips HTMLExporter's BeautifulSoup pass (30 s of a 14 MB page) but makes its edits:
    parsed, both pages are the same document; a script's text is left untouched."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    ours = html_export._exporter()
    theirs = HTMLExporter(**{name: getattr(ours, name) for name in (
        "template_name", "extra_template_basedirs", "exclude_input", "exclude_input_prompt",
        "exclude_output_prompt", "embed_images", "sanitize_html")})
    theirs.register_preprocessor(html_export._tag_remover(), enabled=True)
    for name, function in html_export.template_filters().items():
        theirs.register_filter(name, function)
    nb = _executed_notebook()
    page, _ = ours.from_notebook_node(nb, resources={"metadata": {"name": "x"}, "sxtd": {}})
    expected, _ = theirs.from_notebook_node(nb, resources={"metadata": {"name": "x"}, "sxtd": {}})
    assert str(BeautifulSoup(page, "html.parser")) == expected
    assert page.count('tabindex="0"') == expected.count('tabindex="0"') >= 4
    assert page.count('alt="No description has been provided for this image"') == 2  # the gif and the png
    assert 'var t = `<img src="${u}">`' in page


# ------------------------------------------------------------------------------------------- Chromium


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _browser_required() -> bool:
    return os.environ.get("SXTD_REQUIRE_BROWSER", "").strip().lower() not in ("", "0", "false", "no")


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Charts(HTMLParser):
    """For each div.sxtd-chart of a DOM: whether an <svg class="marks"> with marks drew in it, and its text."""

    def __init__(self):
        super().__init__()
        self.charts: list[dict] = []
        self._depth = 0  # open elements of the current chart div (0: outside any chart)

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self._depth:
            chart = self.charts[-1]
            chart["svg"] |= tag == "svg" and "marks" in classes
            chart["marks"] += tag == "g" and "role-mark" in classes
            chart["shapes"] += tag in ("path", "rect", "line", "circle", "text")
            self._depth += tag not in _VOID
        elif tag == "div" and "sxtd-chart" in classes:
            self._depth = 1
            self.charts.append({"id": dict(attrs).get("id"), "svg": False, "marks": 0, "shapes": 0, "text": ""})

    def handle_endtag(self, tag):
        if self._depth and tag not in _VOID:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.charts[-1]["text"] += data


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's executable; skips (or fails, when SXTD_REQUIRE_BROWSER is set) before anything renders.

    Session scope, so that it runs before the module-scoped `one_report`."""
    browser = _chromium()
    if browser is None:
        if _browser_required():
            pytest.fail("SXTD_REQUIRE_BROWSER is set but no Chromium is installed (apt-get install chromium)")
        pytest.skip("no headless Chromium on PATH (apt-get install chromium); set SXTD_REQUIRE_BROWSER=1 "
                    "to make this a failure")
    return browser


@pytest.mark.slow
@pytest.mark.browser
def test_report_charts_draw_offline_in_headless_chromium(chromium, one_report, tmp_path):
    # the report alone, in a folder of its own, opened from disk with every host unreachable
    alone = tmp_path / "alone" / one_report.name
    alone.parent.mkdir()
    shutil.copy(one_report, alone)
    home = Path(tempfile.mkdtemp(dir=tmp_path))
    command = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--no-pings", f"--user-data-dir={home / 'profile'}",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
        "--virtual-time-budget=10000", "--dump-dom", alone.as_uri(),
    ]
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"),
           "XDG_CACHE_HOME": str(home / "cache")}
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    parser = _Charts()
    parser.feed(done.stdout)
    charts = parser.charts
    assert len(charts) == 2, f"expected the fixture's two charts in the DOM, found {len(charts)}"
    for chart in charts:
        assert "chart failed" not in chart["text"], chart["text"]
        assert chart["svg"], f"chart {chart['id']} drew no <svg>: {chart['text'][:200]!r}"
        assert chart["marks"] >= 1 and chart["shapes"] >= 3, chart


# ------------------------------------------------------------------------------------- --all and failures


@pytest.mark.slow
def test_a_failing_province_leaves_the_others_rendered_and_keeps_its_notebook(db, tmp_path, monkeypatch):
    notebooks = _copy_notebooks(tmp_path / "notebooks")
    profile = notebooks / reports.PROFILE_NOTEBOOK
    nb = nbformat.read(str(profile), as_version=4)
    fail = nbformat.v4.new_code_cell('if province == "Hòa Bình":\n'
                                     '    raise RuntimeError("fixture: Hòa Bình fails on purpose")')
    nb.cells.insert(2, fail)
    nbformat.write(nb, str(profile))
    out = tmp_path / "out"
    out.mkdir()
    earlier = '<html><head><meta name="sxtd:generated-at" content="2020-01-01T00:00:00+00:00"></head></html>'
    (out / "hoa-binh.html").write_text(earlier, encoding="utf-8")
    monkeypatch.setenv("SXTD_NOTEBOOKS_DIR", str(notebooks))

    result = _invoke(["report", "--all", "--jobs", "2", "--out", str(out)], db)

    assert result.exit_code == 1, result.output
    assert "FAILED hoa-binh: RuntimeError: fixture: Hòa Bình fails on purpose" in result.output
    assert "4 of 5 reports rendered" in result.output
    for slug in PROVINCES.keys() - {"hoa-binh"}:
        page = (out / f"{slug}.html").read_text(encoding="utf-8")
        assert PROVINCES[slug] in page and 'class="sxtd-chart"' in page
    assert "Comparing targets across provinces" in (out / "comparison.html").read_text(encoding="utf-8")
    assert (out / "hoa-binh.html").read_text(encoding="utf-8") == earlier  # the last good report stays
    kept = nbformat.read(str(out / "failed" / "hoa-binh.ipynb"), as_version=4)
    errors = [o for c in kept.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert errors and errors[0].ename == "RuntimeError"
    assert not (out / "failed" / "ha-tinh.ipynb").exists()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="ha-tinh.html"' in index and 'href="comparison.html"' in index
    assert "failed in this run" in index and "2020-01-01T00:00:00+00:00" in index
    assert not (out / reports.STAMP_NAME).exists()  # not a successful run
    assert reports.external_references(index, links=False) == []
    assert _kernels_left() == []  # every kernel, the failed notebook's too, was stopped


def _kernels_left() -> list[str]:
    """Kernel processes started by this process that are still running, and kernel heartbeat threads."""
    found = [f"thread {t.name}" for t in threading.enumerate() if type(t).__name__ == "HBChannel"]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z" and "ipykernel" in cmdline:
            found.append(f"process {stat.parent.name}: {cmdline}")
    return found


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
def test_a_report_stops_its_kernel(one_report):
    assert one_report.exists()
    assert _kernels_left() == []


# ------------------------------------------------------------------------------------------- scheduling


def _jobs(tmp_path: Path, keys: dict[str, int]) -> list:
    return [reports._Job(key=key, title=key, notebook=tmp_path / "x.ipynb", parameters={}, out_dir=tmp_path,
                         provenance={}, priority=priority) for key, priority in keys.items()]


@pytest.mark.parametrize("workers", [1, 2])
def test_jobs_run_longest_first_in_threads_and_report_in_order(tmp_path, monkeypatch, workers):
    started: list[str] = []
    threads: set[str] = set()
    lock = threading.Lock()

    short_jobs_done = threading.Event()

    def fake_run_job(job):
        with lock:
            started.append(job.key)
            threads.add(threading.current_thread().name)
        if job.key == "comparison" and workers == 2:  # the long job: the short ones must run beside it
            assert short_jobs_done.wait(30), "the short jobs did not run beside the long one"
        if job.key == "c":
            short_jobs_done.set()
        ok = job.key != "b"
        return reports.ReportResult(job.key, job.title, ok, 0.0, error=None if ok else "RuntimeError: boom")

    monkeypatch.setattr(reports, "_run_job", fake_run_job)
    progress: list[tuple] = []

    def record(done, total, result):
        assert threading.current_thread() is threading.main_thread()  # callers need no locking
        progress.append((done, total, result and result.key))

    jobs = _jobs(tmp_path, {"a": 0, "b": 0, "c": 0, "comparison": 1})
    results = reports._run_jobs(jobs, workers, record)
    assert [r.key for r in results] == ["a", "b", "c", "comparison"]  # the order asked for
    assert [r.ok for r in results] == [True, False, True, True]  # a failure does not stop the others
    if workers == 1:
        assert started[0] == "comparison"
    else:
        assert set(started[:2]) == {"comparison", "a"}
    assert started[-2:] == ["b", "c"]
    assert len(threads) == workers and (workers == 1) == (threads == {threading.main_thread().name})
    assert progress[0] == (0, 4, None) and [p[0] for p in progress] == [0, 1, 2, 3, 4]
    if workers == 2:  # the short jobs ran beside the long one
        assert [p[2] for p in progress][-1] == "comparison"


def test_render_all_starts_the_comparison_first(db, tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(reports, "_run_jobs", lambda jobs, workers, progress: seen.extend(jobs) or [
        reports.ReportResult(j.key, j.title, True, 0.0) for j in jobs])
    reports.render_all(paths=get_paths(database=db, notebooks_dir=FIXTURES), out_dir=tmp_path, jobs=2)
    assert max(seen, key=lambda job: job.priority).key == "comparison"
    assert {job.priority for job in seen if job.key != "comparison"} == {0}


def test_a_kernel_start_is_retried_with_a_new_kernel_and_only_after_a_start_failure(tmp_path, monkeypatch):
    import papermill

    managers = []

    def flaky(notebook, output, **kwargs):
        managers.append(kwargs["km"])
        if len(managers) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return nbformat.v4.new_notebook()

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    nb = reports.run_notebook(FIXTURES / "province_profile.ipynb", tmp_path / "out.ipynb")
    assert nb.cells == []
    assert len(managers) == 2 and managers[0] is not managers[1]

    def broken(notebook, output, **kwargs):
        managers.append(kwargs["km"])
        raise RuntimeError("something else")

    managers.clear()
    monkeypatch.setattr(papermill, "execute_notebook", broken)
    with pytest.raises(RuntimeError, match="something else"):
        reports.run_notebook(FIXTURES / "province_profile.ipynb", tmp_path / "out.ipynb")
    assert len(managers) == 1  # only a kernel that died while starting is tried again


# --------------------------------------------------------------------------------------------- if-changed


def _fake_run_job(calls: list[str]):
    def run(job):
        calls.append(job.key)
        target = job.out_dir / f"{job.key}.html"
        target.write_text(f"<html>{job.title}</html>", encoding="utf-8")
        return reports.ReportResult(job.key, job.title, True, 0.0, html=target)

    return run


def test_if_changed_skips_until_data_notebooks_or_package_change(db, tmp_path, monkeypatch):
    own_db = tmp_path / "own.duckdb"
    shutil.copy(db, own_db)
    notebooks = _copy_notebooks(tmp_path / "notebooks")
    monkeypatch.setenv("SXTD_NOTEBOOKS_DIR", str(notebooks))
    out = tmp_path / "out"
    calls: list[str] = []
    monkeypatch.setattr(reports, "_run_job", _fake_run_job(calls))
    run = ["report", "--all", "--if-changed", "--jobs", "1", "--out", str(out)]

    first = _invoke(run, own_db)
    assert first.exit_code == 0, first.output
    assert sorted(calls) == sorted([*PROVINCES, "comparison"])
    stamp = json.loads((out / reports.STAMP_NAME).read_text())
    assert set(stamp["fingerprint"]) == {"curated_hash", "package_version", "notebooks", "template"}

    calls.clear()
    again = _invoke(run, own_db)
    assert again.exit_code == 0 and calls == []
    assert "nothing to do" in again.output

    # a new data version (the DB's curated hash) renders again
    import duckdb

    with duckdb.connect(str(own_db)) as con:
        con.execute("UPDATE build_info SET value = 'f00d' WHERE key = 'curated_hash'")
    changed = _invoke(run, own_db)
    assert changed.exit_code == 0 and len(calls) == 5
    assert json.loads((out / reports.STAMP_NAME).read_text())["fingerprint"]["curated_hash"] == "f00d"

    # so does an edited notebook, and a missing report; executing a notebook (outputs only) does not
    calls.clear()
    nb_path = notebooks / reports.COMPARISON_NOTEBOOK
    nb = nbformat.read(str(nb_path), as_version=4)
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", text="ran in Jupyter")]
    nbformat.write(nb, str(nb_path))
    assert _invoke(run, own_db).exit_code == 0 and calls == []
    nb.cells.append(nbformat.v4.new_markdown_cell("One more paragraph."))
    nbformat.write(nb, str(nb_path))
    assert _invoke(run, own_db).exit_code == 0 and len(calls) == 5
    calls.clear()
    (out / "ha-tinh.html").unlink()
    assert _invoke(run, own_db).exit_code == 0 and len(calls) == 5

    # the package version is part of the fingerprint
    calls.clear()
    monkeypatch.setattr(reports, "__version__", "99.0")
    assert _invoke(run, own_db).exit_code == 0 and len(calls) == 5


def test_a_failed_run_is_not_stamped_so_the_next_scheduled_run_retries(db, tmp_path, monkeypatch):
    monkeypatch.setenv("SXTD_NOTEBOOKS_DIR", str(_copy_notebooks(tmp_path / "notebooks")))
    calls: list[str] = []
    good = _fake_run_job(calls)

    def flaky(job):
        if job.key == "dong-thap":
            calls.append(job.key)
            return reports.ReportResult(job.key, job.title, False, 0.0, error="RuntimeError: boom")
        return good(job)

    monkeypatch.setattr(reports, "_run_job", flaky)
    run = ["report", "--all", "--if-changed", "--jobs", "1", "--out", str(tmp_path / "out")]
    result = _invoke(run, db)
    assert result.exit_code == 1
    assert "1 of 5 reports failed" in result.output
    calls.clear()
    monkeypatch.setattr(reports, "_run_job", good)
    assert _invoke(run, db).exit_code == 0 and len(calls) == 5


def test_one_run_at_a_time_per_output_folder(db, tmp_path, monkeypatch):
    monkeypatch.setenv("SXTD_NOTEBOOKS_DIR", str(FIXTURES))
    monkeypatch.setattr(reports, "_run_job", _fake_run_job([]))
    out = tmp_path / "out"
    out.mkdir()
    with reports._exclusive(out):
        result = _invoke(["report", "--all", "--jobs", "1", "--out", str(out)], db)
    assert result.exit_code == 1 and "another `sxtd report` is writing" in result.output
    assert _invoke(["report", "--all", "--jobs", "1", "--out", str(out)], db).exit_code == 0


@pytest.mark.parametrize(("failures", "ok"), [(1, True), (2, False)])
def test_a_kernel_that_dies_while_starting_is_tried_once_more(tmp_path, monkeypatch, failures, ok):
    import papermill

    from sxtd_analysis import reports

    calls = []

    def flaky(src, out, **kwargs):
        calls.append(src)
        if len(calls) <= failures:
            raise RuntimeError("Kernel died before replying to kernel_info")
        raise ValueError("reached the notebook")  # the second start worked; stop here

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    job = reports._Job(key="x", title="X", notebook=tmp_path / "x.ipynb", parameters={}, out_dir=tmp_path / "out",
                       provenance={}, cell_timeout=10)
    result = reports._run_job(job)
    assert len(calls) == min(failures + 1, kernels.KERNEL_START_ATTEMPTS)
    assert ("reached the notebook" in result.error) is ok
    assert ("Kernel died" in result.error) is not ok
