"""The review page of a plan's drafts: one offline HTML file (no script, no outside reference) that shows each
draft row beside the lines of the plan text it came from, with what is uncertain highlighted.

Every string from the text or the drafts is escaped as text: a plan that prints "<script>" shows it.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from sxtd_analysis.extract import Draft, read_plan_lines

CONTEXT_LINES = 2  # lines shown before and after a row's span
UNSURE_BELOW = 0.5  # confidence under which a suggested indicator or theme is highlighted

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:78rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
.row{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem;border:1px solid #ddd;
border-radius:6px;padding:.6rem;margin:.6rem 0}
.row.unsure{border-color:#c77700;background:#fff8ec}
@media (max-width:50rem){.row{grid-template-columns:1fr}}
table.f{border-collapse:collapse;width:100%}table.f td{vertical-align:top;padding:.1rem .4rem;
border-bottom:1px solid #eee;overflow-wrap:anywhere}table.f td:first-child{color:#555;white-space:nowrap;width:1%}
pre{white-space:pre-wrap;margin:0;font:14px/1.4 system-ui,sans-serif;background:#f6f6f6;padding:.4rem}
pre>span{display:block}.ln{color:#888;user-select:none;font-variant-numeric:tabular-nums}.in{background:#e8f1ff}
mark{background:#ffe066}
.flag{display:inline-block;background:#c77700;color:#fff;border-radius:3px;padding:0 .35rem;margin:0 .3rem .3rem 0;
font-size:.85em}.summary td{padding:.1rem .6rem}.warn{color:#8a4b00}
"""


def _flags(table: str, row: dict[str, str]) -> list[str]:
    """What a reviewer should look at first in a draft row."""
    flags = []
    reason = row.get("reason", "")
    if table == "targets":
        if not row["indicator_code"]:
            flags.append("no indicator suggested")
        elif float(row.get("indicator_confidence") or 0) < UNSURE_BELOW:
            flags.append(f"unsure indicator ({row['indicator_confidence']})")
    if table == "qualitative_objectives":
        if not row["theme"]:
            flags.append("no theme")
        elif float(row.get("theme_confidence") or 0) < UNSURE_BELOW:
            flags.append(f"unsure theme ({row['theme_confidence']})")
    if table in ("targets", "qualitative_objectives", "budgets"):
        year_field = "budget_year" if table == "budgets" else "target_year"
        if not row.get(year_field):
            flags.append("no year")
        elif "from the plan's title" in reason:
            flags.append("year guessed from the title")
    if table == "budgets" and not row.get("scope_note"):
        flags.append("scope to fill")
    if table == "plans" and ("not in provinces.csv" in reason or "not found" in reason):
        flags.append("province unknown")
    if table == "plans" and "the header names the province" in reason:
        flags.append("province differs from the header")
    if table == "task_agencies" and row.get("matched_by", "").endswith("check"):
        flags.append("unmatched agency: " + row["matched_by"].removesuffix(": check"))
    if table == "agencies" and not row.get("name_en"):
        flags.append("English name missing")
    return flags


def _text_lines(lines: list[str], start: int, end: int, marks: list[str]) -> str:
    """Numbered lines start-CONTEXT..end+CONTEXT, the span highlighted and each of `marks` marked in it."""
    out = []
    for no in range(max(1, start - CONTEXT_LINES), min(len(lines), end + CONTEXT_LINES) + 1):
        text = lines[no - 1]
        body = _marked(text, marks) if start <= no <= end else escape(text)
        cls = ' class="in"' if start <= no <= end else ""
        out.append(f'<span{cls}><span class="ln">{no:>4}  </span>{body}</span>')
    return "<pre>" + "".join(out) + "</pre>"


def _marked(text: str, marks: list[str]) -> str:
    """`text` escaped, with the first occurrence of each mark wrapped in <mark> (marks found before escaping)."""
    spans = []
    for m in marks:
        i = text.find(m) if m else -1
        if i >= 0 and not any(a < i + len(m) and i < b for a, b in spans):
            spans.append((i, i + len(m)))
    out, pos = [], 0
    for a, b in sorted(spans):
        out += [escape(text[pos:a]), "<mark>", escape(text[a:b]), "</mark>"]
        pos = b
    return "".join(out) + escape(text[pos:])


