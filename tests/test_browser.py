"""The reports as their readers see them, in a real browser (Debian's Chromium driven by Playwright): on a desk,
on a 390 px phone and printed to A4; offline, Vietnamese first, findings first, data never markup.

Skipped with a reason where no Chromium is installed, unless SXTD_REQUIRE_BROWSER is set (CI: .ci/run).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from sxtd_analysis import printing, reports
from sxtd_analysis.config import get_paths
from sxtd_analysis.offline import unsafe_markup

pytestmark = [pytest.mark.browser, pytest.mark.slow]
MARKUP = "<svg onload=alert(1)>"


def _required() -> bool:
    return os.environ.get("SXTD_REQUIRE_BROWSER", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def browser():
    if printing.chromium_path() is None:
        if _required():
            pytest.fail(f"SXTD_REQUIRE_BROWSER is set but {printing.INSTALL_HINT}")
        pytest.skip(f"no Chromium: {printing.INSTALL_HINT}; set SXTD_REQUIRE_BROWSER=1 to make this a failure")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = printing.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def rendered(built_db, tmp_path_factory) -> dict[str, Path]:
    """Every report of the real data from the project's notebooks: the provinces', the comparison, the index."""
    out = tmp_path_factory.mktemp("reports")
    summary = reports.render_all(paths=get_paths(database=built_db), out_dir=out, jobs=2)
    assert summary.ok, [r.error for r in summary.failed]
    return {r.key: r.html for r in summary.results} | {"index": summary.index}


def _open(browser, page_path: Path, *, width: int = 1400):
    """The page opened from disk at `width`, every request outside the file refused and recorded."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.sxtd_errors, page.sxtd_requests, page.sxtd_dialogs, page.sxtd_warnings = [], [], [], []
    page.on("console", lambda m: m.type == "error" and page.sxtd_errors.append(m.text))
    page.on("console", lambda m: m.type == "warning" and page.sxtd_warnings.append(m.text))
    page.on("pageerror", lambda e: page.sxtd_errors.append(str(e)))
    page.on("dialog", lambda d: (page.sxtd_dialogs.append(d.message), d.dismiss()))

    def route(r):
        if r.request.url.startswith("file:"):
            return r.continue_()
        page.sxtd_requests.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    page.goto(page_path.as_uri(), wait_until="load")
    if page.query_selector(".sxtd-chart"):
        page.wait_for_function("() => Array.from(document.querySelectorAll('.sxtd-chart'))"
                               ".every(el => el.querySelector('svg g.mark-rect, svg g.mark-rule, svg g.mark-symbol'))",
                               timeout=30_000)
    return page


REPORTS = ["ha-tinh", "dong-thap", "hoa-binh", "thai-nguyen", "comparison"]
#: Vega-Lite's one warning that changes nothing: a chart as wide as its container (autosize "fit-x") whose height
#: is a step per row. Any other warning is something not drawn (a rect's strokeDash channel, a step height on a
#: continuous axis were).
HARMLESS_VEGA_WARNING = 'Dropping "fit-y" because spec has discrete height'


@pytest.mark.parametrize("key", REPORTS)
def test_report_reads_on_a_desk_offline_with_its_charts_drawn(browser, rendered, key):
    page = _open(browser, rendered[key])
    try:
        assert page.sxtd_errors == [] and page.sxtd_requests == []
        assert [w for w in page.sxtd_warnings if HARMLESS_VEGA_WARNING not in w] == []
        assert page.evaluate("document.documentElement.lang") == "vi"
        charts = page.query_selector_all(".sxtd-chart")
        assert charts, "a report without a chart"
        for chart in charts:
            assert chart.query_selector("svg"), chart.inner_text()[:200]
            assert "chart failed" not in chart.inner_text()
            box = chart.bounding_box()
            assert box["width"] > 900, f"a chart {box['width']:.0f} px wide on a 1,400 px page"
        # no label on any chart under 11 px
        sizes = page.evaluate("() => Array.from(document.querySelectorAll('.sxtd-chart svg text'))"
                              ".map(t => parseFloat(getComputedStyle(t).fontSize))")
        assert sizes and min(sizes) >= 11
        # the data version only in the footer, at the end
        body = page.inner_text("main")
        assert not re.search(r"\b[0-9a-f]{64}\b", body)
        assert page.evaluate("document.querySelector('footer.sxtd-footer') === "
                             "document.querySelector('main').lastElementChild")
    finally:
        page.context.close()


