"""Parser of the number forms Vietnamese plans use for targets and amounts.

Handles "5-8%", "5 - 8%", "từ 5 đến 8%", "từ 42% đến 45%", "01- 02 mô hình", "20 đến 30", "7,5%",
"ít nhất 40%", "khoảng 50%", "50% trở lên", "5 ÷ 8%", "3.235.715.000 đồng", "1,5 tỷ đồng". Used by the
provenance gate to re-read every curated number from its quote, and by the extraction assistant to find
candidate targets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A number: digits with '.' as thousands separator (3.235.715.000) and ',' as decimal mark (7,5).
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|\d+\.\d{1,2}(?!\d)"
_SEP = r"\s*(?:-|–|—|÷|~|đến|tới)\s*"
_PCT = r"\s*(?:%|phần\s+trăm)"
_MONEY = r"\s*(?:(?P<mult>nghìn|ngàn|triệu|tỷ|tỉ)\s+)?(?:đồng|VNĐ|VND|vnđ)\b"
_QUAL = (r"(?P<qual>ít\s+nhất|tối\s+thiểu|không\s+dưới|không\s+ít\s+hơn|trên|tối\s+đa|không\s+quá|"
         r"không\s+vượt\s+quá|dưới|khoảng|gần|xấp\s+xỉ|trung\s+bình|about|around|at\s+least|at\s+most)\s+")

_QUALIFIERS = {
    "ít nhất": "at_least", "tối thiểu": "at_least", "không dưới": "at_least", "không ít hơn": "at_least",
    "trên": "at_least",
    "tối đa": "at_most", "không quá": "at_most", "không vượt quá": "at_most", "dưới": "at_most",
    "khoảng": "approx", "gần": "approx", "xấp xỉ": "approx", "trung bình": "approx",
    # English renderings of national targets
    "about": "approx", "around": "approx", "at least": "at_least", "at most": "at_most",
}
_MULTIPLIERS = {None: 1, "nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000,
                "tỉ": 1_000_000_000}

_PATTERN = re.compile(
    rf"(?:{_QUAL})?(?P<from>từ\s+)?(?P<low>{_NUM})(?P<lowpct>{_PCT})?"
    rf"(?:{_SEP}(?P<high>{_NUM}))?(?:(?P<pct>{_PCT})|{_MONEY})?"
    r"(?:\s+(?P<suffix>trở\s+lên|trở\s+xuống)\b)?",  # "50% trở lên": 50% or more
    flags=re.IGNORECASE,
)
_SUFFIXES = {"trở lên": "at_least", "trở xuống": "at_most"}
# Context that makes a bare number a date, a year, a document number or a list label rather than a value.
_NOT_A_VALUE_BEFORE = re.compile(
    r"(?:số|ngày|tháng|năm|giai\s+đoạn|thời\s+kỳ|khóa|lần\s+thứ|điều|khoản|mục|phụ\s+lục|quyết\s+định|loại|hạng|cấp|nhóm|"
    r"nghị\s+quyết|kế\s+hoạch|/|"
    r"\bmục\s+tiêu|\bchỉ\s+thị|\bthông\s+tư|\bnghị\s+định|\bcông\s+văn|\btờ\s+trình|\btrang|"
    r"\bchương(?:\s+trình)?|\btiêu\s+chí|\bquý|\biso|\btcvn|\bqcvn)\s*$",
    flags=re.IGNORECASE,
)
_NOT_A_VALUE_AFTER = re.compile(r"^\s*(?:/|\.\s|\)|[a-zđ]\))|^\.\d{1,2}\.(?!\d)", flags=re.IGNORECASE)
# A document code after the number: "33-CT/TW", "05-NQ/TU" (case-sensitive: upper-case letters).
_DOC_CODE_AFTER = re.compile(r"^\s?[-–]\s?[A-ZĐ]{2,}")


@dataclass(frozen=True)
class Quantity:
    """A value read from text: a single number (low == high) or a range, with its comparator and unit."""

    low: float
    high: float
    comparator: str  # eq, at_least, at_most, approx, range
    unit: str  # percent, count, vnd
    text: str  # the matched text, as printed
    start: int = 0
    end: int = 0


def parse_number(text: str) -> float:
    """One Vietnamese-formatted number: '7,5' -> 7.5, '3.235.715.000' -> 3235715000, '01' -> 1."""
    s = text.strip()
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d+", s):
        s = s.replace(",", ".")
    elif not re.fullmatch(r"\d+(?:\.\d+)?", s):
        raise ValueError(f"not a number: {text!r}")
    return float(s)


def _is_year(value: float, raw: str) -> bool:
    return len(raw) == 4 and 1900 <= value <= 2100


def _from_match(m: re.Match[str], text: str) -> Quantity | None:
    low = parse_number(m["low"])
    high = parse_number(m["high"]) if m["high"] else low
    is_pct = bool(m["pct"] or m["lowpct"])
    is_money = m["pct"] is None and re.search(r"đồng|vnđ|vnd", m.group(0), flags=re.IGNORECASE) is not None
    if m["lowpct"] and m["high"] and not m["pct"]:
        return None  # "50% - 2020": a percent followed by something else
    if is_money:
        mult = _MULTIPLIERS[(m["mult"] or "").lower() or None]
        low, high, unit = low * mult, high * mult, "vnd"
    elif is_pct:
        unit = "percent"
    else:
        unit = "count"
        before = text[: m.start()]
        after = text[m.end():]
        if (_NOT_A_VALUE_BEFORE.search(before) or _NOT_A_VALUE_AFTER.match(after)
                or _DOC_CODE_AFTER.match(after)):
            return None
        if _is_year(low, m["low"]) or (m["high"] and _is_year(high, m["high"])):
            return None  # 2021-2025 is a period, 2030 a year
    qual = " ".join((m["qual"] or "").lower().split())
    if m["high"] and high != low:
        comparator = "range"
    elif qual:
        comparator = _QUALIFIERS[qual]
    else:
        comparator = "eq"
    if m["high"] and high == low and qual:
        comparator = _QUALIFIERS[qual]
    if m["suffix"] and comparator in ("eq", "approx"):
        comparator = _SUFFIXES[" ".join(m["suffix"].lower().split())]
    return Quantity(low, high, comparator, unit, m.group(0).strip(), m.start(), m.end())


def parse_quantities(text: str) -> list[Quantity]:
    """Every value in a sentence, in order of appearance (dates, years and document numbers skipped)."""
    found = []
    for m in _PATTERN.finditer(text):
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in ".,/"):
            continue  # middle of a word, a date or a document number
        q = _from_match(m, text)
        if q is not None:
            found.append(q)
    return found


def comparator_of(text: str) -> str | None:
    """The comparator a qualifier names ('ít nhất' -> at_least, 'khoảng' -> approx), or None."""
    return _QUALIFIERS.get(" ".join(text.lower().split()))


def parse_value(text: str) -> Quantity:
    """Exactly one value from a short text such as '5-8%' or 'ít nhất 40%'; ValueError otherwise."""
    found = parse_quantities(text)
    if len(found) != 1:
        what = "no value" if not found else f"{len(found)} values ({', '.join(q.text for q in found)})"
        raise ValueError(f"expected one value in {text!r}, found {what}")
    return found[0]
