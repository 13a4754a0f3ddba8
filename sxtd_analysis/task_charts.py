"""Charts (Vega-Lite specifications, see `vega`) of the provinces' plans over time and of who carries out their
tasks: plan periods and target years, tasks per lead agency, the task timeline and the coordination matrix (see
`charts` for the conventions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import polars as pl

from sxtd_analysis import chart_style as cs
from sxtd_analysis import vega as vl
from sxtd_analysis.formatting import (
    as_polars,
    milestone_marks,
    require_columns,
    sources,
    vietnamese_sorted,
)

PROGRAMME_COLOURS: dict[str, str] = {"76/QĐ-TTg": "#9ecae1", "889/QĐ-TTg": "#3182bd"}
YEARS_PRINTED = "năm ghi trong nhiệm vụ (years printed)"
YEARS_FROM_PLAN = "theo giai đoạn kế hoạch (no years printed)"


def plan_timeline_chart(plans: Any, targets: Any = None, *, sort: Sequence[str] | None = None,
                        milestones: Mapping[int, str] | None = None, title: str | None = None
                        ) -> vl.Chart:
    """Each province's plan period as a bar (issue date ▼, vision year dashed), its target years as
    diamonds (sized by the number of targets) and the national milestones as vertical rules.

    Year Y runs from the tick labelled Y to the next: a 2021-2025 plan spans 1 January 2021 to the end of
    2025, an issue date sits where it falls in its year, a target or milestone year is drawn in its middle.
    `milestones` ({year: programme}) defaults to the `national_milestones` table's.

    `plans`: a frame of `load_plans` (or `ProvinceProfile.plans`); `targets`: optional frame with
    `province_name_vi`, `target_year` (and `plan_id`, `label_vi`), e.g. of `api.alignment`.
    """
    p = as_polars(plans)
    require_columns(p, "plan_timeline_chart", ["province_name_vi", "plan_id", "period_start_year", "period_end_year"])
    if "vision_year" not in p.columns:
        p = p.with_columns(vision_year=pl.lit(None, dtype=pl.Int32))
    provinces = cs.province_order(p, sort)
    rank = {name: i for i, name in enumerate(provinces)}
    several = p["province_name_vi"].is_duplicated()
    p = p.with_columns(
        row=pl.when(several).then(pl.col("province_name_vi") + pl.lit(" · ")
                                  + pl.coalesce(cs.text(p, "doc_number", None), pl.col("plan_id")))
        .otherwise(pl.col("province_name_vi")),
        x0=pl.col("period_start_year").cast(pl.Float64), x1=pl.col("period_end_year").cast(pl.Float64) + 1,
        period=pl.when(pl.col("period_start_year") == pl.col("period_end_year"))
        .then(pl.col("period_start_year").cast(pl.String))
        .otherwise(pl.col("period_start_year").cast(pl.String) + pl.lit("–")
                   + pl.col("period_end_year").cast(pl.String)),
        doc_number=cs.text(p, "doc_number", "(không số / unnumbered)"), title_vi=cs.text(p, "title_vi"),
        programme=cs.text(p, "programme"), raw_file=cs.text(p, "raw_file"),
        successor=cs.text(p, "successor_name_vi"),
        vision=cs.text(p, "vision_year", "—"),
        _rank=pl.col("province_name_vi").replace_strict(rank, default=len(rank), return_dtype=pl.Int64),
    )
    issued = p["issued_on"].to_list() if "issued_on" in p.columns else [None] * p.height
    p = p.with_columns(
        issued=pl.Series([d.isoformat() if isinstance(d, date) else (d or "chưa ghi (not printed)")
                          for d in issued], dtype=pl.String),
        issued_x=pl.Series([cs.year_start(d) for d in issued], dtype=pl.Float64))
    rows = list(dict.fromkeys(p.sort(["_rank", "period_start_year"])["row"]))
    y = vl.channel("row:N", sort=rows, scale={"domain": rows}, title=None,
                   axis={"labelLimit": cs.label_limit(220, 120)})
    vision = p.filter(pl.col("vision_year").is_not_null() & (pl.col("vision_year") > pl.col("period_end_year")))
    vision = vision.with_columns(vision_x=pl.col("vision_year").cast(pl.Float64) + 1)
    tips = [vl.tooltip("province_name_vi:N", "Tỉnh (province)"),
            vl.tooltip("doc_number:N", "Số văn bản (number)"),
            vl.tooltip("title_vi:N", "Tên kế hoạch (title)"),
            vl.tooltip("issued:N", "Ngày ban hành (issued)"),
            vl.tooltip("period:N", "Giai đoạn (period)"),
            vl.tooltip("vision:N", "Tầm nhìn (vision)"),
            vl.tooltip("programme:N", "Chương trình quốc gia (programme)"),
            vl.tooltip("successor:N", "Thuộc tỉnh từ 2025 (since 2025)"),
            vl.tooltip("raw_file:N", "Tệp gốc (raw file)")]
    points = _target_years(as_polars(targets), p) if targets is not None else None
    xs = [x for x in p["x0"].to_list() + p["x1"].to_list() + p["issued_x"].to_list()
          + vision["vision_x"].to_list() + ([] if points is None else points["x"].to_list())
          if x is not None]
    lo, hi = (float(int(min(xs))), float(int(max(xs)) + 1)) if xs else (2018.0, 2031.0)
    programmes = [k for k in PROGRAMME_COLOURS if k in set(p["programme"].to_list())]
    programmes += sorted(set(p["programme"].to_list()) - set(programmes))
    plan_rows = vl.records(p)  # one list for the bars and their labels: one dataset, as Altair wrote it
    bars = vl.unit(
        plan_rows, vl.mark("bar", height=16, cornerRadius=3),
        x=vl.channel("x0:Q", axis=cs.year_axis(lo, hi, "Năm (year)"),
                     scale={"domain": [lo, hi], "nice": False, "zero": False}),
        x2={"field": "x1"}, y=y,
        color=vl.channel("programme:N", scale={"domain": programmes,
                                               "range": [PROGRAMME_COLOURS.get(k, "#888888") for k in programmes]},
                         legend=cs.legend("Chương trình quốc gia (national programme)")),
        tooltip=tips)
    labels = vl.unit(plan_rows, vl.mark("text", align="left", baseline="top", dy=11, fontSize=cs.SMALL_FONT,
                                        color="#222222"),
                     x="x0:Q", y=y, text="period:N", tooltip=tips)
    layers: list[dict[str, Any]] = [bars, labels]
    if not vision.is_empty():
        layers.append(vl.unit(vision, vl.mark("rule", strokeDash=[4, 3], color="#3182bd", strokeWidth=2),
                              x="x1:Q", x2={"field": "vision_x"}, y=y, tooltip=tips))
    issued_rows = p.filter(pl.col("issued_x").is_not_null())
    if not issued_rows.is_empty():
        layers.append(vl.unit(issued_rows, vl.mark("point", shape="triangle-down", filled=True, size=90,
                                                   color="#de2d26", yOffset=-12),
                              x="issued_x:Q", y=y, tooltip=tips))
    if points is not None and not points.is_empty():
        layers.append(vl.unit(
            points, vl.mark("point", shape="diamond", filled=True, color="#111111", opacity=0.85),
            x="x:Q", y=y, size=_target_size(points["n_targets"].to_list()),
            tooltip=[vl.tooltip("province_name_vi:N", "Tỉnh (province)"),
                     vl.tooltip("target_year:Q", "Năm mục tiêu (target year)", format="d"),
                     vl.tooltip("n_targets:Q", "Số mục tiêu (targets)"),
                     vl.tooltip("indicators:N", "Chỉ tiêu (indicators)")]))
    marks = dict(milestone_marks() if milestones is None else milestones)
    ms = pl.DataFrame({"year": list(marks), "programme": list(marks.values())},
                      schema={"year": pl.Int64, "programme": pl.String}).with_columns(
        x=pl.col("year") + 0.5).filter((pl.col("x") >= lo) & (pl.col("x") <= hi)).with_columns(
        label=pl.lit("mốc ") + pl.col("year").cast(pl.String) + pl.lit(" · ") + pl.col("programme"))
    if not ms.is_empty():
        mtips = [vl.tooltip("label:N", "Mốc quốc gia (national milestone)")]
        milestone_rows = vl.records(ms)  # the rules and their labels: one dataset
        layers.insert(0, vl.unit(milestone_rows, vl.mark("rule", strokeDash=[2, 2], color="#999999"),
                                 x="x:Q", tooltip=mtips))
        layers.append(vl.unit(milestone_rows, vl.mark("text", baseline="bottom", dy=-2, fontSize=cs.SMALL_FONT,
                                                      color="#555555"),
                              x="x:Q", y=vl.value(0), text="label:N", tooltip=mtips))
    return cs.finish(vl.layer(
        *layers, width="container", height=vl.step(48),
        title=cs.title(title or "Giai đoạn kế hoạch và năm mục tiêu (plan periods and target years)",
                       "Thanh: giai đoạn; ▼ ngày ban hành; ◆ năm mục tiêu; vạch đứt: mốc quốc gia (bar: period; "
                       "▼ issued; ◆ target years; dashed: national milestones)."),
    ))


def _target_size(counts: Sequence[int]) -> dict[str, Any]:
    """Diamonds sized by their number of targets, with a legend of whole numbers that draws for any counts
    (one count for every diamond included: a scale whose domain is one value drew nothing, 'MNaN')."""
    top = max(max(counts, default=1), 2)
    values = sorted({1, (1 + top) // 2, top}) if top > 2 else [1, 2]
    return vl.channel("n_targets:Q", scale={"domain": [0, top], "range": [30, 300], "zero": True},
                      legend=cs.legend("Số mục tiêu (targets)", values=values, format="d", symbolFillColor="#111111",
                                       symbolType="diamond"))


def _target_years(t: pl.DataFrame, plans: pl.DataFrame) -> pl.DataFrame:
    require_columns(t, "the targets of plan_timeline_chart", ["province_name_vi", "target_year"])
    label = cs.text(t, "label_vi", "") if "label_vi" in t.columns else cs.text(t, "indicator_code")
    n = pl.col("n_targets") if "n_targets" in t.columns else pl.lit(1)
    t = t.with_columns(_label=label, _n=n)
    if "plan_id" in t.columns:
        keys = plans.select("plan_id", "row")
        t = t.join(keys, on="plan_id", how="left")
    else:
        keys = plans.group_by("province_name_vi").agg(pl.col("row").first())
        t = t.join(keys, on="province_name_vi", how="left")
    return (t.filter(pl.col("row").is_not_null())
            .group_by(["row", "province_name_vi", "target_year"], maintain_order=True)
            .agg(pl.col("_n").sum().alias("n_targets"),
                 pl.col("_label").unique(maintain_order=True).str.join("; ").alias("indicators"))
            .with_columns(x=pl.col("target_year") + 0.5))


def _per_agency_and_province(a: pl.DataFrame) -> pl.DataFrame:
    """tasks_by_agency rows (one per agency and plan) summed to one per agency and province, where a province
    has several plans: a bar segment per plan would be thousands of marks at national scale."""
    require_columns(a, "agency_task_chart", ["agency_name_vi", "province_name_vi", "n_tasks"])
    if not a.select(pl.struct("agency_name_vi", "province_name_vi").is_duplicated().any()).item():
        return a
    present = set(a.columns)
    sums = [c for c in ("n_tasks", "n_tasks_as_co_lead", "n_partner_links", "n_recurring_tasks") if c in present]
    firsts = [c for c in ("agency_code", "agency_name_en", "agency_kind", "province_slug") if c in present]
    out = a.group_by("agency_name_vi", "province_name_vi", maintain_order=True).agg(
        pl.col(sums).sum(), pl.col(firsts).first(),
        *([pl.col("first_year").min()] if "first_year" in present else []),
        *([pl.col("last_year").max()] if "last_year" in present else []),
        *([pl.col("plan_id").unique(maintain_order=True).alias("_plans")] if "plan_id" in present else []))
    if "_plans" in out.columns:
        out = out.with_columns(plan_id=pl.when(pl.col("_plans").list.len() == 1).then(pl.col("_plans").list.first())
                               .otherwise(pl.col("_plans").list.len().cast(pl.String) + pl.lit(" kế hoạch (plans)"))
                               ).drop("_plans")
    if {"n_partner_links", "n_tasks"} <= present and "avg_partners_per_task" in present:
        out = out.with_columns(avg_partners_per_task=(pl.col("n_partner_links") / pl.col("n_tasks")).round(2))
    return out


def agency_task_chart(df: Any, *, sort: Sequence[str] | None = None, top: int | None = None,
                      title: str | None = None) -> vl.Chart:
    """Tasks per leading agency (frame of `api.tasks_by_agency`), stacked by province, most tasks first."""
    a = _per_agency_and_province(as_polars(df))
    provinces = cs.province_order(a, sort)
    a = a.with_columns(agency_name_en=cs.text(a, "agency_name_en"), plan_id=cs.text(a, "plan_id"),
                       years=cs.text(a, "first_year") + pl.lit("–") + cs.text(a, "last_year"),
                       province_rank=pl.col("province_name_vi").replace_strict(
                           {p: i for i, p in enumerate(provinces)}, default=len(provinces),
                           return_dtype=pl.Int64))
    totals = a.group_by("agency_name_vi").agg(pl.col("n_tasks").sum().alias("total"),
                                              pl.col("agency_name_en").first())
    alphabet = vietnamese_sorted(totals["agency_name_vi"].to_list())
    totals = totals.with_columns(_i=pl.col("agency_name_vi").replace_strict(
        {n: i for i, n in enumerate(alphabet)}, return_dtype=pl.Int64)).sort(["total", "_i"],
                                                                              descending=[True, False])
    if top is not None:
        totals = totals.head(top)
        a = a.filter(pl.col("agency_name_vi").is_in(totals["agency_name_vi"].to_list()))
    agencies = totals["agency_name_vi"].to_list()
    y = vl.channel("agency_name_vi:N", sort=agencies, scale={"domain": agencies}, title=None,
                   axis={"labelLimit": cs.label_limit(300, 150)})
    optional = [("n_tasks_as_co_lead", "Trong đó đồng chủ trì (as co-lead)"),
                ("n_partner_links", "Lượt cơ quan phối hợp (partner links)"),
                ("avg_partners_per_task", "Phối hợp bình quân (partners per task)")]
    bars = vl.unit(
        a, vl.mark("bar"),
        x=vl.channel("sum(n_tasks):Q", title="Số nhiệm vụ chủ trì (tasks led)", axis={"tickMinStep": 1}),
        y=y,
        color=cs.province_colour(provinces, a["province_name_vi"].to_list()),
        order=vl.channel("province_rank:Q"),
        tooltip=[vl.tooltip("agency_name_vi:N", "Cơ quan"),
                 vl.tooltip("agency_name_en:N", "Agency"),
                 vl.tooltip("province_name_vi:N", "Tỉnh (province)"),
                 vl.tooltip("n_tasks:Q", "Số nhiệm vụ chủ trì (tasks led)"),
                 *[vl.tooltip(f"{c}:Q", t) for c, t in optional if c in a.columns],
                 vl.tooltip("years:N", "Năm (years)")])
    totals_text = vl.unit(
        totals, vl.mark("text", align="left", dx=4),
        x="total:Q", y=y, text="total:Q",
        tooltip=[vl.tooltip("agency_name_vi:N", "Cơ quan"), vl.tooltip("agency_name_en:N", "Agency"),
                 vl.tooltip("total:Q", "Tổng (total)")])
    return cs.finish(vl.layer(
        bars, totals_text, width="container", height=vl.step(24),
        title=cs.title(title or "Nhiệm vụ theo cơ quan chủ trì (tasks per lead agency)",
                       "Đồng chủ trì được tính cho mỗi cơ quan (co-leads count for each)."),
    ))


def task_timeline_chart(df: Any, plans: Any = None, *, sort: Sequence[str] | None = None,
                        title: str | None = None, width: int = 640) -> vl.Chart:
    """Gantt chart of tasks, start to end year, one panel per lead agency (most tasks first).

    `df`: a frame of `load_tasks` (or `ProvinceProfile.tasks` with `plans` to give the plan periods). A task
    whose row prints no year is drawn over its plan's period, faded and starred (*), and says so in its tooltip.
    A facet cannot take the container's width in Vega-Lite: `width` is the panels' width where the page is
    unknown, and the page's renderer widens them to the container (`offline.chart_html`, usermeta `fit`).
    """
    t = as_polars(df)
    require_columns(t, "task_timeline_chart", ["task_id", "plan_id", "start_year", "end_year"])
    if "period_start_year" not in t.columns or "raw_file" not in t.columns or "province_name_vi" not in t.columns:
        if plans is None:
            raise ValueError("task_timeline_chart needs the plan periods: pass a frame of load_tasks, "
                             "or plans= (a frame of load_plans)")
        extra = as_polars(plans).select([c for c in ("plan_id", "period_start_year", "period_end_year",
                                                     "raw_file", "province_name_vi")
                                         if c not in t.columns or c == "plan_id"])
        t = t.join(extra, on="plan_id", how="left")
    agency_col = "lead_agency_name_vi" if "lead_agency_name_vi" in t.columns else "lead_agency_code"
    provinces = cs.province_order(t, sort)
    several = len(set(t["province_name_vi"].to_list())) > 1
    printed = pl.col("start_year").is_not_null() | pl.col("end_year").is_not_null()
    t = t.with_columns(
        agency=pl.col(agency_col).fill_null("Không giao cơ quan (no agency named)"),
        agency_en=cs.text(t, "lead_agency_name_en"),
        start=pl.coalesce("start_year", "end_year", "period_start_year"),
        end=pl.coalesce("end_year", "start_year", "period_end_year"),
        years_source=pl.when(printed).then(pl.lit(YEARS_PRINTED)).otherwise(pl.lit(YEARS_FROM_PLAN)),
        source=sources(t), title=cs.text(t, "title"),
        frequency=cs.text(t, "frequency", "—"),
        _rank=pl.col("province_name_vi").replace_strict({p: i for i, p in enumerate(provinces)},
                                                        default=len(provinces), return_dtype=pl.Int64),
        _short=pl.col("task_id").str.split("/").list.last(),
    )
    t = t.with_columns(
        x0=pl.col("start").cast(pl.Float64), x1=pl.col("end").cast(pl.Float64) + 1,
        timing=pl.when(printed).then(cs.text(t, "timing_as_printed", "")).otherwise(
            pl.lit("không ghi năm — theo giai đoạn kế hoạch ") + pl.col("start").cast(pl.String) + pl.lit("–")
            + pl.col("end").cast(pl.String) + pl.lit(" (no years printed: plan period)")),
        label=((pl.col("province_name_vi") + pl.lit(" · ") + pl.col("_short")) if several else pl.col("_short"))
        + pl.when(printed).then(pl.lit("")).otherwise(pl.lit(" *")),
    )
    t = t.filter(pl.col("start").is_not_null())
    t, title_tips = cs.with_long_text(t, "title", "Nhiệm vụ (task, as printed)")
    rows = list(dict.fromkeys(t.sort(["_rank", "start", "task_id"])["label"]))
    lo, hi = (t["x0"].min(), t["x1"].max()) if t.height else (2019.0, 2031.0)
    counts = t.group_by("agency").len()
    alphabet = vietnamese_sorted(counts["agency"].to_list())
    agencies = [r[0] for r in sorted(counts.iter_rows(), key=lambda r: (-r[1], alphabet.index(r[0])))]
    panel = vl.unit(
        t.drop("_rank"), vl.mark("rect", stroke="#444444", strokeWidth=0.6),
        x=vl.channel("x0:Q", axis=cs.year_axis(lo, hi), scale={"domain": [lo, hi], "nice": False, "zero": False}),
        x2={"field": "x1"},
        y=vl.channel("label:N", sort=rows, title=None, axis={"labelFontSize": cs.SMALL_FONT, "labelLimit": 160}),
        color=cs.province_colour(provinces, t["province_name_vi"].to_list()),
        opacity=vl.channel("years_source:O", scale={"domain": [YEARS_PRINTED, YEARS_FROM_PLAN], "range": [0.9, 0.3]},
                           legend=cs.legend("Thời gian (timing)", direction="vertical")),
        tooltip=[vl.tooltip("_short:N", "Số thứ tự (row as printed)"),
                 *title_tips,
                 vl.tooltip("agency:N", "Cơ quan chủ trì"),
                 vl.tooltip("agency_en:N", "Lead agency"),
                 vl.tooltip("province_name_vi:N", "Tỉnh (province)"),
                 vl.tooltip("timing:N", "Thời gian (timing as printed)"),
                 vl.tooltip("frequency:N", "Tần suất (frequency)"),
                 vl.tooltip("source:N", "Nguồn (source)")],
        properties={"width": width, "height": vl.step(17)})
    chart = vl.facet(
        panel,
        row=vl.channel("agency:N", sort=agencies, title=None,
                       header={"labelAngle": 0, "labelAlign": "left", "labelAnchor": "start", "labelOrient": "top",
                               "labelFontWeight": "bold", "labelLimit": 600}),
        spacing=16, resolve={"scale": {"y": "independent"}},
        title=cs.title(title or "Tiến độ nhiệm vụ theo cơ quan chủ trì (task timeline by lead agency)",
                       "Nhạt, dấu *: nhiệm vụ không ghi năm, vẽ theo giai đoạn kế hoạch (faded, *: no years "
                       "printed, drawn over the plan period)."),
    )
    return cs.finish(chart, fit=110)


def agency_network_chart(edges: Any, *, top: int | None = None, title: str | None = None) -> vl.Chart:
    """Coordination matrix: lead agency (rows) x partner agency (columns), cell = tasks they share
    (frame of `load_agency_links`)."""
    e = as_polars(edges)
    require_columns(e, "agency_network_chart", ["lead_name_vi", "partner_name_vi", "n_tasks"])
    e = e.with_columns(lead_name_en=cs.text(e, "lead_name_en"), partner_name_en=cs.text(e, "partner_name_en"),
                       provinces=cs.text(e, "provinces"))

    def order(column: str) -> list[str]:
        sums = e.group_by(column).agg(pl.col("n_tasks").sum())
        alphabet = vietnamese_sorted(sums[column].to_list())
        ranked = sorted(sums.iter_rows(), key=lambda r: (-r[1], alphabet.index(r[0])))
        return [r[0] for r in ranked][: top or None]

    leads, partners = order("lead_name_vi"), order("partner_name_vi")
    e = e.filter(pl.col("lead_name_vi").is_in(leads) & pl.col("partner_name_vi").is_in(partners))
    rows = vl.records(e)  # both layers draw the same rows: one dataset, at the top
    base = {
        "x": vl.channel("partner_name_vi:N", sort=partners, title="Cơ quan phối hợp (partner)",
                        axis={"orient": "top", "labelAngle": -40, "labelLimit": 200}),
        "y": vl.channel("lead_name_vi:N", sort=leads, title="Cơ quan chủ trì (lead)", axis={"labelLimit": 260}),
        "tooltip": [vl.tooltip("lead_name_vi:N", "Chủ trì"), vl.tooltip("lead_name_en:N", "Lead"),
                    vl.tooltip("partner_name_vi:N", "Phối hợp"),
                    vl.tooltip("partner_name_en:N", "Partner"),
                    vl.tooltip("n_tasks:Q", "Số nhiệm vụ chung (tasks)"),
                    vl.tooltip("provinces:N", "Tỉnh (provinces)")]}
    rect = vl.unit(rows, vl.mark("rect", stroke="white", strokeWidth=1), **base,
                   color=vl.channel("n_tasks:Q", scale={"scheme": "oranges"}, legend=cs.legend("Số nhiệm vụ (tasks)")))
    cut = max(e["n_tasks"].max() or 0, 1) * 0.6
    text = vl.unit(rows, vl.mark("text", fontSize=cs.SMALL_FONT), **base, text="n_tasks:Q",
                   color=vl.when((f"datum.n_tasks > {cut}", vl.value("white")), otherwise=vl.value("#222222")))
    return cs.finish(vl.layer(
        rect, text, width=vl.step(24), height=vl.step(20),
        title=cs.title(title or "Mạng lưới phối hợp: chủ trì → phối hợp (coordination: lead → partner)",
                       "Ô: số nhiệm vụ mà cơ quan chủ trì giao cho cơ quan phối hợp (cell: tasks shared)."),
    ), min_width=0)
