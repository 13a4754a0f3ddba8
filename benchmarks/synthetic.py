"""Synthetic curated corpus for the benchmarks: N plans written as the curated CSV tables of data/curated/.

    .venv/bin/python benchmarks/synthetic.py --plans 1000 --out benchmarks/out/corpus/plans-1000

Deterministic (one seed gives byte-identical files). The reference tables (indicators, national_targets,
agencies, agency_aliases) are copied from data/curated/; provinces are the real ones plus synthetic ones
(slugs `gl-...`, "giả lập") up to the 63 provinces of before 2025. Each plan gets about 30 targets,
50 tasks with 3-4 agencies each, 4 qualitative objectives and one budget, with realistic text lengths
(the real tables average ~370 bytes a target, ~410 a task). Every file passes `validation.check_frames` and the
Great Expectations rules, but quotes stand in no raw text: build with `skip_provenance=True`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
REAL_CURATED = ROOT / "data" / "curated"
#: copied unchanged from the real curated data
REFERENCE_TABLES = ("current_provinces", "indicators", "national_targets", "national_milestones", "verdicts",
                    "agencies", "agency_aliases")
N_PROVINCES = 63  # provinces before the 2025 merger
# 3: the targets' is_partial_scope, comparator_as_printed, reading_note; the milestones and verdicts codebooks;
# plan_registry, reported_targets and current_provinces
GENERATOR_VERSION = "3"

_FIRST = ("An", "Bắc", "Bình", "Cẩm", "Đông", "Đức", "Hải", "Hòa", "Hưng", "Kim", "Lạc", "Long", "Minh",
          "Nam", "Phú", "Phước", "Quang", "Tân", "Thạnh", "Vĩnh")
_SECOND = ("Sơn", "Thủy", "Lâm", "Điền", "Hà")
_FREQUENCIES = ("Hàng năm", "Thường xuyên", "Thường xuyên hoặc khi có yêu cầu", "Khi có yêu cầu")
_OUTPUTS = ("Mô hình được triển khai", "Lớp tập huấn", "Các tin, bài, phóng sự", "Báo cáo", "Tài liệu; Quy trình")
_FUNDING = ("Ngân sách nhà nước và các nguồn vốn hợp pháp khác", "Ngân sách tỉnh", "Nguồn xã hội hóa")
_SECTIONS = ("I. NÂNG CAO NHẬN THỨC VỀ SẢN XUẤT VÀ TIÊU DÙNG BỀN VỮNG",
             "II. THÚC ĐẨY SẢN XUẤT VÀ CHUYỂN DỊCH CƠ CẤU KINH TẾ THEO HƯỚNG BỀN VỮNG",
             "III. PHÁT TRIỂN HỆ THỐNG PHÂN PHỐI VÀ CHUỖI CUNG ỨNG CÁC SẢN PHẨM THÂN THIỆN VỚI MÔI TRƯỜNG",
             "IV. GIẢM THIỂU, TÁI CHẾ, TÁI SỬ DỤNG CHẤT THẢI",
             "V. TỔ CHỨC THỰC HIỆN")
_VERBS = ("Tổ chức tuyên truyền, phổ biến", "Xây dựng và nhân rộng", "Hỗ trợ doanh nghiệp áp dụng",
          "Rà soát, đánh giá và đề xuất", "Tập huấn, bồi dưỡng nâng cao năng lực",
          "Kiểm tra, giám sát việc thực hiện", "Lồng ghép nội dung", "Khuyến khích các cơ sở sản xuất thực hiện")
_OBJECTS = ("sản xuất sạch hơn, sử dụng năng lượng tiết kiệm và hiệu quả trong các cơ sở công nghiệp",
            "mô hình kinh tế tuần hoàn, sản xuất và tiêu dùng bền vững trên địa bàn tỉnh",
            "bao bì thân thiện với môi trường tại các siêu thị, trung tâm thương mại và chợ truyền thống",
            "giảm thiểu, tái chế, tái sử dụng chất thải rắn sinh hoạt và chất thải nhựa",
            "chuỗi cung ứng sản phẩm, dịch vụ thân thiện với môi trường, nhãn sinh thái",
            "mua sắm công xanh và tiêu dùng các sản phẩm tiết kiệm năng lượng",
            "đổi mới công nghệ theo hướng công nghệ sạch tại các khu, cụm công nghiệp")
_DETAILS = ("Định kỳ hằng năm tổng hợp, báo cáo Ủy ban nhân dân tỉnh kết quả thực hiện.",
            "Phối hợp với các cơ quan báo chí, đài phát thanh và truyền hình để đưa tin.",
            "Ưu tiên các doanh nghiệp trong các ngành dệt may, thép, nhựa, hóa chất, xi măng.")
_SCOPES = ("Industrial parks and clusters only.", "Supermarkets and shopping centres.",
           "Traditional markets in the province.", "Craft villages only (industrial parks have their own target).")
_SECTORS = ("textiles;steel;plastics", "chemicals;cement", "beverages;paper", "textiles;chemicals;cement")
_THEMES = ("Disseminate the programme widely to change awareness and action towards SCP.",
           "Implement the programme's goals: efficient use of resources, green jobs, sustainable lifestyles.",
           "Promote the circular economy and green public procurement.",
           "Build sustainable supply chains and eco-labelled products.")


def _pick(rng: np.random.Generator, choices, n: int, p=None) -> pl.Series:
    return pl.Series(list(choices), dtype=pl.Utf8).gather(rng.choice(len(choices), size=n, p=p))


def _spread(rng: np.random.Generator, n_plans: int, mean: float) -> tuple[np.ndarray, np.ndarray]:
    """(plan index of each row, 1-based sequence number within its plan): about `mean` rows a plan, >= 1."""
    counts = np.maximum(1, rng.poisson(mean, size=n_plans))
    plan = np.repeat(np.arange(n_plans), counts)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return plan, np.arange(len(plan)) - starts + 1


def _lines(rng: np.random.Generator, seq: np.ndarray, base: int, step: int, span: int) -> tuple[np.ndarray, ...]:
    start = base + (seq - 1) * step + rng.integers(0, step, size=len(seq))
    return start, start + rng.integers(0, span, size=len(seq))


def _provinces(real: pl.DataFrame) -> pl.DataFrame:
    from sxtd_analysis.text import slugify, strip_diacritics

    names = [f"{a} {b}" for a in _FIRST for b in _SECOND][: max(0, N_PROVINCES - real.height)]
    rows = []
    for i, name in enumerate(names):
        head = names[i - i % 3]  # merged three by three, as in 2025
        rows.append({
            "province_slug": "gl-" + slugify(name), "name_vi": name, "name_ascii": strip_diacritics(name),
            "division_type": "tỉnh", "gso_code": f"S{i + 1:02d}", "successor_slug": "gl-" + slugify(head),
            "successor_name_vi": head, "successor_gso_code": f"N{i // 3 + 1:02d}",
            "is_merged": "true" if i // 3 < len(names) // 3 else "false",
        })
    return pl.concat([real, pl.DataFrame(rows, schema=real.schema)]).sort("province_slug")


def _plans(rng: np.random.Generator, n_plans: int, slugs: list[str]) -> pl.DataFrame:
    province = pl.Series(slugs, dtype=pl.Utf8).gather(np.arange(n_plans) % len(slugs))
    issued_year = rng.integers(2016, 2029, size=n_plans)  # 2016..2028
    start = np.where(issued_year < 2020, issued_year + 1, issued_year + rng.integers(0, 2, size=n_plans))
    start = np.minimum(start, 2030)
    end = np.where(start <= 2020, 2020, np.minimum(2030, start + rng.integers(0, 5, size=n_plans)))
    month, day = rng.integers(1, 13, size=n_plans), rng.integers(1, 29, size=n_plans)
    number = rng.integers(1, 3000, size=n_plans)
    doc_type = np.where(rng.random(n_plans) < 0.7, "ke_hoach", "quyet_dinh")
    seq = np.arange(1, n_plans + 1)
    frame = pl.DataFrame({
        "province_slug": province, "doc_type": doc_type, "number": number,
        "seq": seq, "issued_year": issued_year, "start": start, "end": end, "month": month, "day": day,
        "vision": np.where(rng.random(n_plans) < 0.3, 2030, 0),
        "has_number": rng.random(n_plans) < 0.9, "has_date": rng.random(n_plans) < 0.85,
    })
    short = pl.when(pl.col("doc_type") == "ke_hoach").then(pl.lit("kh")).otherwise(pl.lit("qd"))
    printed = pl.when(pl.col("doc_type") == "ke_hoach").then(pl.lit("KH-UBND")).otherwise(pl.lit("QĐ-UBND"))
    plan_id = pl.format("{}_{}-{}-{}", "province_slug", short, pl.col("seq").cast(pl.Utf8).str.zfill(5),
                        "issued_year")
    return frame.select(
        plan_id.alias("plan_id"),
        "province_slug", "doc_type",
        pl.when("has_number").then(pl.format("{}/{}", "number", printed)).alias("doc_number"),
        pl.format("Kế hoạch Thực hiện Chương trình hành động quốc gia về sản xuất và tiêu dùng bền vững giai đoạn "
                  "{}-{} trên địa bàn tỉnh (giả lập {})", "start", "end", "seq").alias("title_vi"),
        pl.when("has_date").then(pl.date("issued_year", "month", "day")).alias("issued_on"),
        pl.col("start").alias("period_start_year"), pl.col("end").alias("period_end_year"),
        pl.when(pl.col("vision") > 0).then(pl.max_horizontal("vision", "end")).alias("vision_year"),
        pl.when(pl.col("start") <= 2020).then(pl.lit("76/QĐ-TTg")).otherwise(pl.lit("889/QĐ-TTg"))
        .alias("programme"),
        pl.lit(None, dtype=pl.Utf8).alias("implements_plan"),
        pl.lit("Ủy ban nhân dân tỉnh").alias("issuing_body"),
        pl.lit("Nguyễn Văn A").alias("signer"),
        (plan_id + ".txt").alias("raw_file"),
    ).sort("plan_id")


def _registry(plans: pl.DataFrame, real: pl.DataFrame, reported: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The plan registry: one entry per synthetic plan, plus the real plans known without their text (and the
    targets reported for those)."""
    known = real.filter(pl.col("plan_id").is_null() | (pl.col("plan_id") == ""))
    own = plans.select(
        pl.col("plan_id").alias("registry_id"), "province_slug", "doc_type", "doc_number", "title_vi",
        pl.col("issued_on").dt.to_string("%Y-%m-%d"), pl.col("period_start_year").cast(pl.Utf8),
        pl.col("period_end_year").cast(pl.Utf8), "programme", pl.lit(None, dtype=pl.Utf8).alias("implements"),
        pl.lit(None, dtype=pl.Utf8).alias("source_url"), ("data/raw/" + pl.col("raw_file")).alias("source_title"),
        pl.lit(None, dtype=pl.Utf8).alias("source_kind"),
        pl.when(pl.col("issued_on").is_null()).then(pl.format("{}-01-01", "period_start_year"))
        .alias("source_published_on"),
        pl.lit("Synthetic plan of the benchmarks.").alias("source_shows"),
        pl.lit("2026-01-01").alias("verified_on"), "plan_id",
    )
    registry = pl.concat([known, own.select(known.columns)]).sort("registry_id")
    return registry, reported.filter(pl.col("registry_id").is_in(registry["registry_id"].implode()))


