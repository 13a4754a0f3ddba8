"""Score the extraction assistant (the drafts `sxtd add` writes) against the curated tables, on the plans of
data/raw.

Run from the repository root:

    .venv/bin/python benchmarks/extract_eval.py

For every plan of data/curated/plans.csv, `sxtd_analysis.extract.extract_plan` drafts every table from the raw
text, and each drafted table is compared with the curated rows, one to one:

- targets: same plan, target year and values (low, high); the suggested indicator_code is scored on matches;
- qualitative objectives: same plan, overlapping lines, and one quote inside the other (after folding);
- tasks: the drafted row whose line span overlaps most (lead agency, title, years scored on pairs);
- task agencies: (agency_code, role) links of each paired task; links of unpaired tasks are misses or extras;
- budgets: same plan and amount;
- plan header: each field equal.

Prints precision and recall per table and plan, and writes everything to benchmarks/out/extract_eval.json.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sxtd_analysis.extract import extract_plan  # noqa: E402
from sxtd_analysis.provenance import words_in_order  # noqa: E402
from sxtd_analysis.text import fold, read_raw_lines  # noqa: E402

CURATED = ROOT / "data" / "curated"
RAW = ROOT / "data" / "raw"
OUT = ROOT / "benchmarks" / "out" / "extract_eval.json"
HEADER_FIELDS = ("province_slug", "doc_type", "doc_number", "title_vi", "issued_on", "period_start_year",
                 "period_end_year", "vision_year", "programme", "implements_plan", "issuing_body", "signer")


def _rows(name: str) -> list[dict[str, str]]:
    with open(CURATED / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _value(x: str) -> float:
    return float(x) if x not in ("", None) else float("nan")


def _key(row: dict[str, str]) -> tuple:
    return (row["plan_id"], row["target_year"], _value(row["value_low"]), _value(row["value_high"]))


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def match_targets(drafted: list[dict], curated: list[dict]) -> tuple[list[tuple[dict, dict]], list, list]:
    """One-to-one matches on (plan, year, low, high); among equal keys, same indicator, then nearest line."""
    pool = defaultdict(list)
    for d in drafted:
        pool[_key(d)].append(d)
    pairs, missed = [], []
    for c in curated:
        candidates = pool.get(_key(c), [])
        if not candidates:
            missed.append(c)
            continue
        best = min(candidates, key=lambda d: (d["indicator_code"] != c["indicator_code"],
                                              abs(int(d["line_start"]) - int(c["line_start"]))))
        candidates.remove(best)
        pairs.append((c, best))
    extra = [d for ds in pool.values() for d in ds]
    return pairs, missed, extra


def match_tasks(drafted: list[dict], curated: list[dict]) -> list[tuple[dict, dict]]:
    """Curated task rows paired with the drafted row whose line span overlaps most."""
    pairs = []
    free = list(drafted)
    for c in curated:
        cs, ce = int(c["line_start"]), int(c["line_end"])

        def overlap(d: dict, cs: int = cs, ce: int = ce) -> int:
            return min(ce, int(d["line_end"])) - max(cs, int(d["line_start"])) + 1

        best = max(free, key=overlap, default=None)
        if best is not None and overlap(best) > 0:
            free.remove(best)
            pairs.append((c, best))
    return pairs


def match_objectives(drafted: list[dict], curated: list[dict]) -> list[tuple[dict, dict]]:
    """Curated objectives paired with a drafted one on overlapping lines whose quote contains it or is in it."""
    pairs, free = [], list(drafted)
    for c in curated:
        cq = fold(c["quote"]).rstrip(".;,")

        def fits(d: dict, c: dict = c, cq: str = cq) -> bool:
            dq = fold(d["quote"]).rstrip(".;,")
            overlap = min(int(c["line_end"]), int(d["line_end"])) >= max(int(c["line_start"]), int(d["line_start"]))
            return overlap and (cq in dq or dq in cq)

        best = next((d for d in free if fits(d)), None)
        if best is not None:
            free.remove(best)
            pairs.append((c, best))
    return pairs


def link_scores(task_pairs: list[tuple[dict, dict]], curated_links: list[dict], drafted_links: list[dict],
                curated_tasks: list[dict], drafted_tasks: list[dict]) -> dict[str, int]:
    """tp/fp/fn of (agency_code, role) links, task by paired task; unpaired tasks' links are fn or fp."""
    def by_task(links: list[dict]) -> dict[str, set[tuple[str, str]]]:
        out: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for link in links:
            out[link["task_id"]].add((link["agency_code"], link["role"]))
        return out

    cur, dra = by_task(curated_links), by_task(drafted_links)
    tp = fp = fn = lead_tp = lead_n = 0
    for c, d in task_pairs:
        a, b = cur[c["task_id"]], dra[d["task_id"]]
        tp, fp, fn = tp + len(a & b), fp + len(b - a), fn + len(a - b)
        lead_n += sum(role == "lead" for _, role in a)
        lead_tp += sum(role == "lead" for _, role in a & b)
    paired_c = {c["task_id"] for c, _ in task_pairs}
    paired_d = {d["task_id"] for _, d in task_pairs}
    fn += sum(len(cur[t["task_id"]]) for t in curated_tasks if t["task_id"] not in paired_c)
    fp += sum(len(dra[t["task_id"]]) for t in drafted_tasks if t["task_id"] not in paired_d)
    return {"tp": tp, "fp": fp, "fn": fn, "lead_links_found": lead_tp, "lead_links": lead_n}


