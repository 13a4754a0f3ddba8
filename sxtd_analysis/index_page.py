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
        return f"<tr><td>{link}</td><td><code>{esc(key)}</code></td><td>{note}</td></tr>"

    rows = "\n".join(row(p.slug, p.name_vi) for p in provinces)
    comparison = row(COMPARISON_KEY, "Comparison of the provinces' targets")
    failed = [r for r in results if not r.ok]
    status = (f'<p class="failed">{len(failed)} of {len(results)} reports failed in this run.</p>' if failed
              else f"<p>All {len(results)} reports were made in this run.</p>")
    build = "\n".join(f"<tr><th>{esc(k)}</th><td><code>{esc(info.get(k, 'unknown'))}</code></td></tr>"
                      for k in ("curated_hash", "built_at", "package_version"))
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="sxtd:generated-at" content="{esc(generated_at)}">
<meta name="sxtd:curated-hash" content="{esc(info.get('curated_hash', ''))}">
<title>SXTD provincial plans — reports</title>
<style>{_INDEX_CSS}</style>
</head>
<body>
<h1>SXTD provincial plans — reports</h1>
<p class="muted">Reports made {esc(generated_at)} with sxtd {esc(__version__)}.</p>
{status}
<h2>Provinces</h2>
<table>
<tr><th>Province</th><th>Slug</th><th></th></tr>
{rows}
</table>
<h2>Across provinces</h2>
<table>
{comparison}
</table>
<h2>Data version</h2>
<table>
{build}
<tr><th>reports made</th><td><code>{esc(generated_at)}</code></td></tr>
</table>
</body>
</html>
"""
    target = out_dir / INDEX_NAME
    atomic_write(target, page)
    return target