def _targets(rng: np.random.Generator, plans: pl.DataFrame, indicators: pl.DataFrame, mean: float) -> pl.DataFrame:
    plan, seq = _spread(rng, plans.height, mean)
    n = len(plan)
    ind = rng.integers(0, indicators.height, size=n)
    unit = indicators["unit"].to_numpy()[ind]
    start = plans["period_start_year"].to_numpy()[plan]
    end = plans["period_end_year"].to_numpy()[plan]
    year = start + (rng.random(n) * (end - start + 1)).astype(int)
    comparator = np.asarray(("eq", "eq", "eq", "range", "at_least", "approx", "at_most"))[rng.integers(0, 7, n)]
    pct = unit == "percent"
    low = np.where(pct, rng.integers(5, 19, n) * 5, rng.integers(1, 40, n)).astype(float)
    width = np.where(pct, rng.integers(1, 4, n) * 5, rng.integers(1, 10, n))
    high = np.where(comparator == "range", np.minimum(low + width, np.where(pct, 100, 10_000)), low)
    low = np.where((comparator == "range") & (high == low), low - 5, low)
    suffix = np.where(pct, "%", " mô hình")
    lo_s, hi_s = low.astype(int).astype(str).astype(object), high.astype(int).astype(str).astype(object)
    printed = np.select(
        [comparator == "range", comparator == "at_least", comparator == "approx", comparator == "at_most"],
        ["từ " + lo_s + " đến " + hi_s + suffix, "ít nhất " + lo_s + suffix, "khoảng " + lo_s + suffix,
         "không quá " + lo_s + suffix], default=lo_s + suffix)
    line_start, line_end = _lines(rng, seq, 40, 3, 3)
    frame = pl.DataFrame({
        "plan_id": plans["plan_id"].gather(plan), "seq": seq,
        "indicator_code": indicators["indicator_code"].gather(ind), "label_vi": indicators["label_vi"].gather(ind),
        "scope_note": _pick(rng, (*_SCOPES, None, None, None), n),
        "sectors": _pick(rng, (*_SECTORS, *[None] * 12), n),
        "value_low": low, "value_high": high, "comparator": pl.Series(comparator, dtype=pl.Utf8),
        "unit": pl.Series(unit, dtype=pl.Utf8),
        "value_as_printed": pl.Series(printed, dtype=pl.Utf8), "target_year": year,
        "verb": _pick(rng, _VERBS, n), "object": _pick(rng, _OBJECTS, n),
        "line_start": line_start, "line_end": line_end,
        # one target in twenty covers part of its national indicator's scope
        "is_partial_scope": pl.Series([True if r < 0.05 else None for r in rng.random(n)], dtype=pl.Boolean),
    })
    return frame.select(
        pl.format("{}/t{}", "plan_id", pl.col("seq").cast(pl.Utf8).str.zfill(2)).alias("target_id"),
        "plan_id", "indicator_code", "scope_note", "sectors", "value_low", "value_high", "comparator", "unit",
        "value_as_printed", "target_year",
        pl.format("Đến năm {}, {} đạt {}; {} {}.", "target_year", pl.col("label_vi").str.to_lowercase(),
                  "value_as_printed", "verb", "object").alias("quote"),
        "line_start", "line_end", "is_partial_scope",
        pl.lit(None, dtype=pl.Utf8).alias("comparator_as_printed"), pl.lit(None, dtype=pl.Utf8).alias("reading_note"),
    ).sort("plan_id", "target_id")