@pytest.mark.parametrize("key", REPORTS)
def test_findings_come_before_the_first_table(browser, rendered, key):
    page = _open(browser, rendered[key])
    try:
        findings = page.query_selector("#findings")
        assert findings is not None, "no #findings section (the notebooks show the findings block first)"
        first_table = page.query_selector("table")
        above = page.evaluate("([f, t]) => !t || (f.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) > 0",
                              [findings, first_table])
        assert above
        assert findings.bounding_box()["y"] < 1400  # on the first screen, or just below the plans
    finally:
        page.context.close()


@pytest.mark.parametrize("key", REPORTS + ["index"])
def test_no_sideways_page_scroll_on_a_phone(browser, rendered, key):
    page = _open(browser, rendered[key], width=390)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.sxtd_errors == []
    finally:
        page.context.close()


#: each chart's drawn width and its box's, in the page
_CHART_WIDTHS = ("() => Array.from(document.querySelectorAll('.sxtd-chart'))"
                 ".map(el => [el.querySelector('svg').getBoundingClientRect().width, el.clientWidth])")


def test_charts_follow_the_window_when_it_narrows(browser, rendered):
    """A window made narrower (a phone turned, a browser resized) redraws every chart to its box, the task
    timeline (a facet, which Vega-Lite cannot size to its container) included, and draws it again when wider."""
    page = _open(browser, rendered["ha-tinh"])
    try:
        wide = page.evaluate(_CHART_WIDTHS)
        page.set_viewport_size({"width": 760, "height": 900})
        page.wait_for_timeout(1200)
        narrow = page.evaluate(_CHART_WIDTHS)
        assert all(svg <= box + 1 for svg, box in narrow), narrow
        assert max(svg for svg, _ in narrow) < 760 < max(svg for svg, _ in wide)
        page.set_viewport_size({"width": 1400, "height": 900})
        page.wait_for_timeout(1200)
        again = page.evaluate(_CHART_WIDTHS)
        assert [round(svg) for svg, _ in again] == [round(svg) for svg, _ in wide]
        assert page.sxtd_errors == []
    finally:
        page.context.close()


def test_a_tooltip_shows_a_targets_quote_on_hover(browser, rendered, built_db):
    quotes = [q for (q,) in duckdb.connect(str(built_db), read_only=True).execute(
        "SELECT quote FROM targets JOIN plans USING (plan_id) WHERE province_slug = 'ha-tinh'").fetchall()]
    page = _open(browser, rendered["ha-tinh"])
    try:
        marks = page.query_selector_all(".sxtd-chart g.mark-rect path")
        assert marks
        seen = []
        for mark in marks[:8]:
            mark.hover(force=True)  # the cell's text lies on it, with the same tooltip
            page.wait_for_selector("#vg-tooltip-element.visible", timeout=5000)
            text = " ".join(page.inner_text("#vg-tooltip-element").split())
            seen.append(text)
            if any(" ".join(q.split())[:60] in text for q in quotes):
                break
        else:
            pytest.fail(f"no tooltip showed a quote of Hà Tĩnh's targets: {seen[:2]}")
        tooltip = page.query_selector("#vg-tooltip-element td.value")
        assert page.evaluate("el => getComputedStyle(el).maxHeight", tooltip) == "none"  # not cut after 7 lines
    finally:
        page.context.close()


