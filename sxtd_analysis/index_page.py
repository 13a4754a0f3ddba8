"""The front page of the reports folder (`index.html`): each province's report and the comparison."""

from __future__ import annotations

import html
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

from sxtd_analysis import __version__
from sxtd_analysis.report_model import COMPARISON_KEY, FAILED_DIR, INDEX_NAME, Province, ReportResult, atomic_write

_INDEX_CSS = """
.sxtd-index { list-style: none; padding: 0; }
.sxtd-index li { padding: 0.35em 0; border-bottom: 1px solid var(--rule); font-size: 1.05rem; }
.failed { color: #b3261e; }
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


def write_index(out_dir: Path | str, *, provinces: Sequence[Province], results: Sequence[ReportResult],
                info: dict[str, str], generated_at: str) -> Path:
    """Write `<out_dir>/index.html`: links to the reports, this run's failures, and the build info."""
    out_dir = Path(out_dir)
    by_key = {r.key: r for r in results}
    esc = html.escape

    def row(key: str, label: str) -> str:
        result = by_key.get(key)
        page = out_dir / f"{key}.html"
        link = f'<a href="{esc(page.name)}">{esc(label)}</a>' if page.exists() else esc(label)
        if result is None or result.ok:
            note = "" if page.exists() else '<span class="failed">no report</span>'
        else:
            kept = (f' — executed notebook kept in <a href="{FAILED_DIR}/{esc(key)}.ipynb">'
                    f"{FAILED_DIR}/{esc(key)}.ipynb</a>") if result.failed_notebook else ""
            earlier = report_metadata(page).get("generated-at") if page.exists() else None
            shown = f"; the report shown is from {esc(earlier)}" if earlier else ""
            note = f'<span class="failed">failed in this run: {esc(result.error or "")}{shown}</span>{kept}'
        return f"<li>{link} {note}</li>"

    rows = "\n".join(row(p.slug, p.name_vi) for p in provinces)
    comparison = row(COMPARISON_KEY, "So sánh mục tiêu giữa các tỉnh (comparison of the provinces' targets)")
    failed = [r for r in results if not r.ok]
    status = (f'<p class="failed">{len(failed)} trên {len(results)} báo cáo bị lỗi trong lần chạy này '
              f'<span lang="en">({len(failed)} of {len(results)} reports failed in this run)</span>.</p>'
              if failed else "")
    from sxtd_analysis.html_export import TEMPLATE_NAME, TEMPLATES_DIR, moment

    css = (TEMPLATES_DIR / TEMPLATE_NAME / "report.css").read_text(encoding="utf-8")
    page = f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="sxtd:generated-at" content="{esc(generated_at)}">
<meta name="sxtd:curated-hash" content="{esc(info.get('curated_hash', ''))}">
<title>Kế hoạch sản xuất và tiêu dùng bền vững của các tỉnh — báo cáo</title>
<style>{css}{_INDEX_CSS}</style>
</head>
<body>
<main class="sxtd-page">
<h1>Kế hoạch sản xuất và tiêu dùng bền vững của các tỉnh
<span class="sxtd-en" lang="en">Provincial plans on sustainable consumption and production — reports</span></h1>
{status}
<h2>Các tỉnh <span class="sxtd-en" lang="en">Provinces</span></h2>
<ul class="sxtd-index">
{rows}
</ul>
<h2>Giữa các tỉnh <span class="sxtd-en" lang="en">Across provinces</span></h2>
<ul class="sxtd-index">
{comparison}
</ul>
<footer class="sxtd-footer" id="sxtd-provenance">
<p>Phiên bản dữ liệu <span lang="en">(data version)</span> {esc(info.get('curated_hash', '')[:12])}
· cơ sở dữ liệu dựng lúc <span lang="en">(built)</span> {moment(info.get('built_at', ''))}
· báo cáo tạo lúc <span lang="en">(made)</span> {moment(generated_at)} · sxtd {esc(__version__)}.</p>
</footer>
</main>
</body>
</html>
"""
    target = out_dir / INDEX_NAME
    atomic_write(target, page)
    return target