def _tasks(rng: np.random.Generator, plans: pl.DataFrame, agencies: pl.DataFrame, mean: float
           ) -> tuple[pl.DataFrame, pl.DataFrame]:
    plan, seq = _spread(rng, plans.height, mean)
    n = len(plan)
    n_agencies = agencies.height
    # distinct agencies per task: lead first, then a possible co-lead and 2-3 partners
    picks = np.empty((n, 5), dtype=np.int64)
    for lo in range(0, n, 200_000):
        hi = min(n, lo + 200_000)
        picks[lo:hi] = np.argsort(rng.random((hi - lo, n_agencies)), axis=1)[:, :5]
    start = plans["period_start_year"].to_numpy()[plan]
    end = plans["period_end_year"].to_numpy()[plan]
    task_start = start + (rng.random(n) * (end - start + 1)).astype(int)
    has_years = rng.random(n) < 0.8
    section = rng.integers(0, len(_SECTIONS), size=n)
    codes = agencies["agency_code"]
    frame = pl.DataFrame({
        "plan_id": plans["plan_id"].gather(plan), "seq": seq,
        "section": pl.Series(_SECTIONS).gather(section),
        "roman": pl.Series(("I", "II", "III", "IV", "V")).gather(section),
        "verb": _pick(rng, _VERBS, n), "object": _pick(rng, _OBJECTS, n),
        "details": _pick(rng, (*_DETAILS, None, None, None), n),
        "lead_agency_code": codes.gather(picks[:, 0]),
        "output": _pick(rng, (*_OUTPUTS, *[None] * 5), n),
        "start_year": np.where(has_years, task_start, 0), "end_year": np.where(has_years, end, 0),
        "frequency": _pick(rng, (*_FREQUENCIES, *[None] * 4), n),
        "funding_as_printed": _pick(rng, (*_FUNDING, *[None] * 12), n),
        "line_start": _lines(rng, seq, 200, 6, 6)[0],
    })
    frame = frame.with_columns(line_end=pl.col("line_start") + 2)
    years = pl.col("start_year") > 0
    tasks = frame.select(
        pl.format("{}/{}-{}", "plan_id", "roman", pl.col("seq").cast(pl.Utf8).str.zfill(3)).alias("task_id"),
        "plan_id", pl.lit("assignment").alias("task_kind"), "section",
        pl.lit(False).alias("is_section_inferred"), pl.col("seq").cast(pl.Utf8).alias("number_as_printed"),
        pl.format("{} {} trong các ngành, lĩnh vực trên địa bàn tỉnh", "verb", "object").alias("title"),
        "details", "lead_agency_code", "output",
        pl.when(years).then("start_year").alias("start_year"), pl.when(years).then("end_year").alias("end_year"),
        pl.lit(False).alias("is_start_year_inferred"), pl.lit(False).alias("is_end_year_inferred"),
        "frequency",
        pl.when(years).then(pl.format("{}-{}", "start_year", "end_year")).otherwise(pl.lit("Thường xuyên"))
        .alias("timing_as_printed"),
        "funding_as_printed", pl.lit(None, dtype=pl.Utf8).alias("curation_note"), "line_start", "line_end",
    )
    # task_agencies: lead, 10% a co-lead, then 2 or 3 partners
    task_ids = tasks["task_id"]
    co_lead = rng.random(n) < 0.1
    n_partners = rng.integers(2, 4, size=n)
    index = np.arange(n)
    rows_task, rows_agency, rows_lead = [index, index[co_lead]], [picks[:, 0], picks[co_lead, 1]], [n + co_lead.sum()]
    for k in range(3):
        keep = n_partners > k
        rows_task.append(index[keep])
        rows_agency.append(picks[keep, 2 + k])
    task, agency = np.concatenate(rows_task), np.concatenate(rows_agency)
    role = np.where(np.arange(len(task)) < rows_lead[0], 1, 0)
    task_agencies = pl.DataFrame({
        "task_id": task_ids.gather(task), "agency_code": codes.gather(agency),
        "role": pl.Series(("partner", "lead")).gather(role), "as_printed": agencies["name_vi"].gather(agency),
    }).sort("task_id", "role", "agency_code")
    return tasks.sort("plan_id", "task_id"), task_agencies