def _fields(row: dict[str, str], skip: tuple[str, ...] = ()) -> str:
    cells = "".join(f"<tr><td>{escape(k)}</td><td>{escape(str(v))}</td></tr>" for k, v in row.items()
                    if v not in ("", None) and k not in skip)
    return f'<table class="f">{cells}</table>'


def _card(table: str, row: dict[str, str], lines: list[str], extra: str = "", extra_flags: list[str] = ()) -> str:
    flags = _flags(table, row) + list(extra_flags)
    badge = "".join(f'<span class="flag">{escape(f)}</span>' for f in flags)
    text = ""
    if row.get("line_start") and row.get("line_end"):
        marks = [row.get("value_as_printed", ""), row.get("lead_agency_as_printed", "")]
        text = _text_lines(lines, int(row["line_start"]), int(row["line_end"]), [m for m in marks if m])
    cls = "row unsure" if flags else "row"
    return f'<div class="{cls}"><div>{badge}{_fields(row)}{extra}</div><div>{text}</div></div>'


def review_html(draft: Draft, lines: list[str]) -> str:
    """The review page as a string (see the module docstring)."""
    plan = draft.plan
    links: dict[str, list[dict[str, str]]] = {}
    for link in draft.task_agencies:
        links.setdefault(link["task_id"], []).append(link)
    parts = [f"<h1>Drafts of {escape(plan['plan_id'])} — review against the text</h1>",
             f"<p>Source: {escape(str(draft.source or plan['raw_file']))}. Highlighted: the lines each row "
             "comes from (blue), the number or agency read from them (yellow); cards with an orange border carry "
             "a guess to check. Fix the CSV files beside this page, then run <code>sxtd accept</code> on the "
             "folder.</p>"]
    sections = [("Plan", "plans", [plan]), ("Targets", "targets", draft.targets),
                ("Qualitative objectives", "qualitative_objectives", draft.objectives),
                ("Tasks and their agencies", "tasks", draft.tasks), ("Budgets", "budgets", draft.budgets),
                ("New agencies", "agencies", draft.agencies), ("New aliases", "agency_aliases", draft.aliases)]
    summary, body = [], []
    for title, table, rows in sections:
        cards = []
        unsure = 0
        for row in rows:
            extra, extra_flags = "", []
            if table == "tasks":
                own = links.get(row["task_id"], [])
                extra_flags = [f for link in own for f in _flags("task_agencies", link)]
                extra = "<p>Agencies:</p>" + "".join(_fields({"role": x["role"], "agency_code": x["agency_code"],
                                                               "as_printed": x["as_printed"],
                                                               "matched_by": x["matched_by"]}) for x in own)
            card = _card(table, row, lines, extra, extra_flags)
            unsure += 'class="row unsure"' in card
            cards.append(card)
        summary.append(f"<tr><td>{escape(title)}</td><td>{len(rows)} row(s)</td><td>{unsure} to check</td></tr>")
        body.append(f"<h2>{escape(title)} ({len(rows)})</h2>" + ("".join(cards) or "<p>None drafted.</p>"))
    warnings = "".join(f'<li class="warn">{escape(w)}</li>' for w in draft.warnings)
    parts.append(f'<table class="summary">{"".join(summary)}</table>')
    if warnings:
        parts.append(f"<h2>Warnings</h2><ul>{warnings}</ul>")
    parts += body
    return (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Review: {escape(plan['plan_id'])}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")


def write_review_page(draft: Draft, out_dir: Path | str) -> Path:
    """Write `out_dir/review.html` for `draft` (its source text is re-read for the lines)."""
    lines = read_plan_lines(draft.source) if draft.source else []
    path = Path(out_dir) / "review.html"
    path.write_text(review_html(draft, lines), encoding="utf-8")
    return path
