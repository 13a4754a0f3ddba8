"""Pieces of the report pages that the notebooks display: headings in Vietnamese with English beside, findings
blocks, tables with bilingual headers. They only show what the findings layer computed; every curated string is
escaped as text."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from sxtd_analysis.formatting import TABLE_ROWS
from sxtd_analysis.tables import html_table

#: Column headers of every table the reports show, Vietnamese first: defined once here.
COLUMN_LABELS: dict[str, str] = {
    "province_name_vi": "Tỉnh (province)", "plan_vi": "Kế hoạch (plan)", "plan_en": "Plan",
    "title_vi": "Tên văn bản (title)", "signer": "Người ký (signer)", "issuing_body": "Cơ quan ban hành (issuer)",
    "label_vi": "Chỉ tiêu", "label_en": "Indicator", "target_year": "Năm (year)", "value": "Mục tiêu tỉnh (target)",
    "national": "Mốc quốc gia (national)", "benchmark_year": "Năm của mốc (milestone)",
    "verdict_label_vi": "Đánh giá", "verdict_label_en": "Verdict", "verdict_note_vi": "Giải thích",
    "verdict_note_en": "Explanation", "scope_note": "Phạm vi (scope)", "reading_note": "Cách đọc (reading)",
    "quote": "Trích dẫn (quote)", "source": "Nguồn (source)", "source_label": "Nguồn (source)",
    "value_as_printed": "Như văn bản (as printed)",
    "position_vi": "Vị trí", "position_en": "Position", "others": "Các tỉnh khác (other provinces)",
    "agency_name_vi": "Cơ quan", "agency_name_en": "Agency", "n_tasks": "Nhiệm vụ (tasks)",
    "n_tasks_as_co_lead": "Đồng chủ trì (co-leads)", "avg_partners_per_task": "Phối hợp bình quân (partners/task)",
    "n_recurring_tasks": "Thường xuyên (recurring)", "title": "Nội dung nhiệm vụ (task)",
    "lead_agency_name_vi": "Chủ trì (lead)", "n_partners": "Phối hợp (partners)", "output": "Sản phẩm (output)",
    "timing_as_printed": "Thời gian (timing)", "section": "Mục (section)", "theme": "Nội dung (theme)",
    "budget_year": "Năm (year)", "n_targets": "Mục tiêu (targets)", "n_plans": "Kế hoạch (plans)",
    "years": "Năm (years)", "scope": "Phạm vi (scope)", "note_vi": "Ghi chú", "note_en": "Note",
    "n_lead_agencies": "Cơ quan chủ trì (lead agencies)", "top_agency": "Chủ trì nhiều nhất (leads most)",
    "top_tasks": "Số nhiệm vụ (its tasks)", "top_share": "Tỷ lệ % (share)", "years_printed": "Có ghi năm (dated)",
    "no_years": "Không ghi năm (undated)", "recurring": "Thường xuyên (recurring)",
    "plan_period": "Giai đoạn kế hoạch (plan period)", "task_years": "Năm của nhiệm vụ (task years)",
    "beyond_period": "Quá giai đoạn (past the period)", "lead_name_vi": "Chủ trì (lead)",
    "partner_name_vi": "Phối hợp (partner)", "provinces": "Tỉnh (provinces)", "leads": "Chủ trì (leads)",
    "partner": "Phối hợp (partner)", "lead_share": "Tỷ lệ chủ trì % (lead share)",
    "partner_kind_vi": "Loại cơ quan phối hợp (partner kind)", "n_links": "Lượt phối hợp (links)",
    "share": "Tỷ lệ % (share)", "headline_vi": "Tóm tắt", "headline_en": "Summary",
    "stricter": "Cao hơn (stricter)", "equal": "Bằng (equal)", "interim": "Bước trung gian (interim)",
    "overlapping": "Chồng lấn (overlapping)", "weaker": "Thấp hơn (weaker)",
    "partial_scope": "Một phần phạm vi (part of scope)", "no_benchmark": "Không có mốc (no benchmark)",
    "amount": "Số tiền (amount)",
}


class Html(str):
    """A piece of HTML that Jupyter (and so papermill and nbconvert) displays as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


def _e(text: Any) -> str:
    return html.escape("" if text is None else str(text))


def bilingual(vi: str, en: str, *, tag: str = "p") -> Html:
    """A paragraph in Vietnamese with its English beside it (smaller)."""
    return Html(f'<{tag} class="sxtd-bilingual" lang="vi">{_e(vi)} <span class="sxtd-en" lang="en">{_e(en)}</span>'
                f"</{tag}>")


def findings_block(findings: Iterable, *, title_vi: str, title_en: str, anchor: str = "findings") -> Html:
    """A section (`id=anchor`) listing findings: each Vietnamese sentence, its English beneath."""
    items = "".join(f'<li class="sxtd-finding sxtd-{_e(f.kind)}"><span lang="vi">{_e(f.vi)}</span>'
                    f'<br><span class="sxtd-en" lang="en">{_e(f.en)}</span></li>' for f in findings)
    return Html(f'<section id="{_e(anchor)}" class="sxtd-findings"><h2>{_e(title_vi)} '
                f'<span class="sxtd-en" lang="en">— {_e(title_en)}</span></h2><ul>{items}</ul></section>')


def table(frame, columns: Sequence[str] | None = None, *, max_rows: int | None = TABLE_ROWS) -> Html:
    """An HTML table of `columns` (default: every column of the frame) with their bilingual headers
    (COLUMN_LABELS)."""
    names = frame.columns if columns is None else columns
    return Html(html_table(frame, {c: COLUMN_LABELS.get(c, c) for c in names}, max_rows=max_rows))


def province_header(report) -> Html:
    """The top of a province's report: its name, its province since the 2025 merger, its plans in one line each."""
    merged = (f'<p class="sxtd-merger">Từ 1/7/2025 thuộc tỉnh {_e(report.successor_name_vi)} '
              f'<span class="sxtd-en" lang="en">Part of {_e(report.successor_name_vi)} since 1 July 2025</span></p>'
              if report.successor_name_vi and report.successor_name_vi != report.name_vi else "")
    plans = "".join(f'<li><span lang="vi">{_e(p["plan_vi"])}</span> <span class="sxtd-en" lang="en">'
                    f'{_e(p["plan_en"])}</span></li>' for p in report.plans.iter_rows(named=True))
    return Html(f'<header class="sxtd-header"><h1>{_e(report.name_vi)}: sản xuất và tiêu dùng bền vững '
                f'<span class="sxtd-en" lang="en">— sustainable consumption and production plans</span></h1>'
                f'{merged}<ul class="sxtd-plans">{plans}</ul></header>')


def details(summary_vi: str, summary_en: str, content: str) -> Html:
    """A section a screen reader opens on demand (a long list of tasks); printed open."""
    return Html(f'<details class="sxtd-details"><summary><span lang="vi">{_e(summary_vi)}</span> '
                f'<span class="sxtd-en" lang="en">— {_e(summary_en)}</span></summary>{content}</details>')


def shown_note(shown: int, total: int, vi: str, en: str) -> Html:
    """Where a chart draws fewer marks than there are rows (national scale): the sentence with how many of how many,
    in both languages; nothing when it draws them all."""
    if shown >= total:
        return Html("")
    return bilingual(f"{vi} ({shown}/{total})", f"{en} ({shown} of {total})", tag="p")
