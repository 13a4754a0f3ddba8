"""The plan header: province, document number, date, title, period, programme, signer."""

from __future__ import annotations

import re
from collections import Counter

from sxtd_analysis.extract.patterns import (
    CITED_PLAN,
    DATE_SLASH,
    DATE_WORDS,
    HEADED_NUMBER,
    ISSUED_WITH,
    NAME,
    OWN_NUMBER,
    PERIOD,
    PLACE_DATE,
    PREAMBLE_START,
    PROGRAMME,
    PROVINCE_AFTER,
    SEPARATOR,
    SIGNATURE,
    VISION,
)
from sxtd_analysis.extract.reading import year_in, year_ok
from sxtd_analysis.extract.sections import is_roman_heading
from sxtd_analysis.provinces import match_province
from sxtd_analysis.schema import PROGRAMMES, TABLES
from sxtd_analysis.text import fold, slugify


def _iso_date(text: str) -> str | None:
    m = DATE_WORDS.search(text) or DATE_SLASH.search(text)
    if not m:
        return None
    d, mo, y = int(m[1]), int(m[2]), int(m[3])
    if 1 <= d <= 31 and 1 <= mo <= 12 and year_ok(y):
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _first_roman(lines: list[str]) -> int:
    for i, raw in enumerate(lines):
        if is_roman_heading(raw.strip()):
            return i
    return len(lines)


def _title(lines: list[str], header_end: int) -> tuple[str, int | None, str]:
    """The plan's title ('Kế hoạch ...' as printed), the line it starts and the document kind."""
    kinds = []
    for i in range(header_end):
        s = fold(lines[i])
        if s.upper() == s and s.casefold() in ("kế hoạch", "quyết định"):
            kinds.append((i, s))
    chosen = next(((i, s) for i, s in kinds if s.casefold() == "kế hoạch"), kinds[0] if kinds else None)
    doc_type = "quyet_dinh" if kinds and kinds[0][1].casefold() == "quyết định" else "ke_hoach"
    if chosen is None:
        return "", None, doc_type
    i0, word = chosen
    parts: list[str] = []
    caps = None
    first_line = None
    for no, raw in enumerate(lines[i0 + 1: header_end], start=i0 + 2):
        s = fold(raw)
        if not s:
            continue
        first_line = first_line or no
        if SEPARATOR.match(s) or PREAMBLE_START.match(s) or len(parts) >= 4:
            break
        is_caps = s.upper() == s
        if caps is None:
            caps = is_caps
        elif caps and not is_caps:
            break
        parts.append(s)
        if s.endswith((".", ":")):
            break
    title = fold(" ".join(parts))
    if title:
        title = ("Kế hoạch " if word.casefold() == "kế hoạch" else "Quyết định ") + title
    return title, first_line, doc_type


def _province_candidates(text: str) -> list[str]:
    """The capitalised words after each "tỉnh"/"thành phố" ("Bà Rịa - Vũng Tàu" keeps its dash)."""
    out = []
    for m in PROVINCE_AFTER.finditer(text):
        words: list[str] = []
        tail = text[m.start("name"):].split()[:6]
        for w in tail:
            if w in ("-", "–") and words:
                words.append(w)
                continue
            if not w[0].isupper():
                break
            words.append(w.rstrip(",.;:)"))
            if w[-1] in ",.;:)":
                break
        while words and words[-1] in ("-", "–"):
            words.pop()
        if words:
            out.append(" ".join(words))
    return out


def resolve_province(name: str | None, header_text: str, provinces: list[dict[str, str]]
                     ) -> tuple[str, str, str]:
    """(slug, name as printed, reason). With `name`, match_province decides (UnknownProvinceError)."""
    if name:
        slug = match_province(name, provinces)
        row = next(r for r in provinces if r["province_slug"] == slug)
        return slug, row["name_vi"], f"province from --province {name!r}"
    votes: Counter[tuple[str, str]] = Counter()
    unresolved: Counter[str] = Counter()
    for cand in _province_candidates(header_text):
        words = cand.split()
        for n in (5, 4, 3, 2):
            if len(words) < n or words[n - 1] in ("-", "–"):
                continue
            try:
                slug = match_province(" ".join(words[:n]), provinces)
            except LookupError:
                continue
            row = next(r for r in provinces if r["province_slug"] == slug)
            votes[(slug, row["name_vi"])] += 1
            break
        else:
            printed = " ".join(words[:2])
            unresolved[printed.title() if printed.upper() == printed else printed] += 1
    if votes:
        (slug, name_vi), n = votes.most_common(1)[0]
        return slug, name_vi, f"province {name_vi} named {n} time(s) in the header"
    if unresolved:
        printed, n = unresolved.most_common(1)[0]
        return slugify(printed), printed, (f"province {printed!r} read from the header ({n} time(s)) but not in "
                                           "provinces.csv: check the slug and add the province there")
    return "", "", "province not found in the header; give --province"


