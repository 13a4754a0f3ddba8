"""The front page of the reports folder (`index.html`): each province's report and the comparison."""

from __future__ import annotations

import html
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

from sxtd_analysis import __version__
from sxtd_analysis.report_model import COMPARISON_KEY, FAILED_DIR, INDEX_NAME, Province, ReportResult, atomic_write

_INDEX_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; margin: 2em auto;
       max-width: 60em; padding: 0 1em; color: #1f2328; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { text-align: left; padding: 0.3em 1em 0.3em 0; border-bottom: 1px solid #d0d7de; vertical-align: top; }
code { font-size: 0.95em; }
.failed { color: #b3261e; }
.muted { color: #59636e; font-size: 0.9em; }
.en { color: #59636e; font-size: 0.92em; }
.num { text-align: right; }
.scroll { overflow-x: auto; }
figure.map { margin: 1em 0; overflow-x: auto; }
figure.map svg { width: 100%; max-width: 560px; height: auto; }
section#findings li { margin-bottom: 0.5em; }
footer { margin-top: 2em; border-top: 1px solid #d0d7de; }
@media print { .scroll { overflow: visible; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("name") or "").startswith("sxtd:"):
            self.meta[attrs["name"].removeprefix("sxtd:")] = attrs.get("content") or ""


def report_metadata(path: Path | str) -> dict[str, str]:
    """The provenance a report carries in its <meta name="sxtd:..."> tags (generated-at, curated-hash, ...)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read().split("</head>", 1)[0]
    except OSError:
        return {}
    parser = _Meta()
    parser.feed(head)
    return parser.meta


def _bi(vi: str, en: str) -> str:
    return f'{html.escape(vi)} <span class="en" lang="en">{html.escape(en)}</span>'


def _findings_list(items) -> str:
    return "<ul>" + "".join(f'<li><span lang="vi">{html.escape(f.vi)}</span><br><span class="en" lang="en">'
                            f"{html.escape(f.en)}</span></li>" for f in items) + "</ul>"


def _map_svg(coverage) -> str:
    """The tile-grid map as inline SVG (drawn by vl-convert here: the page needs no script to show it)."""
    import vl_convert

    from sxtd_analysis.tilemap import coverage_map

    return vl_convert.vegalite_to_svg(coverage_map(coverage).to_json())


def front_page_sections(database: Path | str, out_dir: Path | None = None) -> dict[str, str]:
    """The parts of the front page computed from the database: key findings (national coverage and the
    comparison), the map, the 34 provinces with their plans, and one headline per province with a report.
    Every string is escaped; the map is an SVG drawn from the data."""
    from sxtd_analysis import findings, queries
    from sxtd_analysis.coverage import findings_of

    con = queries.connect(database)
    try:
        alignment = queries.alignment(con)
        plans = queries.load_plans(con)
        coverage = queries.national_coverage(con)
        indicator = queries.national_indicator(con)
        verdicts = queries.load_verdicts(con)
    finally:
        con.close()
    key = findings_of(indicator)
    key += findings.comparison_findings(alignment, verdicts=verdicts, brief=True)
    headlines = {r["province_slug"]: r for r in findings.province_headlines(alignment, plans).iter_rows(named=True)}
    tiers = {"curated": ("đã biên tập văn bản", "plan text curated"), "known": ("biết có kế hoạch", "plan known"),
             "none": ("chưa ghi nhận", "none recorded")}
    rows = []
    for r in coverage.iter_rows(named=True):
        vi, en = tiers.get(r["coverage"], (r["coverage"], r["coverage"]))
        reported = {pid.split("_", 1)[0] for pid in r["plan_ids"] or []}  # report pages are named by slug
        former = ", ".join(
            f'<a href="{html.escape(slug)}.html">{html.escape(name)}</a>'
            if slug in reported and out_dir is not None and (out_dir / f"{slug}.html").exists() else html.escape(name)
            for slug, name in zip(r["former_province_slugs"] or [], r["former_names_vi"] or [], strict=False))
        latest = (f"{r['latest_doc_number'] or '—'} ({r['latest_issuer_name_vi']}, "
                  f"{r['latest_period_start_year']}–{r['latest_period_end_year']})") if r["latest_registry_id"] else "—"
        rows.append(f'<tr class="cov-{html.escape(r["coverage"])}"><td>{html.escape(r["province_name_vi"])}</td>'
                    f"<td>{former}</td><td>{_bi(vi, en)}</td><td class=num>{r['n_plans_known']}</td>"
                    f"<td class=num>{r['n_plans_curated']}</td><td>{html.escape(latest)}</td></tr>")
    return {
        "findings": _findings_list(key),
        "coverage_line": _bi(
            f"{indicator.n_current_with_plan}/{indicator.n_current} tỉnh, thành phố có kế hoạch đã biết "
            f"(mục tiêu {indicator.goal_percent:g}% vào năm {indicator.goal_year}, {indicator.goal_programme}).",
            f"{indicator.n_current_with_plan} of {indicator.n_current} provinces have a known plan (goal "
            f"{indicator.goal_percent:g}% by {indicator.goal_year}, {indicator.goal_programme}).")
        if indicator.goal_percent is not None else "",
        "map": _map_svg(coverage),
        "coverage_rows": "\n".join(rows),
        "headlines": headlines,
    }


def write_index(out_dir: Path | str, *, provinces: Sequence[Province], results: Sequence[ReportResult],
                info: dict[str, str], generated_at: str, database: Path | str | None = None) -> Path:
    """Write `<out_dir>/index.html`, the front page: key findings, national coverage and the map, each province
    with its headline and report, the comparison, this run's failures; the data version in the footer."""
    out_dir = Path(out_dir)
    by_key = {r.key: r for r in results}
    esc = html.escape
    sections = front_page_sections(database, out_dir) if database is not None else {}
    headlines = sections.get("headlines", {})

    def status(key: str, page: Path) -> str:
        result = by_key.get(key)
        if result is None or result.ok:
            return "" if page.exists() else '<span class="failed">' + _bi("chưa có báo cáo", "no report") + "</span>"
        kept = (f' — <a href="{FAILED_DIR}/{esc(key)}.ipynb">{FAILED_DIR}/{esc(key)}.ipynb</a>'
                if result.failed_notebook else "")
        earlier = report_metadata(page).get("generated-at") if page.exists() else None
        shown = _bi(f"; trang đang hiện là bản {earlier}", f"; the page shown is from {earlier}") if earlier else ""
        return (f'<span class="failed">{_bi("lỗi trong lần chạy này", "failed in this run")}: '
                f"{esc(result.error or '')}{shown}</span>{kept}")

    def row(key: str, label: str) -> str:
        page = out_dir / f"{key}.html"
        link = f'<a href="{esc(page.name)}">{esc(label)}</a>' if page.exists() else esc(label)
        h = headlines.get(key)
        headline = _bi(h["headline_vi"], h["headline_en"]) if h else ""
        return f"<tr><td>{link}</td><td>{headline} {status(key, page)}</td></tr>"

    rows = "\n".join(row(p.slug, p.name_vi) for p in provinces)
    comparison = row(COMPARISON_KEY, "So sánh mục tiêu của các tỉnh — Comparing the provinces' targets")
    failed = [r for r in results if not r.ok]
    run = (f'<p class="failed">{_bi(f"{len(failed)}/{len(results)} báo cáo lỗi trong lần chạy này.", f"{len(failed)} of {len(results)} reports failed in this run.")}</p>'  # noqa: E501
           if failed else "")
    coverage = ""
    if sections:
        coverage = f"""<section id="findings"><h2>{_bi("Những điểm chính", "— Key findings")}</h2>
{sections["findings"]}</section>
<section id="coverage"><h2>{_bi("Độ bao phủ toàn quốc", "— National coverage")}</h2>
<p>{sections["coverage_line"]}</p>
<figure class="map">{sections["map"]}</figure>
<div class="scroll"><table>
<tr><th>{_bi("Tỉnh, thành phố (từ 1/7/2025)", "Province since 1 July 2025")}</th><th>{_bi("Gồm các tỉnh trước sáp nhập", "Former provinces")}</th><th>{_bi("Tình trạng", "Status")}</th><th>{_bi("Kế hoạch đã biết", "Plans known")}</th><th>{_bi("Đã biên tập", "Curated")}</th><th>{_bi("Kế hoạch gần nhất", "Latest plan")}</th></tr>
{sections["coverage_rows"]}
</table></div></section>"""  # noqa: E501
    page = f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="sxtd:generated-at" content="{esc(generated_at)}">
<meta name="sxtd:curated-hash" content="{esc(info.get('curated_hash', ''))}">
<title>Kế hoạch sản xuất và tiêu dùng bền vững của các tỉnh — SXTD provincial plans</title>
<style>{_INDEX_CSS}</style>
</head>
<body>
<h1>{_bi("Kế hoạch sản xuất và tiêu dùng bền vững của các tỉnh", "— Provincial plans on sustainable consumption and production")}</h1>
{run}
{coverage}
<section id="reports"><h2>{_bi("Báo cáo theo tỉnh", "— Province reports")}</h2>
<div class="scroll"><table>
<tr><th>{_bi("Tỉnh", "Province")}</th><th>{_bi("Tóm tắt", "Summary")}</th></tr>
{rows}
</table></div>
<h2>{_bi("So sánh giữa các tỉnh", "— Across provinces")}</h2>
<div class="scroll"><table>
{comparison}
</table></div></section>
<footer><p class="muted">{_bi("Phiên bản dữ liệu", "Data version")} {esc(info.get('curated_hash', 'unknown')[:12])} ·
{_bi("cơ sở dữ liệu dựng lúc", "database built")} {esc(info.get('built_at', 'unknown'))} ·
{_bi("trang làm lúc", "page made")} {esc(generated_at)} · sxtd-analysis {esc(__version__)}</p></footer>
</body>
</html>
"""  # noqa: E501
    target = out_dir / INDEX_NAME
    atomic_write(target, page)
    return target
