"""Findings about tasks and agencies: who leads what, with whom and when, from the frames of `queries.load_tasks`,
`queries.tasks_by_agency`, `queries.load_agency_links` and `queries.load_agency_tasks`; frames and bilingual
sentences, tested on hand-built frames (tests/test_findings.py)."""

from __future__ import annotations

import polars as pl

from sxtd_analysis.findings import Finding, _in_order, _n
from sxtd_analysis.formatting import LISTED, listed

#: Agency kinds that name a collective body rather than one agency (schema.AGENCY_KINDS).
COLLECTIVE_KINDS = ("group", "district_committee", "non_state")
#: What each kind of agency (schema.AGENCY_KINDS) is called on a page, Vietnamese first.
KIND_LABELS = {
    "province_department": "Sở (provincial department)",
    "province_board": "Ban, văn phòng của tỉnh (provincial board)",
    "province_media": "Đài, báo (provincial media)",
    "province_body": "UBND tỉnh, Mặt trận, hội (provincial body)",
    "district_committee": "UBND cấp huyện (district committees)",
    "group": "Các sở, ngành nói chung (departments in general)",
    "non_state": "Doanh nghiệp, tổ chức (enterprises, organisations)",
    "national": "Bộ, ngành trung ương (national ministries)",
}


def _span(start: int | None, end: int | None) -> str:
    return "—" if start is None else str(start) if start == end else f"{start}–{end}"


def lead_summary(tasks: pl.DataFrame, by_agency: pl.DataFrame) -> pl.DataFrame:
    """Per province (Vietnamese order): tasks, distinct lead agencies, the agency leading the most, its tasks and
    its share of the province's tasks (%, rounded)."""
    per_province = tasks.group_by("province_name_vi").agg(n_tasks=pl.len())
    per_agency = by_agency.group_by("province_name_vi", "agency_code", "agency_name_vi").agg(pl.col("n_tasks").sum())
    top = (per_agency.sort(["n_tasks", "agency_name_vi"], descending=[True, False])
           .group_by("province_name_vi", maintain_order=True)
           .agg(n_lead_agencies=pl.col("agency_code").n_unique(), top_agency=pl.col("agency_name_vi").first(),
                top_tasks=pl.col("n_tasks").first()))
    return _in_order(per_province.join(top, on="province_name_vi", how="left").with_columns(
        top_share=(100 * pl.col("top_tasks") / pl.col("n_tasks")).round(0)))


def agencies_in_every_province(tasks: pl.DataFrame, by_agency: pl.DataFrame) -> pl.DataFrame:
    """Agencies that lead tasks in every province with tasks, with their total, most tasks first."""
    n_provinces = tasks["province_slug"].n_unique()
    return (by_agency.group_by("agency_code", "agency_name_vi", "agency_name_en")
            .agg(n_provinces=pl.col("province_slug").n_unique(), n_tasks=pl.col("n_tasks").sum())
            .filter(pl.col("n_provinces") == n_provinces)
            .sort(["n_tasks", "agency_code"], descending=[True, False]))


def partner_kinds(links: pl.DataFrame) -> pl.DataFrame:
    """Lead→partner links by the partner's kind of agency: links and share (%, rounded), most first."""
    kinds = links.group_by("partner_kind").agg(n_links=pl.col("n_tasks").sum())
    return (kinds.with_columns(share=(100 * pl.col("n_links") / pl.col("n_links").sum()).round(0),
                               partner_kind_vi=pl.col("partner_kind").replace_strict(KIND_LABELS, default=None))
            .sort(["n_links", "partner_kind"], descending=[True, False]))


def task_timing(tasks: pl.DataFrame) -> pl.DataFrame:
    """Per province: tasks, with years printed, without, recurring, the plans' period, the years the tasks span
    and how many run past their plan's period."""
    timing = (tasks.group_by("province_name_vi")
              .agg(n_tasks=pl.len(), years_printed=pl.col("years_printed").sum(),
                   no_years=(~pl.col("years_printed")).sum(), recurring=pl.col("frequency").is_not_null().sum(),
                   period_start=pl.col("period_start_year").min(), period_end=pl.col("period_end_year").max(),
                   task_start=pl.col("start_year_effective").min(), task_end=pl.col("end_year_effective").max(),
                   beyond_period=(pl.col("end_year_effective") > pl.col("period_end_year")).sum()))
    return _in_order(timing.with_columns(
        plan_period=pl.struct("period_start", "period_end").map_elements(
            lambda s: _span(s["period_start"], s["period_end"]), return_dtype=pl.String),
        task_years=pl.struct("task_start", "task_end").map_elements(
            lambda s: _span(s["task_start"], s["task_end"]), return_dtype=pl.String)))