def extract_plan_header(lines: list[str], plan_id: str, raw_file: str, provinces: list[dict[str, str]],
                        province: str | None = None) -> tuple[dict[str, str], list[str]]:
    """One draft row of plans.csv from the header (and the appendix line that repeats the number)."""
    header_end = _first_roman(lines)
    header = [fold(x) for x in lines[:header_end]]
    header_text = fold(" ".join(lines[: max(header_end, 40)]))
    reasons: list[str] = []
    warnings: list[str] = []
    slug, name_vi, why = resolve_province(province, header_text, provinces)
    reasons.append(why)
    if "not in provinces.csv" in why or "not found" in why:
        warnings.append(why)
    if province:
        _slug, printed, _why = resolve_province(None, header_text, provinces)
        if printed and slugify(printed) != slug:
            differs = f"the header names the province {printed}, --province says {name_vi}: check"
            reasons.append(differs)
            warnings.append(differs)
    title, title_line, doc_type = _title(lines, header_end)
    if title_line:
        reasons.append(f"title from line {title_line}")
    doc_number, issued_on = "", None
    for i, s in enumerate(header):
        m = OWN_NUMBER.match(s) or HEADED_NUMBER.match(s)
        if m:
            doc_number = re.sub(r"\s+", "", m["num"])
            issued_on = _iso_date(m.groupdict().get("rest") or "")
            reasons.append(f"number from line {i + 1}")
            break
    if not doc_number:
        for i, raw in enumerate(lines):
            m = ISSUED_WITH.search(fold(raw))
            if m:
                doc_number = re.sub(r"\s+", "", m["num"])
                issued_on = _iso_date(m["rest"])
                reasons.append(f"number and date from line {i + 1}")
                break
    for i, s in enumerate(header[:30]):
        m = PLACE_DATE.search(s)
        if m and _iso_date(s[m.start():]):
            issued_on = _iso_date(s[m.start():])
            reasons.append(f"date from line {i + 1}")
            break
    implements = ""
    preamble = fold(" ".join(lines[:header_end]))
    for m in CITED_PLAN.finditer(preamble):
        if re.sub(r"\s+", "", m["num"]) != doc_number:
            words = []
            for w in m["where"].split():
                if not w[0].isupper():
                    break
                words.append(w)
            implements = fold(m["head"] + " " + " ".join(words[:3]))
            reasons.append("implements_plan: a provincial plan cited in the preamble")
            break
    start = end = vision = None
    key = title.casefold()
    m = PERIOD.search(key)
    if m:
        start, end = int(m[1]), int(m[2])
    else:
        y = year_in(title)
        if y:
            end = y[0]
            if not re.search(r"(?:đến|tới|trước)\s+(?:hết\s+)?năm", y[1], re.IGNORECASE):
                start = end
            elif issued_on:
                start = int(issued_on[:4])
    v = VISION.search(title)
    if v:
        vision = int(v[1])
    counts: Counter[str] = Counter()
    for s in lines:
        for m in PROGRAMME.finditer(s):
            counts[f"{int(m[1])}/QĐ-TTg"] += 1
    in_title = [p for p in PROGRAMMES if p.casefold() in key]
    ranked = sorted((p for p in PROGRAMMES if counts[p]), key=lambda p: (-counts[p], -int(p.split("/")[0])))
    programme = in_title[0] if in_title else (ranked[0] if ranked else "")
    if programme:
        reasons.append(f"programme {programme} ({'in the title' if in_title else f'cited {counts[programme]}x'})")
    else:
        warnings.append("no national programme (889/QĐ-TTg or 76/QĐ-TTg) is cited")
    signer = ""
    for i, raw in enumerate(lines):
        if SIGNATURE.match(fold(raw)):
            for nxt in lines[i + 1: i + 25]:
                s = fold(nxt)
                if not s or SIGNATURE.match(s) or s.startswith(("(", "[")):
                    continue  # blank lines, the title repeated, "(Đã ký)"
                if NAME.match(s):
                    signer = s
                break
            if signer:
                break
    row = {c: "" for c in TABLES["plans"].column_names}
    row.update(
        plan_id=plan_id, province_slug=slug, doc_type=doc_type, doc_number=doc_number, title_vi=title,
        issued_on=issued_on or "", period_start_year=str(start or ""), period_end_year=str(end or ""),
        vision_year=str(vision or ""), programme=programme, implements_plan=implements,
        issuing_body=f"Ủy ban nhân dân tỉnh {name_vi}" if name_vi else "", signer=signer, raw_file=raw_file,
        reason="; ".join(reasons),
    )
    return row, warnings