def evaluate() -> dict:
    plans = _rows("plans.csv")
    targets = _rows("targets.csv")
    tasks = _rows("tasks.csv")
    objectives = _rows("qualitative_objectives.csv")
    links = _rows("task_agencies.csv")
    budgets = _rows("budgets.csv")
    result: dict = {"targets": {}, "indicator_agreement": {}, "tasks": {}, "plan_header": {}, "unmatched": {},
                    "tables": {}}
    totals = {"tp": 0, "fp": 0, "fn": 0}
    table_totals: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})

    def record(table: str, pid: str, tp: int, fp: int, fn: int) -> None:
        result["tables"].setdefault(table, {})[pid] = _prf(tp, fp, fn)
        for k, v in (("tp", tp), ("fp", fp), ("fn", fn)):
            table_totals[table][k] += v

    agree_total = matched_total = 0
    for plan in plans:
        pid = plan["plan_id"]
        draft = extract_plan(RAW / plan["raw_file"], CURATED, plan_id=pid)  # province guessed
        curated = [t for t in targets if t["plan_id"] == pid]
        pairs, missed, extra = match_targets(draft.targets, curated)
        score = _prf(len(pairs), len(extra), len(missed))
        result["targets"][pid] = score
        for k in totals:
            totals[k] += score[k]
        agree = sum(c["indicator_code"] == d["indicator_code"] for c, d in pairs)
        agree_total += agree
        matched_total += len(pairs)
        result["indicator_agreement"][pid] = {"matched": len(pairs), "agree": agree,
                                              "rate": round(agree / len(pairs), 3) if pairs else None}
        result["unmatched"][pid] = {
            "missed": [f"{c['target_id']} {c['target_year']} {c['value_as_printed']}" for c in missed],
            "extra": [f"line {d['line_start']} {d['target_year']} {d['value_as_printed']}" for d in extra],
            "indicator_disagreements": [f"{c['target_id']}: curated {c['indicator_code']}, drafted "
                                        f"{d['indicator_code'] or '-'}" for c, d in pairs
                                        if c["indicator_code"] != d["indicator_code"]],
        }
        cur_tasks = [t for t in tasks if t["plan_id"] == pid]
        tpairs = match_tasks(draft.tasks, cur_tasks)
        lines = read_raw_lines(RAW / plan["raw_file"])
        result["tasks"][pid] = {
            "curated": len(cur_tasks), "drafted": len(draft.tasks), "matched": len(tpairs),
            "lead_agree": sum(c["lead_agency_code"] == d["lead_agency_code"] for c, d in tpairs),
            "title_equal": sum(fold(c["title"]) == fold(d["title"]) for c, d in tpairs),
            "title_words_in_span": sum(
                words_in_order(d["title"], " ".join(lines[int(d["line_start"]) - 1:int(d["line_end"])]))
                for d in draft.tasks),
            "years_agree": sum((c["start_year"], c["end_year"]) == (d["start_year"], d["end_year"])
                               for c, d in tpairs),
        }
        result["plan_header"][pid] = {f: {"curated": plan[f], "drafted": draft.plan[f],
                                          "agree": plan[f] == draft.plan[f]} for f in HEADER_FIELDS}
        record("targets", pid, len(pairs), len(extra), len(missed))
        cur_obj = [o for o in objectives if o["plan_id"] == pid]
        opairs = match_objectives(draft.objectives, cur_obj)
        record("qualitative_objectives", pid, len(opairs), len(draft.objectives) - len(opairs),
              len(cur_obj) - len(opairs))
        record("tasks", pid, len(tpairs), len(draft.tasks) - len(tpairs), len(cur_tasks) - len(tpairs))
        cur_ids = {t["task_id"] for t in cur_tasks}
        ls = link_scores(tpairs, [x for x in links if x["task_id"] in cur_ids], draft.task_agencies, cur_tasks,
                         draft.tasks)
        record("task_agencies", pid, ls["tp"], ls["fp"], ls["fn"])
        result["tables"]["task_agencies"][pid]["lead_links"] = f"{ls['lead_links_found']}/{ls['lead_links']}"
        cur_b = sorted(int(b["amount_vnd"]) for b in budgets if b["plan_id"] == pid)
        dra_b = sorted(int(b["amount_vnd"]) for b in draft.budgets)
        common = sum((Counter(cur_b) & Counter(dra_b)).values())
        record("budgets", pid, common, len(dra_b) - common, len(cur_b) - common)
        header_ok = sum(v["agree"] for v in result["plan_header"][pid].values())
        record("plans (header fields)", pid, header_ok, len(HEADER_FIELDS) - header_ok, len(HEADER_FIELDS) - header_ok)
    for table, s in table_totals.items():
        result["tables"][table]["overall"] = _prf(s["tp"], s["fp"], s["fn"])
    result["targets"]["overall"] = _prf(totals["tp"], totals["fp"], totals["fn"])
    result["indicator_agreement"]["overall"] = {
        "matched": matched_total, "agree": agree_total,
        "rate": round(agree_total / matched_total, 3) if matched_total else None}
    return result


