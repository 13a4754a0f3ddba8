"""The front page (reports/index.html) as a reader meets it: Vietnamese first, the national coverage against the
goal, the map, all 34 provinces, each province's headline and report link; every curated string escaped."""

import re

import pytest

from sxtd_analysis import queries
from sxtd_analysis.index_page import write_index
from sxtd_analysis.offline import external_references
from sxtd_analysis.report_model import Province, ReportResult


@pytest.fixture(scope="module")
def page(built_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("front")
    (out / "ha-tinh.html").write_text("<html></html>", encoding="utf-8")
    with queries.connect(built_db) as con:
        info = queries.build_info(con)
        provinces = [Province(r["province_slug"], r["name_vi"]) for r in queries.list_provinces(con).iter_rows(
            named=True)]
    results = [ReportResult("ha-tinh", "Hà Tĩnh", True, 1.0, html=out / "ha-tinh.html")]
    return write_index(out, provinces=provinces, results=results, info=info, generated_at="2026-12-03T10:00:00+00:00",
                       database=built_db).read_text(encoding="utf-8")


def test_the_front_page_is_vietnamese_first_with_findings_first(page):
    assert '<html lang="vi">' in page
    assert page.index('id="findings"') < page.index('id="coverage"') < page.index('id="reports"')
    assert page.index("Những điểm chính") < page.index("Key findings")


def test_it_names_all_34_provinces_with_the_map_and_the_goal(built_db, page):
    with queries.connect(built_db) as con:
        names = [r[0] for r in con.execute("SELECT name_vi FROM current_provinces").fetchall()]
    assert len(names) == 34
    table = page.split('id="coverage"', 1)[1].split('id="reports"', 1)[0]
    for name in names:
        assert "<tr class=\"cov-" in table and f">{name}</td>" in table, name
    assert re.search(r"\d+/34 tỉnh, thành phố có kế hoạch đã biết \(mục tiêu 90% vào năm 2030", page)
    assert "<svg" in table and "Phú Thọ" in table.split("<svg", 1)[1]  # the map, drawn with no script


def test_each_province_with_a_report_is_linked_with_its_headline(page):
    reports = page.split('id="reports"', 1)[1]
    assert '<a href="ha-tinh.html">Hà Tĩnh</a>' in reports
    assert "kế hoạch (2021–2025), 5 mục tiêu định lượng" in reports and "quantified targets" in reports
    coverage = page.split('id="coverage"', 1)[1].split('id="reports"', 1)[0]
    assert '<a href="ha-tinh.html">Hà Tĩnh</a>' in coverage  # and from the coverage table
    assert "<a href=\"dong-thap.html\">" not in page  # no page, no link


def test_the_front_page_needs_no_network(page):
    assert external_references(page, links=False) == []