def _qualitative(rng: np.random.Generator, plans: pl.DataFrame, mean: float) -> pl.DataFrame:
    plan, seq = _spread(rng, plans.height, mean)
    n = len(plan)
    line_start, line_end = _lines(rng, seq, 20, 4, 4)
    frame = pl.DataFrame({
        "plan_id": plans["plan_id"].gather(plan), "seq": seq,
        "theme": _pick(rng, _THEMES, n), "target_year": plans["period_end_year"].to_numpy()[plan],
        "verb": _pick(rng, _VERBS, n), "object": _pick(rng, _OBJECTS, n),
        "line_start": line_start, "line_end": line_end,
        # one target in twenty covers part of its national indicator's scope
        "is_partial_scope": pl.Series([True if r < 0.05 else None for r in rng.random(n)], dtype=pl.Boolean),
    })
    return frame.select(
        pl.format("{}/q{}", "plan_id", pl.col("seq").cast(pl.Utf8).str.zfill(2)).alias("objective_id"),
        "plan_id", "theme", "target_year",
        pl.format("{} nội dung Chương trình nhằm {}, tạo chuyển biến trong nhận thức và hành động.", "verb",
                  "object").alias("quote"),
        "line_start", "line_end",
    ).sort("plan_id", "objective_id")


def _budgets(rng: np.random.Generator, plans: pl.DataFrame) -> pl.DataFrame:
    n = plans.height
    amount = rng.integers(100, 20_000, size=n) * 1_000_000
    frame = pl.DataFrame({"plan_id": plans["plan_id"], "amount_vnd": amount,
                          "budget_year": plans["period_start_year"], "line_start": rng.integers(150, 300, size=n)})
    printed = pl.col("amount_vnd").map_elements(lambda v: f"{v:,}".replace(",", ".") + " đồng", return_dtype=pl.Utf8)
    return frame.select(
        (pl.col("plan_id") + "/b01").alias("budget_id"), "plan_id", "amount_vnd", printed.alias("value_as_printed"),
        "budget_year", pl.lit("Total estimate of the plan (synthetic).").alias("scope_note"),
        pl.format("Tổng kinh phí thực hiện Kế hoạch dự kiến là {}, từ nguồn ngân sách tỉnh", printed).alias("quote"),
        "line_start", (pl.col("line_start") + 1).alias("line_end"),
    ).sort("plan_id", "budget_id")