def _print(result: dict) -> None:
    print("Every drafted table against the curated rows: precision / recall (tp, fp, fn)\n")
    plans = [p for p in next(iter(result["tables"].values())) if p != "overall"]
    head = f"{'table':<24}" + "".join(f"{p.split('_')[0]:>19}" for p in plans) + f"{'overall':>19}"
    print(head)
    print("-" * len(head))
    for table, per in result["tables"].items():
        cells = "".join(f"{per[p]['precision']:.2f}/{per[p]['recall']:.2f} ({per[p]['tp']})".rjust(19)
                        for p in [*plans, "overall"])
        print(f"{table:<24}{cells}")
    leads = {p: v.get("lead_links") for p, v in result["tables"]["task_agencies"].items() if p != "overall"}
    print(f"  lead links found: {leads}\n")
    print("Targets: drafted vs data/curated/targets.csv (match on plan, target year, value low/high)\n")
    head = f"{'plan':<26}{'tp':>4}{'fp':>4}{'fn':>4}{'precision':>11}{'recall':>8}{'F1':>7}{'indicator':>12}"
    print(head)
    print("-" * len(head))
    for pid, s in result["targets"].items():
        ia = result["indicator_agreement"][pid]
        ind = f"{ia['agree']}/{ia['matched']}"
        if pid == "overall":
            print("-" * len(head))
        print(f"{pid:<26}{s['tp']:>4}{s['fp']:>4}{s['fn']:>4}{s['precision']:>11.3f}{s['recall']:>8.3f}"
              f"{s['f1']:>7.3f}{ind:>12}")
    for pid, u in result["unmatched"].items():
        for kind in ("missed", "extra", "indicator_disagreements"):
            for x in u[kind]:
                print(f"  {pid} {kind}: {x}")
    print("\nTasks: drafted vs data/curated/tasks.csv (paired by overlapping line spans)\n")
    head = (f"{'plan':<26}{'curated':>8}{'drafted':>8}{'paired':>7}{'lead ok':>8}{'title =':>8}{'years ok':>9}"
            f"{'title in span':>14}")
    print(head)
    print("-" * len(head))
    for pid, t in result["tasks"].items():
        print(f"{pid:<26}{t['curated']:>8}{t['drafted']:>8}{t['matched']:>7}{t['lead_agree']:>8}"
              f"{t['title_equal']:>8}{t['years_agree']:>9}{t['title_words_in_span']:>14}")
    print("\nPlan header: fields equal to data/curated/plans.csv\n")
    for pid, fields in result["plan_header"].items():
        ok = [f for f, v in fields.items() if v["agree"]]
        bad = [f"{f} ({v['drafted'][:40] or '-'} vs {v['curated'][:40] or '-'})" for f, v in fields.items()
               if not v["agree"]]
        print(f"  {pid:<26}{len(ok)}/{len(fields)}" + (f"  differ: {'; '.join(bad)}" if bad else ""))


def main() -> int:
    result = evaluate()
    _print(result)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