def test_a_report_prints_to_a4_with_every_task_title(browser, rendered, built_db):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext missing (apt-get install poppler-utils)")
    (pdf,) = printing.print_pdfs([rendered["ha-tinh"]], browser=browser)
    assert pdf == rendered["ha-tinh"].with_suffix(".pdf") and pdf.stat().st_size > 10_000
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    titles = [t for (t,) in duckdb.connect(str(built_db), read_only=True).execute(
        "SELECT title FROM tasks JOIN plans USING (plan_id) WHERE province_slug = 'ha-tinh'").fetchall()]
    assert titles
    missing = [t for t in titles if " ".join(t.split()) not in flat]
    assert missing == [], f"{len(missing)} of {len(titles)} task titles not on paper, e.g. {missing[:2]}"
    assert "Những điểm chính" in flat or "Tóm tắt" in flat


#: per chart, how far (px) its furthest text (titles, legends, labels) reaches past the chart's right edge
_TEXT_OVERRUN = ("() => Array.from(document.querySelectorAll('.sxtd-chart svg')).map(svg => {"
                 " const edge = svg.getBoundingClientRect().right;"
                 " return Math.max(0, ...Array.from(svg.querySelectorAll('text'))"
                 "   .map(t => t.getBoundingClientRect().right - edge)); })")


@pytest.mark.parametrize("key", ["comparison", "ha-tinh"])
def test_no_chart_text_runs_off_the_paper(browser, rendered, key):
    """Laid out at the paper's width as `sxtd report --pdf` prints it: no title, legend or label of any chart
    reaches past the chart's edge (a title on one line, two legends side by side and a benchmark's label at the
    right end of its axis were cut on paper)."""
    page = _open(browser, rendered[key], width=printing.PRINT_WIDTH)
    try:
        page.emulate_media(media="print")
        overruns = page.evaluate(_TEXT_OVERRUN)
        assert overruns and max(overruns) <= 1, overruns
    finally:
        page.context.close()


def test_curated_markup_is_inert_text_in_the_report(browser, built_db, tmp_path):
    """A curated value that is markup (a doc_number ending in <svg onload=...>) shows as text and runs nothing."""
    database = tmp_path / "sxtd.duckdb"
    shutil.copy(built_db, database)
    with duckdb.connect(str(database)) as con:
        con.execute(f"UPDATE plans SET doc_number = doc_number || '{MARKUP}', title_vi = title_vi || '{MARKUP}' "
                    "WHERE province_slug = 'ha-tinh'")
        con.execute(f"UPDATE tasks SET title = title || '{MARKUP}' WHERE task_id IN "
                    "(SELECT task_id FROM tasks JOIN plans USING (plan_id) WHERE province_slug = 'ha-tinh' LIMIT 3)")
    html = reports.render_report("Hà Tĩnh", paths=get_paths(database=database), out_dir=tmp_path / "out")
    source = html.read_text(encoding="utf-8")
    assert "<svg onload" not in source.split("<main", 1)[1].split("<script", 1)[0]
    assert unsafe_markup(source) == []
    page = _open(browser, html)
    try:
        assert page.sxtd_dialogs == [] and page.sxtd_errors == []
        assert MARKUP in page.inner_text("main")  # shown as the text it is
        assert page.evaluate("document.querySelectorAll('[onload]').length") == 0
    finally:
        page.context.close()


def test_the_offline_check_refuses_markup_that_could_run(tmp_path):
    """The report's last guard: event handlers, javascript: addresses and scripts it did not write."""
    from sxtd_analysis.offline import PRINT_SCRIPT, chart_html

    chart = chart_html({"mark": "point", "data": {"values": [{"a": MARKUP}]}}, include_bundle=False)
    clean = f"<html><body><p>{MARKUP.replace('<', '&lt;')}</p>{chart}<script>{PRINT_SCRIPT}</script></body></html>"
    assert unsafe_markup(clean) == []
    for bad in (f"<p>{MARKUP}</p>", '<a href="javascript:alert(1)">x</a>', "<script>alert(1)</script>",
                '<img src=x onerror="alert(1)">', "<iframe srcdoc='x'></iframe>",
                chart.replace("vegaEmbed(el,spec", "alert(1);vegaEmbed(el,spec")):
        assert unsafe_markup(clean.replace("</body>", bad + "</body>")), bad