def agency_share(tasks: pl.DataFrame, agency_tasks: pl.DataFrame) -> pl.DataFrame:
    """Per province: the plan's tasks, how many one agency leads and joins as a partner, and its lead share (%)."""
    roles = agency_tasks.group_by("province_name_vi").agg(leads=(pl.col("role") == "lead").sum(),
                                                          partner=(pl.col("role") == "partner").sum())
    return _in_order(tasks.group_by("province_name_vi").agg(n_tasks=pl.len())
                     .join(roles, on="province_name_vi", how="left").fill_null(0)
                     .with_columns(lead_share=(100 * pl.col("leads") / pl.col("n_tasks")).round(0)))


def led_by_province(agency_tasks: pl.DataFrame, provinces: list[str]) -> list[tuple[str, pl.DataFrame]]:
    """For each province (in the order given), the tasks an agency leads there (rows of load_agency_tasks)."""
    led = agency_tasks.filter(pl.col("role") == "lead")
    return [(name, led.filter(pl.col("province_name_vi") == name)) for name in provinces]


def task_findings(tasks: pl.DataFrame, by_agency: pl.DataFrame, links: pl.DataFrame) -> list[Finding]:
    """The key findings about tasks across provinces: how many, who leads most, the busiest coordination link and
    how often partners are collective bodies, tasks without years, tasks past their plan's period."""
    if tasks.is_empty():
        return [Finding("tasks", "Không có nhiệm vụ nào trong cơ sở dữ liệu.", "There are no tasks in the database.")]
    overall = (by_agency.group_by("agency_code", "agency_name_vi", "agency_name_en")
               .agg(n_tasks=pl.col("n_tasks").sum(), n_provinces=pl.col("province_slug").n_unique())
               .sort(["n_tasks", "agency_code"], descending=[True, False]))
    n_plans, n_leads = tasks["plan_id"].n_unique(), by_agency["agency_code"].n_unique()
    out = [Finding("tasks", f"{tasks.height} nhiệm vụ trong {n_plans} kế hoạch, do {n_leads} cơ quan chủ trì.",
                   f"{_n(tasks.height, 'task')} in {_n(n_plans, 'plan')}, led by {_n(n_leads, 'agency', 'agencies')}.")]
    if overall.height:
        top = overall.row(0, named=True)
        out.append(Finding("tasks", f"{top['agency_name_vi']} chủ trì nhiều nhất: {top['n_tasks']} nhiệm vụ ở "
                           f"{top['n_provinces']} tỉnh.", f"{top['agency_name_en']} leads the most: "
                           f"{_n(top['n_tasks'], 'task')} in {_n(top['n_provinces'], 'province')}."))
    if links.height:
        edge = links.row(0, named=True)
        kinds = partner_kinds(links)
        collective = int(kinds.filter(pl.col("partner_kind").is_in(COLLECTIVE_KINDS))["n_links"].sum())
        share = round(100 * collective / kinds["n_links"].sum())
        out.append(Finding("tasks", f"Cặp phối hợp thường gặp nhất là {edge['lead_name_vi']} → "
                           f"{edge['partner_name_vi']} ({edge['n_tasks']} nhiệm vụ); {share}% lượt phối hợp giao "
                           "cho một tập thể chung (các sở, ngành nói chung, UBND cấp huyện, doanh nghiệp) "
                           "thay vì một cơ quan cụ thể.",
                           f"The busiest coordination link is {edge['lead_name_en']} → {edge['partner_name_en']} "
                           f"({_n(edge['n_tasks'], 'task')}); {share}% of lead→partner links name a collective body "
                           "(departments in general, district committees, enterprises) rather than one agency."))
    timing = task_timing(tasks)
    undated = [f"{r['province_name_vi']} {r['no_years']}" for r in timing.iter_rows(named=True) if r["no_years"]]
    if undated:
        n = int(timing["no_years"].sum())
        out.append(Finding("caveat", f"{n} nhiệm vụ không ghi năm và được vẽ theo giai đoạn của kế hoạch: "
                           f"{listed(undated, sep='; ', lang='vi')}.",
                           f"{_n(n, 'task')} print no year and are drawn over their plan's period: "
                           f"{listed(undated, sep='; ')}."))
    beyond = [r for r in timing.iter_rows(named=True) if r["beyond_period"]]
    if beyond:
        vi = listed([f"{r['province_name_vi']} {r['beyond_period']} (kế hoạch {r['plan_period']}, nhiệm vụ "
                     f"{r['task_years']})" for r in beyond], sep="; ", limit=LISTED, lang="vi")
        en = listed([f"{r['province_name_vi']} {r['beyond_period']} (plan {r['plan_period']}, tasks "
                     f"{r['task_years']})" for r in beyond], sep="; ", limit=LISTED)
        out.append(Finding("caveat", f"Nhiệm vụ kéo dài quá giai đoạn của kế hoạch: {vi}.",
                           f"Tasks running past their plan's period: {en}."))
    return out