def generate(out_dir: Path | str, n_plans: int, *, seed: int = 0, targets_per_plan: float = 30,
             tasks_per_plan: float = 50, reference_dir: Path | str = REAL_CURATED) -> dict[str, int]:
    """Write a synthetic curated folder of `n_plans` plans into `out_dir`; returns the row count of each table."""
    from sxtd_analysis.schema import TABLES

    out_dir, reference_dir = Path(out_dir), Path(reference_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for name in REFERENCE_TABLES:
        shutil.copyfile(reference_dir / TABLES[name].file_name, out_dir / TABLES[name].file_name)
    read = {"infer_schema": False}  # keep the reference files' text exactly (codes such as "01")
    provinces = _provinces(pl.read_csv(reference_dir / "provinces.csv", **read))
    indicators = pl.read_csv(reference_dir / "indicators.csv", **read)
    agencies = pl.read_csv(reference_dir / "agencies.csv", **read)
    plans = _plans(rng, n_plans, provinces["province_slug"].to_list())
    tasks, task_agencies = _tasks(rng, plans, agencies, tasks_per_plan)
    registry, reported = _registry(plans, pl.read_csv(reference_dir / "plan_registry.csv", **read),
                                   pl.read_csv(reference_dir / "reported_targets.csv", **read))
    tables = {
        "provinces": provinces, "plans": plans, "plan_registry": registry, "reported_targets": reported,
        "targets": _targets(rng, plans, indicators, targets_per_plan),
        "qualitative_objectives": _qualitative(rng, plans, 4), "tasks": tasks, "task_agencies": task_agencies,
        "budgets": _budgets(rng, plans),
    }
    counts = {}
    for name, frame in tables.items():
        table = TABLES[name]
        frame = frame.select(table.column_names)
        assert frame.columns == table.column_names, name
        frame.write_csv(out_dir / table.file_name, float_precision=None, date_format="%Y-%m-%d")
        counts[name] = frame.height
    for name in REFERENCE_TABLES:
        counts[name] = pl.read_csv(out_dir / TABLES[name].file_name, **read).height
    (out_dir / "synthetic.json").write_text(json.dumps(
        {"plans": n_plans, "seed": seed, "generator_version": GENERATOR_VERSION, "rows": counts}, indent=2) + "\n")
    return counts


def ensure_corpus(n_plans: int, base: Path | str, *, seed: int = 0) -> Path:
    """The synthetic folder for `n_plans` under `base`, generated unless an identical one is already there."""
    out = Path(base) / f"plans-{n_plans}"
    stamp = out / "synthetic.json"
    if stamp.exists():
        meta = json.loads(stamp.read_text())
        if (meta.get("plans"), meta.get("seed"), meta.get("generator_version")) == (n_plans, seed,
                                                                                   GENERATOR_VERSION):
            return out
    if out.exists():
        shutil.rmtree(out)
    generate(out, n_plans, seed=seed)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=1000, help="number of plans (default 1000)")
    parser.add_argument("--out", type=Path, default=None, help="folder (default benchmarks/out/corpus/plans-N)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    out = args.out or ROOT / "benchmarks" / "out" / "corpus" / f"plans-{args.plans}"
    started = time.perf_counter()
    counts = generate(out, args.plans, seed=args.seed)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in out.glob("*.csv"))
    print(f"{'table':<24}{'rows':>12}")
    for name, n in counts.items():
        print(f"{name:<24}{n:>12,}")
    print(f"wrote {out} ({size / 1e6:.1f} MB of CSV) in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
