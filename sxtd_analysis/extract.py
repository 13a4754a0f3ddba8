"""Extraction assistant: from a new plan's plain text to draft rows of the curated tables, for review.

`extract_plan` reads a plan text (UTF-8; a BOM, decomposed Unicode, Windows line ends, no-break spaces and
tabs are accepted) and drafts:

- targets: every number-bearing commitment of the objectives section ("II. MỤC TIÊU", "2. Mục tiêu cụ
  thể"), one row per number, with its verbatim quote and line span, the value read by the number parser,
  a target year taken from the sentence, a lead-in ("Phấn đấu đến hết năm 2023 ... đạt các chỉ tiêu:"), the
  sub-heading ("2.1. Giai đoạn 2021 - 2025", "Đến năm 2030") or the plan's title, and an indicator code
  suggested from the codebook by the keyword lists of `data/indicator_keywords.csv`;
- tasks: the rows of an appendix task table ("PHỤ LỤC"), with the lead agency matched to
  data/curated/agency_aliases.csv;
- plan: the header facts (province, document number, date, title, period, programme, signer).

Every rule is a general pattern of Vietnamese administrative writing; nothing is specific to one plan.
Line numbers are those of the raw file (1-based; CRLF and CR count as one line end), as the provenance
gate reads them. The drafts carry extra review columns (indicator_confidence, reason,
lead_agency_as_printed) to delete once reviewed.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sxtd_analysis.numbers import Quantity, parse_quantities
from sxtd_analysis.provinces import match_province
from sxtd_analysis.schema import PROGRAMMES, TABLES, YEAR_MAX, YEAR_MIN
from sxtd_analysis.text import (
    TextFileError,
    decode_text,
    fold,
    has_vietnamese_letters,
    read_text,
    slugify,
)

KEYWORDS_FILE = Path(__file__).resolve().parent / "data" / "indicator_keywords.csv"
TARGET_REVIEW_COLUMNS = ("indicator_confidence", "reason")
TASK_REVIEW_COLUMNS = ("lead_agency_as_printed",)
PLAN_REVIEW_COLUMNS = ("reason",)
DRAFT_FILES = {"plans": "plan_draft.csv", "targets": "targets_draft.csv", "tasks": "tasks_draft.csv"}

# --- patterns of the genre -------------------------------------------------------------------------------

_ROMAN = re.compile(r"^(?:(?:PHẦN|Phần)\s+)?(?P<num>[IVXL]{1,6})\s*[.:)\-–]\s*(?P<title>\S.*)$")
_ROMAN_ALONE = re.compile(r"^(?P<num>[IVXL]{1,6})\.?$")
_ARABIC = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})*)\s*[.)](?!\d)\s*(?P<title>\S.*)$")
_ARABIC_MULTI = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})+)\s+(?P<title>\S.*)$")
_LETTER = re.compile(r"^(?P<num>[a-zđ])\s*[).]\s+(?P<title>\S.*)$")
# list markers that open an item: "-", "+", "•", "1.", "2)", "(3)", "a)"
_MARKER = re.compile(r"^(?:[-–—+•*·▪●○◦]+\s*|\(\d{1,2}\)\s*|\d{1,2}[.)](?!\d)\s*|[a-zđ]\)\s*)")
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–—\s]*$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^[\s_\-–—=*.]{3,}$")

_PERIOD = re.compile(r"(?:giai\s+đoạn|thời\s+kỳ|từ\s+năm|từ)\s+(\d{4})\s*(?:-|–|—|đến|tới)\s*(?:năm\s+)?(\d{4})",
                     re.IGNORECASE)
_BY_YEAR = re.compile(r"(?:đến|tới|trước|vào|trong|cuối|hết)\s+(?:hết\s+|cuối\s+)?năm\s+(\d{4})", re.IGNORECASE)
_IN_YEAR = re.compile(r"\bnăm\s+(\d{4})\b", re.IGNORECASE)
_VISION = re.compile(r"tầm\s+nhìn\s+(?:đến\s+|tới\s+)?(?:năm\s+)?(\d{4})", re.IGNORECASE)
# words that put the subject before the number: "X đạt 85%", "tỷ lệ ... là 50%"
_COPULA_BEFORE = re.compile(r"(?:đạt|là|ở\s+mức|lên|bằng|chiếm|còn|xuống|tới)\s*[:(]?\s*$", re.IGNORECASE)

_TIMING = re.compile(
    r"^(?:(?:thường\s+xuyên|hàng\s+năm|hằng\s+năm|định\s+kỳ|hàng\s+quý|hằng\s+quý)\b.*"
    r"|(?:từ\s+)?(?:năm\s+)?\d{4}\s*(?:[-–—]|đến)\s*(?:năm\s+)?\d{4}\.?"
    r"|(?:năm\s+)?\d{4}\.?"
    r"|(?:trước|sau|trong|đến|từ|cuối|quý\s+[ivx\d]+)\s+(?:năm\s+)?\d{4}.*"
    r"|giai\s+đoạn\s+\d{4}.*)$",
    re.IGNORECASE,
)
_TRAILING_TIMING = re.compile(r"^(?P<output>.*?\S)\s+(?P<timing>(?:\d{4}\s*[-–—]\s*)?\d{4})\s*$")
_FREQUENCY = re.compile(r"\b(thường\s+xuyên|hàng\s+năm|hằng\s+năm|định\s+kỳ|hàng\s+quý|hằng\s+quý)\b",
                        re.IGNORECASE)
_FUNDING = re.compile(r"^(?:ngân\s+sách|nguồn\s+(?:vốn|kinh\s+phí)|kinh\s+phí|vốn)\b", re.IGNORECASE)
_LEAD_LABEL = re.compile(r"(?:đơn\s+vị|cơ\s+quan)\s+chủ\s+trì\s*:\s*(?P<lead>[^\n]+?)\s*(?:[-–]\s*(?:đơn\s+vị|"
                         r"cơ\s+quan)\s+phối\s+hợp\s*:|$)", re.IGNORECASE)
# how the name of a body begins (a cell of the agency columns of a task table)
_AGENCY_START = re.compile(
    r"^(?:Sở|SỞ|Ban\s+Quản\s+lý|Ban\s+quản\s+lý|BQL|UBND|Ủy\s+ban|Uỷ\s+ban|Đài|Báo|Văn\s+phòng|Các\s+[Ss]ở|"
    r"Công\s+an|Bộ\s+Chỉ\s+huy|Bộ|Tỉnh\s+đoàn|Liên\s+minh|Liên\s+đoàn|Cục|Chi\s+cục|Kho\s+bạc|Thanh\s+tra|"
    r"Các\s+cơ\s+quan|Các\s+đơn\s+vị|Các\s+doanh\s+nghiệp|Các\s+tổ\s+chức|Hội\s+(?!nghị|thi|thảo|chợ))(?=\W|$)"
)
_HEADER_LABELS = re.compile(r"chủ\s+trì|phối\s+hợp|thời\s+gian|sản\s+phẩm|kết\s+quả|kinh\s+phí|nội\s+dung|"
                            r"ghi\s+chú|nhiệm\s+vụ|\btt\b|\bstt\b", re.IGNORECASE)
_DOC_NUMBER = r"\d{1,5}\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐ][A-ZĐa-z0-9]*(?:\s*-\s*[A-ZĐa-z0-9]+)*"
_OWN_NUMBER = re.compile(rf"^(?:Số|SỐ)\s*:?\s*(?P<num>{_DOC_NUMBER})")
_ISSUED_WITH = re.compile(rf"(?:ban\s+hành\s+)?kèm\s+theo\s+(?:kế\s+hoạch|quyết\s+định)\s+số\s*:?\s*"
                          rf"(?P<num>{_DOC_NUMBER})(?P<rest>.*)$", re.IGNORECASE)
_HEADED_NUMBER = re.compile(rf"^(?:kế\s+hoạch|quyết\s+định)\s+số\s*:?\s*(?P<num>{_DOC_NUMBER})(?P<rest>.*)$",
                            re.IGNORECASE)
# "Kế hoạch số 07/KH-UBND ngày 11/01/2021 của UBND tỉnh X" cited in the preamble: the plan this one implements
_CITED_PLAN = re.compile(rf"(?P<head>Kế\s+hoạch\s+số\s*:?\s*(?P<num>{_DOC_NUMBER})\s+ngày\s+\d{{1,2}}\s*/\s*\d{{1,2}}"
                         rf"\s*/\s*\d{{4}}\s+của\s+(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)\s+"
                         rf"(?:tỉnh|Tỉnh|TỈNH))\s+(?P<where>[^\W\d_][^,.;:()]*)")
_DATE_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
_DATE_SLASH = re.compile(r"ngày\s+(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.IGNORECASE)
# "Hà Tĩnh, ngày 15 tháng 12 năm 2020": a place, a comma, the date (alone or after "Số: ..." on its line)
_PLACE_DATE = re.compile(r"[^\W\d_][\w\s.]{0,40},\s*ngày\s+\d{1,2}\s+tháng\s+\d", re.IGNORECASE)
_PROGRAMME = re.compile(r"\b(\d{2,4})\s*/\s*QĐ\s*-\s*TTg\b", re.IGNORECASE)
_PROVINCE_AFTER = re.compile(r"\b(?:tỉnh|Tỉnh|TỈNH|thành\s+phố|Thành\s+phố|THÀNH\s+PHỐ)\s+(?P<name>[^\W\d_][^\s,.;:()]*"
                             r"(?:\s+[^\W\d_][^\s,.;:()]*){0,3})")
_PREAMBLE_START = re.compile(r"^(?:Căn\s+cứ|Xét|Thực\s+hiện\s+(?:các\s+)?(?:Quyết|Nghị|Chỉ|Kế|Công|Thông|Luật|"
                             r"Văn\s+bản)|\()", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(?:KT\.|TM\.|Q\.)?\s*(?:PHÓ\s+)?CHỦ\s+TỊCH\b")
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")


# --- reading ---------------------------------------------------------------------------------------------

_OFFICE_SIGNATURES = {
    b"PK\x03\x04": "a Word/Excel (.docx/.xlsx) or ZIP file",
    b"\xd0\xcf\x11\xe0": "an old Word/Excel (.doc/.xls) file",
    b"{\\rtf": "an RTF document",
}


def split_lines(text: str) -> list[str]:
    """Lines as the provenance gate counts them: CRLF, CR and LF each end one line."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_plan_lines(path: Path | str) -> list[str]:
    """The lines of a plan text (NFC; a BOM stripped); TextFileError for PDFs, binaries, legacy encodings."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise TextFileError(f"{path}: cannot be read ({err.strerror or err})") from None
    for magic, what in _OFFICE_SIGNATURES.items():
        if data.startswith(magic):
            raise TextFileError(f"{path}: this looks like {what}, not plain text; save or export it as plain "
                                "text (UTF-8) first and check the result")
    return split_lines(decode_text(data, path, allow_bom=True, allow_nfd=True))


def _key(text: str) -> str:
    return fold(text).casefold()


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not Path(path).exists():
        return []
    return list(csv.DictReader(read_text(path).splitlines()))


def _year_ok(value: int) -> bool:
    return YEAR_MIN <= value <= YEAR_MAX


def year_in(text: str) -> tuple[int, str] | None:
    """The target year a heading or a lead-in names, with the words that name it (visions skipped).

    "Giai đoạn 2021 - 2025" -> 2025, "Đến năm 2030" -> 2030, "đến hết năm 2023" -> 2023, "Năm 2024" -> 2024.
    """
    text = fold(text)
    vision = [m.span() for m in _VISION.finditer(text)]
    found = []
    for pattern, group in ((_PERIOD, 2), (_BY_YEAR, 1), (_IN_YEAR, 1)):
        for m in pattern.finditer(text):
            if any(a <= m.start() < b or a < m.end() <= b for a, b in vision):
                continue
            if _year_ok(int(m[group])):
                found.append((m.start(), -m.end(), int(m[group]), m[0]))
    if not found:
        return None
    _, _, year, words = min(found)
    return year, words


# --- objectives: headings, items, clauses ----------------------------------------------------------------

@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str  # as printed, folded
    title: str  # without its number


def _is_roman_heading(s: str) -> re.Match[str] | None:
    m = _ROMAN.match(s)
    if m and not m["title"][0].isdigit():
        return m
    return None


def _heading(s: str, line: int) -> Heading | None:
    """The line as a heading, or None. Arabic and lettered headings only when short and numberless."""
    m = _is_roman_heading(s)
    if m:
        return Heading(line, 1, fold(s), fold(m["title"]))
    m = _ARABIC.match(s) or _ARABIC_MULTI.match(s)
    level = None
    if m:
        level = 1 + m["num"].count(".") + 1
    else:
        m = _LETTER.match(s)
        if m:
            level = 6
    if not m or parse_quantities(m["title"]):
        return None
    title = fold(m["title"])
    words = len(title.split())
    key = title.casefold()
    if key.startswith(("mục tiêu", "chỉ tiêu")) and words <= 12:
        return Heading(line, level, fold(s), title)
    if year_in(title) and words <= 12 and not title.endswith((";", ",")):
        return Heading(line, level, fold(s), title)
    if level < 6 and words <= 6 and not title.endswith((".", ";", ",", ":")):
        return Heading(line, level, fold(s), title)
    return None


def _is_objectives_title(title: str) -> bool:
    key = title.casefold()
    return "mục tiêu" in key and not re.search(r"nhiệm\s+vụ|giải\s+pháp", key)


def _caps_heading(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 6 and all(c.isupper() for c in letters) and len(s.split()) <= 12


@dataclass
class Item:
    """One list item or paragraph of the objectives section: its text and where each line begins in it."""

    text: str = ""
    starts: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, raw line number)
    noise: list[tuple[int, int]] = field(default_factory=list)  # spans of page numbers kept verbatim
    year: tuple[int, str] | None = None  # the year context when the item began

    def add(self, line_no: int, s: str, noise: bool = False) -> None:
        if self.text:
            self.text += " "
        start = len(self.text)
        self.starts.append((start, line_no))
        self.text += s
        if noise:
            self.noise.append((start, len(self.text)))

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, no in self.starts:
            if start <= offset:
                line = no
        return line


def _clauses(text: str) -> list[tuple[int, int]]:
    """Spans of the clauses of an item: split at ';' and at sentence ends ('. ' + capital)."""
    spans, start = [], 0
    for m in re.finditer(r"[;.!?](?=\s|$)", text):
        end = m.end()
        if m[0] == ".":
            rest = text[end:].lstrip()
            before = text[start:m.start()].split()
            if rest and not (rest[0].isupper() or rest[0].isdigit()):
                continue
            if before and (len(before[-1]) <= 3 and before[-1].isupper() or before[-1].isdigit()):
                continue  # "TP. Hồ Chí Minh", "2. 80% ..."
        spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] in ";,"):
            b -= 1
        if b > a:
            out.append((a, b))
    return out


@dataclass(frozen=True)
class Keyword:
    code: str
    phrase: str
    parts: tuple[re.Pattern[str], ...]
    weight: float


def load_keywords(path: Path | str = KEYWORDS_FILE) -> list[Keyword]:
    """The indicator keyword lists: 'a + b' needs both phrases; matching ignores case and spacing."""
    out = []
    for row in _read_csv(Path(path)):
        parts = tuple(
            re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in _key(p).split()) + r"(?!\w)")
            for p in row["keyword"].split("+") if p.strip()
        )
        out.append(Keyword(row["indicator_code"].strip(), fold(row["keyword"]), parts, float(row["weight"])))
    return out


@dataclass(frozen=True)
class Suggestion:
    code: str
    confidence: float
    reason: str


def suggest_indicator(q: Quantity, clause: str, item: str, keywords: list[Keyword], units: dict[str, str],
                      others: list[Quantity] | None = None) -> Suggestion:
    """The codebook indicator a number most likely measures, from keywords near it.

    The words between the number and its neighbours weigh most (before it when a copula such as "đạt"
    leads to it, "X đạt 85%"; after it otherwise, "85% các X"), then the rest of its clause (half), then the
    rest of its item (a quarter); the indicator with the keyword nearest the number gets one more point.
    Only indicators in the number's unit are considered.
    """
    others = sorted(others or [q], key=lambda o: o.start)
    prev_end = max([o.end for o in others if o.end <= q.start], default=0)
    next_start = min([o.start for o in others if o.start >= q.end], default=len(clause))
    before, after = clause[prev_end:q.start], clause[q.end:next_start]
    if _COPULA_BEFORE.search(before) and before.strip():
        primary, p_start = before, prev_end
    else:
        primary, p_start = after, q.end
    windows = [(primary.casefold(), 1.0), (clause.casefold(), 0.5), (item.casefold(), 0.25)]
    scores: Counter[str] = Counter()
    hits: dict[str, list[str]] = {}
    nearest: tuple[int, str, str] | None = None
    for kw in keywords:
        if units.get(kw.code) != q.unit:
            continue
        factor = 1.0
        for part in kw.parts:
            f = next((w for text, w in windows if part.search(text)), 0.0)
            factor = min(factor, f)
        if not factor:
            continue
        scores[kw.code] += kw.weight * factor
        hits.setdefault(kw.code, []).append(f"'{kw.phrase}'" + ("" if factor == 1 else f" (x{factor:g})"))
        if factor == 1.0:
            for part in kw.parts:
                for m in part.finditer(primary.casefold()):
                    a, b = p_start + m.start(), p_start + m.end()
                    dist = q.start - b if b <= q.start else a - q.end
                    if nearest is None or dist < nearest[0]:
                        nearest = (dist, kw.code, kw.phrase)
    if nearest:
        scores[nearest[1]] += 1
        hits[nearest[1]].append(f"nearest the number '{nearest[2]}' (+1)")
    if not scores:
        return Suggestion("", 0.0, f"indicator: no codebook keyword for a {q.unit} value matched")
    ranked = scores.most_common()
    best_code, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(min(1.0, best / 4) * best / (best + second), 2)
    reason = f"indicator {best_code} ({best:g}): {', '.join(hits[best_code])}"
    if len(ranked) > 1:
        reason += f"; next {ranked[1][0]} ({second:g})"
    return Suggestion(best_code, confidence, reason)


# --- the plan header ----------------------------------------------------------------------------------------

def _iso_date(text: str) -> str | None:
    m = _DATE_WORDS.search(text) or _DATE_SLASH.search(text)
    if not m:
        return None
    d, mo, y = int(m[1]), int(m[2]), int(m[3])
    if 1 <= d <= 31 and 1 <= mo <= 12 and _year_ok(y):
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _first_roman(lines: list[str]) -> int:
    for i, raw in enumerate(lines):
        if _is_roman_heading(raw.strip()):
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
        if _SEPARATOR.match(s) or _PREAMBLE_START.match(s) or len(parts) >= 4:
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
    for m in _PROVINCE_AFTER.finditer(text):
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
    title, title_line, doc_type = _title(lines, header_end)
    if title_line:
        reasons.append(f"title from line {title_line}")
    doc_number, issued_on = "", None
    for i, s in enumerate(header):
        m = _OWN_NUMBER.match(s) or _HEADED_NUMBER.match(s)
        if m:
            doc_number = re.sub(r"\s+", "", m["num"])
            issued_on = _iso_date(m.groupdict().get("rest") or "")
            reasons.append(f"number from line {i + 1}")
            break
    if not doc_number:
        for i, raw in enumerate(lines):
            m = _ISSUED_WITH.search(fold(raw))
            if m:
                doc_number = re.sub(r"\s+", "", m["num"])
                issued_on = _iso_date(m["rest"])
                reasons.append(f"number and date from line {i + 1}")
                break
    for i, s in enumerate(header[:30]):
        m = _PLACE_DATE.search(s)
        if m and _iso_date(s[m.start():]):
            issued_on = _iso_date(s[m.start():])
            reasons.append(f"date from line {i + 1}")
            break
    implements = ""
    preamble = fold(" ".join(lines[:header_end]))
    for m in _CITED_PLAN.finditer(preamble):
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
    m = _PERIOD.search(key)
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
    v = _VISION.search(title)
    if v:
        vision = int(v[1])
    counts: Counter[str] = Counter()
    for s in lines:
        for m in _PROGRAMME.finditer(s):
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
        if _SIGNATURE.match(fold(raw)):
            for nxt in lines[i + 1: i + 25]:
                s = fold(nxt)
                if not s or _SIGNATURE.match(s) or s.startswith(("(", "[")):
                    continue  # blank lines, the title repeated, "(Đã ký)"
                if _NAME.match(s):
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


# --- targets ---------------------------------------------------------------------------------------------

def _objective_sections(lines: list[str]) -> list[tuple[int, int, Heading]]:
    """(first, last) 0-based line indexes of each objectives section, with its heading."""
    found = []
    n = len(lines)
    for i, raw in enumerate(lines):
        s = fold(raw)
        if not s:
            continue
        h = _heading(s, i + 1)
        caps = h is None and _caps_heading(s) and _is_objectives_title(s)
        if not ((h and _is_objectives_title(h.title)) or caps):
            continue
        level = h.level if h else 1
        end = n - 1
        for j in range(i + 1, n):
            t = fold(lines[j])
            if not t:
                continue
            h2 = _heading(t, j + 1)
            if (h2 and h2.level <= level) or (level == 1 and h2 is None and _caps_heading(t)
                                              and not _is_objectives_title(t)):
                end = j - 1
                break
        if found and i <= found[-1][1]:
            continue  # a sub-heading ("2. Mục tiêu cụ thể") inside a section already found
        found.append((i, end, h or Heading(i + 1, 1, s, s)))
    return found


@dataclass
class _Context:
    """The year in force: a stack of headings with their years, and a lead-in sentence's year."""

    stack: list[tuple[int, tuple[int, str] | None, Heading]] = field(default_factory=list)
    leadin: tuple[int, str, int] | None = None  # year, words, line

    def push(self, h: Heading) -> None:
        self.stack = [e for e in self.stack if e[0] < h.level]
        self.stack.append((h.level, year_in(h.title), h))
        self.leadin = None

    def year(self) -> tuple[int, str] | None:
        if self.leadin:
            y, words, line = self.leadin
            return y, f"year {y} from the lead-in '{words}' (line {line})"
        for _level, y, h in reversed(self.stack):
            if y:
                return y[0], f"year {y[0]} from the heading '{h.text}' (line {h.line})"
        return None


def _items(lines: list[str], first: int, last: int, section: Heading) -> list[Item]:
    ctx = _Context()
    ctx.push(section)
    items: list[Item] = []
    cur: Item | None = None
    for i in range(first + 1, last + 1):
        s = fold(lines[i])
        if not s:
            continue
        if _PAGE_NUMBER.match(s):
            if cur is not None:
                cur.add(i + 1, s, noise=True)
            continue
        h = _heading(s, i + 1)
        if h:
            ctx.push(h)
            cur = None
            continue
        marker = _MARKER.match(s)
        prev_done = cur is None or cur.text.rstrip().endswith((".", ";", ":", "!", "?"))
        starts_item = bool(marker) or (prev_done and (s[0].isupper() or s[0].isdigit()))
        if starts_item or cur is None:
            if cur is not None:
                _close(cur, ctx)
            cur = Item(year=ctx.year())
            items.append(cur)
            body = s[marker.end():] if marker else s
            cur.add(i + 1, body)
        else:
            cur.add(i + 1, s)
    if cur is not None:
        _close(cur, ctx)
    return items


def _close(item: Item, ctx: _Context) -> None:
    """A lead-in ('Phấn đấu đến hết năm 2023 ... đạt các chỉ tiêu:') sets the year of the items after it."""
    text = item.text.rstrip()
    if text.endswith(":") and not _quantities(item, 0, len(text)):
        y = year_in(text)
        if y:
            ctx.leadin = (y[0], y[1], item.starts[0][1])


def _quantities(item: Item, a: int, b: int) -> list[Quantity]:
    clause = item.text[a:b]
    out = []
    for q in parse_quantities(clause):
        if any(na <= a + q.start < nb for na, nb in item.noise):
            continue  # a page number kept in the quote
        out.append(q)
    return out


def _clause_year(clause: str) -> tuple[int, str] | None:
    """A year the sentence itself sets: 'đến năm 2025' anywhere, 'Năm 2024'/'Giai đoạn ...' at its start."""
    text = fold(clause)
    vision = [m.span() for m in _VISION.finditer(text)]
    for m in _BY_YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b in vision) and _year_ok(int(m[1])):
            return int(m[1]), m[0]
    y = year_in(text[:40])
    if y and text.casefold().startswith(y[1].casefold()[:4]):
        return y
    return None


def extract_targets(lines: list[str], plan_id: str, keywords: list[Keyword], units: dict[str, str],
                    default_year: tuple[int, str] | None = None) -> tuple[list[dict[str, str]], list[str]]:
    """Draft rows of targets.csv: one per number of each clause of the objectives section(s)."""
    sections = _objective_sections(lines)
    if not sections:
        return [], ["no objectives section (a heading such as 'II. MỤC TIÊU' or '2. Mục tiêu cụ thể') was "
                    "found; no targets drafted"]
    rows: list[dict[str, str]] = []
    columns = TABLES["targets"].column_names
    for first, last, heading in sections:
        for item in _items(lines, first, last, heading):
            for a, b in _clauses(item.text):
                qs = _quantities(item, a, b)
                if not qs:
                    continue
                clause = item.text[a:b]
                year = _clause_year(clause)
                why_year = f"year {year[0]} from the sentence ('{year[1]}')" if year else None
                if year is None and item.year:
                    year, why_year = item.year, item.year[1]
                if year is None and default_year:
                    year, why_year = default_year, default_year[1]
                for q in qs:
                    s = suggest_indicator(q, clause, item.text, keywords, units, qs)
                    row = {c: "" for c in columns}
                    row.update(
                        target_id=f"{plan_id}/t{len(rows) + 1:02d}", plan_id=plan_id, indicator_code=s.code,
                        value_low=_num(q.low), value_high=_num(q.high), comparator=q.comparator, unit=q.unit,
                        value_as_printed=q.text, target_year=str(year[0]) if year else "", quote=fold(clause),
                        line_start=str(item.line_at(a)), line_end=str(item.line_at(b - 1)),
                        indicator_confidence=f"{s.confidence:.2f}",
                        reason=f"{why_year or 'no year found: set target_year'}; {s.reason}",
                    )
                    rows.append(row)
    return rows, []


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


# --- tasks -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgencyMatcher:
    """Longest alias of data/curated/agency_aliases.csv that starts a text (NFC, folded, any case)."""

    aliases: tuple[tuple[str, str, str], ...]  # (key, code, alias as printed), longest first

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]]) -> AgencyMatcher:
        items = sorted(((_key(r["alias"]), r["agency_code"], fold(r["alias"])) for r in rows),
                       key=lambda t: -len(t[0]))
        return cls(tuple(items))

    def match(self, text: str) -> tuple[str, str]:
        """(code, matched text as printed); ('', '') when no alias starts the text."""
        s = fold(text)
        key = s.casefold()
        for alias, code, _printed in self.aliases:
            if key.startswith(alias) and (len(key) == len(alias) or not key[len(alias)].isalnum()):
                return code, s[: len(alias)]
        return "", ""

    def find_at_end(self, text: str) -> int | None:
        """Offset where a whole alias ends the text after other words ("... điểm kinh Sở Công Thương")."""
        key = fold(text).casefold()
        for alias, _code, _printed in self.aliases:
            if key.endswith(" " + alias) and len(key) > len(alias) + 1:
                return len(key) - len(alias)
        return None

    def starts_agency(self, text: str) -> bool:
        return bool(_AGENCY_START.match(fold(text))) or bool(self.match(text)[0])


_COLUMN_LABELS = {"chủ trì", "phối hợp", "thời gian", "sản phẩm", "kết quả", "kinh phí"}


def _labels(s: str) -> set[str]:
    return {" ".join(m.casefold().split()) for m in _HEADER_LABELS.findall(s)} & _COLUMN_LABELS


def _appendix_start(lines: list[str]) -> tuple[int, str] | None:
    """0-based index where the task appendix begins and its name, or None.

    A heading "PHỤ LỤC", else a table header: column labels ("Cơ quan chủ trì", "Cơ quan phối hợp",
    "Thời gian thực hiện", "Sản phẩm") on one line or on consecutive short lines (one cell per line).
    """
    for i, raw in enumerate(lines):
        s = fold(raw)
        if re.match(r"^phụ\s+lục\b", s, re.IGNORECASE) and len(s.split()) <= 6:
            return i, s
    folded = [fold(x) for x in lines]
    for i, s in enumerate(folded):
        if not s:
            continue
        if len(_labels(s)) >= 3:
            return i, "Phụ lục"
        window = [t for t in folded[i: i + 10] if t][:6]
        labels: set[str] = set()
        for t in window:
            if len(t.split()) > 6:
                break
            labels |= _labels(t)
        if len(labels) >= 3:
            return i, "Phụ lục"
    return None


@dataclass
class _Row:
    number: str
    first_line: int
    section: str
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, raw line)


def _row_start(s: str, expected: set[int], last: int) -> tuple[int, str] | None:
    """A row's number at the start of a line: alone ("7", "7 6" with a stray number), or before the task's
    first words, which begin with a capital ("1  Tổ chức ..."; "03 lớp 2021" is an output, not a row)."""
    m = re.match(r"^(\d{1,3})(?:\s+\d{1,2})?(?:\s+(?P<rest>[^\d\s].*))?$", s)
    if not m or int(m[1]) not in expected:
        return None
    rest = (m["rest"] or "").strip()
    if rest and not (rest[0].isupper() and int(m[1]) in (last + 1, 1)):
        return None
    return int(m[1]), rest


def _all_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 10 and all(c.isupper() for c in letters) and len(s.split()) >= 3 \
        and not re.search(r"\d", s)


def _split_rows(lines: list[str], start: int, default_section: str) -> list[_Row]:
    """The rows of a flattened table: a row begins at its number (the next in sequence, or 1 after a
    section heading); roman-numbered or upper-case lines are section headings (repeats of merged cells
    skipped); after a section heading, text before any number opens a row whose number is not printed."""
    rows: list[_Row] = []
    section = default_section
    last = 0
    fresh_section = True
    after_heading = False
    seen: set[str] = set()
    i = start + 1
    while i < len(lines):
        raw = lines[i]
        s = fold(raw)
        i += 1
        if not s or s.casefold() in seen:
            continue
        m_alone = _ROMAN_ALONE.match(s)
        m_roman = _is_roman_heading(s)
        if m_alone or m_roman or _all_caps(s):
            if m_roman:
                title = fold(m_roman["title"])
            elif m_alone:
                title = next((fold(x) for x in lines[i:i + 4] if fold(x)), "")
            else:
                title = s
            section = f"{(m_alone or m_roman)['num']}. {title}" if (m_alone or m_roman) else title
            seen.add(title.casefold())
            fresh_section = True
            after_heading = bool(rows)
            continue
        expected = {last + 1, last + 2}
        if fresh_section or not rows:
            expected.add(1)
        rs = _row_start(s, expected, last)
        if rs:
            number, rest = rs
            rows.append(_Row(str(number), i, section))
            if rest:  # the rest of the line as printed (tabs may separate its cells)
                m = re.match(r"^\s*\d{1,3}(?:[ \t\u00a0]+\d{1,2}(?=\s|$))?", raw)
                rows[-1].lines.append((i, raw[m.end():] if m else rest))
            last, fresh_section, after_heading = number, False, False
            continue
        if after_heading and not _PAGE_NUMBER.match(s):
            rows.append(_Row("", i, section))  # a row whose number the text does not print
            after_heading = fresh_section = False
        if rows:
            if re.fullmatch(r"\d{1,2}", s) and not rows[-1].lines:
                continue  # the rest of a row number broken over two lines ("11 1" / "0")
            if _PAGE_NUMBER.match(s):
                continue
            rows[-1].lines.append((i, raw))
    return rows


def _cells(row: _Row, tabbed: bool) -> list[tuple[int, str]]:
    """The cells of a row. In a tab-flattened table a tab starts a cell (a line led by a tab, or a tab
    inside a line) and a line without one continues the cell before; otherwise each line is a cell."""
    cells: list[tuple[int, str]] = []
    for no, raw in row.lines:
        first, *others = raw.split("\t") if tabbed else [raw]
        new_cell = not tabbed or not cells or no == row.first_line or raw.lstrip(" \u00a0").startswith("\t")
        if fold(first):
            if new_cell:
                cells.append((no, fold(first)))
            else:
                cells[-1] = (cells[-1][0], cells[-1][1] + " " + fold(first))
        cells += [(no, fold(seg)) for seg in others if fold(seg)]
    return cells


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _years(timing: str, plan_start: int | None) -> tuple[str, str]:
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", timing) if _year_ok(int(y))]
    if not years:
        return "", ""
    if len(years) == 1 and re.match(r"^\s*trước", timing, re.IGNORECASE):
        return (str(plan_start) if plan_start else ""), str(years[0])
    return str(min(years)), str(max(years))


def extract_tasks(lines: list[str], plan_id: str, agencies: AgencyMatcher, plan_start: int | None = None
                  ) -> tuple[list[dict[str, str]], list[str]]:
    """Draft rows of tasks.csv from a flattened appendix task table, as far as the text allows."""
    found = _appendix_start(lines)
    if not found:
        return [], ["no task appendix (PHỤ LỤC or a table with 'Cơ quan chủ trì' columns) in the text; "
                    "no tasks drafted"]
    start, name = found
    appendix = [x for x in lines[start:] if fold(x)]
    tabbed = sum("\t" in x for x in appendix) > len(appendix) / 2
    default_section = name if name.casefold() != "phụ lục" else "Phụ lục"
    rows = _split_rows(lines, start, default_section)
    out: list[dict[str, str]] = []
    warnings: list[str] = []
    columns = TABLES["tasks"].column_names
    for row in rows:
        cells = _cells(row, tabbed)
        if not cells:
            continue
        title_parts = [cells[0][1]]
        rest = cells[1:]
        if not tabbed:  # a title broken over lines ends where a body's name begins
            while rest and not agencies.starts_agency(rest[0][1]) and not _TIMING.match(rest[0][1]):
                title_parts.append(rest[0][1])
                rest = rest[1:]
            # cells merged side by side: "... điểm kinh Sở Công Thương" ends with the lead agency's name
            for k, part in enumerate(title_parts):
                cut = agencies.find_at_end(part)
                if cut:
                    title_parts, tail = title_parts[:k] + [part[:cut].rstrip()], part[cut:]
                    rest = [(row.first_line, tail)] + rest
                    break
        lead_text = lead_code = timing = funding = output = frequency = ""
        details: list[str] = []
        agency_cells = 0
        joined_rest = " ".join(c for _, c in rest)
        label = _LEAD_LABEL.search(joined_rest)
        if label:
            lead_text = label["lead"].strip().rstrip(".;")
        for _no, cell in rest:
            if _TIMING.match(cell):
                timing = timing or cell
                continue
            if _LEAD_LABEL.search(cell) or re.match(r"^[-–]?\s*(?:đơn\s+vị|cơ\s+quan)\s+phối\s+hợp", cell, re.I):
                continue
            if _FUNDING.match(cell):
                funding = funding or cell
                continue
            if agencies.starts_agency(cell) and agency_cells < 2:
                agency_cells += 1
                if agency_cells == 1 and not lead_text:
                    lead_text = cell
                continue
            trailing = _TRAILING_TIMING.match(cell)
            if trailing and not tabbed:
                output, timing = output or trailing["output"], timing or trailing["timing"]
                continue
            if not tabbed and agency_cells:
                continue  # a line of the agency cells, broken over lines
            if not agency_cells and not timing:
                details.append(cell)
            elif not output:
                output = cell
            else:
                details.append(cell)
        if not tabbed and lead_text:
            # the lead cell may be broken over lines: match on the text from where it begins
            pos = joined_rest.find(lead_text)
            lead_text = joined_rest[pos:] if pos >= 0 else lead_text
        if lead_text:
            lead_code, printed = agencies.match(lead_text)
            if not lead_code:
                printed = re.split(r"[;,]|\s+-\s+", lead_text)[0].strip().rstrip(".")
                warnings.append(f"task {row.number} (line {row.first_line}): lead agency {printed!r} matches no "
                                "alias in agency_aliases.csv")
            lead_text = printed
        freq = _FREQUENCY.search(timing) or _FREQUENCY.search(joined_rest)
        if freq:
            frequency = fold(freq[1])[0].upper() + fold(freq[1])[1:]
        start_year, end_year = _years(timing, plan_start)
        start_inferred = bool(start_year) and start_year not in timing  # 'Trước năm 2025': the plan's start
        last_line = max(no for no, _ in row.lines) if row.lines else row.first_line
        task = {c: "" for c in columns}
        task.update(
            task_id=f"{plan_id}/T-{len(out) + 1:02d}", plan_id=plan_id, task_kind="assignment",
            section=row.section, is_section_inferred=_flag(row.section == default_section),  # no heading above
            is_start_year_inferred=_flag(start_inferred),
            is_end_year_inferred="false", number_as_printed=row.number, title=fold(" ".join(title_parts)),
            details=fold(" ".join(details)),
            lead_agency_code=lead_code, output=fold(output), start_year=start_year, end_year=end_year,
            frequency=frequency, timing_as_printed=fold(timing), funding_as_printed=fold(funding),
            line_start=str(row.first_line), line_end=str(last_line), lead_agency_as_printed=lead_text,
        )
        out.append(task)
    return out, warnings


# --- the whole draft ---------------------------------------------------------------------------------------

@dataclass
class Draft:
    """What `extract_plan` found: one plan row, target rows, task rows, a manifest row and warnings."""

    plan: dict[str, str]
    targets: list[dict[str, str]]
    tasks: list[dict[str, str]]
    manifest: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def extract_plan(path: Path | str, curated_dir: Path | str, province: str | None = None,
                 plan_id: str | None = None, keywords_file: Path | str = KEYWORDS_FILE) -> Draft:
    """Draft the curated rows of one plan text.

    Args:
        path: the plan's plain text (see `read_plan_lines` for what is accepted or refused).
        curated_dir: data/curated, for provinces.csv, indicators.csv and agency_aliases.csv.
        province: name or slug of the province (any case, with or without diacritics); guessed from the
            header's "tỉnh X" when not given.
        plan_id: identifier of the plan; by default the file's stem, as in plans.csv.

    Raises:
        TextFileError: the file is not clean text (PDF, binary, legacy encoding, empty).
        UnknownProvinceError: `province` names no province of provinces.csv.
    """
    path = Path(path)
    curated_dir = Path(curated_dir)
    lines = read_plan_lines(path)
    plan_id = plan_id or path.stem
    warnings: list[str] = []
    text = "\n".join(lines)
    if not has_vietnamese_letters(text):
        warnings.append("the text holds no Vietnamese letters with diacritics: check that it is the plan, "
                        "converted to Unicode")
    provinces = _read_csv(curated_dir / "provinces.csv")
    plan, w = extract_plan_header(lines, plan_id, path.name, provinces, province)
    warnings += w
    default_year = None
    if plan["period_end_year"]:
        default_year = (int(plan["period_end_year"]), f"year {plan['period_end_year']} from the plan's title "
                        "(no heading or sentence names one)")
    indicators = _read_csv(curated_dir / "indicators.csv")
    units = {r["indicator_code"]: r["unit"] for r in indicators}
    keywords = load_keywords(keywords_file)
    unknown = sorted({k.code for k in keywords} - set(units))
    if unknown:
        warnings.append(f"indicator_keywords.csv names codes not in indicators.csv: {', '.join(unknown)}")
    targets, w = extract_targets(lines, plan_id, keywords, units, default_year)
    warnings += w
    agencies = AgencyMatcher.from_rows(_read_csv(curated_dir / "agency_aliases.csv"))
    start = int(plan["period_start_year"]) if plan["period_start_year"] else None
    tasks, w = extract_tasks(lines, plan_id, agencies, start)
    warnings += w
    from sxtd_analysis.provenance import MANIFEST_COLUMNS

    manifest = {c: "" for c in MANIFEST_COLUMNS}
    end = plan["period_end_year"]
    manifest.update(
        file_name=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), original_file_name=path.name,
        province_slug=plan["province_slug"], doc_type=plan["doc_type"], doc_number=plan["doc_number"],
        issued_on=plan["issued_on"], issuing_body=plan["issuing_body"], signer=plan["signer"],
        period=f"{plan['period_start_year']}-{end}" if end else "", programme=plan["programme"],
        notes="drafted by sxtd extract; review",
    )
    return Draft(plan, targets, tasks, manifest, warnings)


def write_drafts(draft: Draft, out_dir: Path | str) -> dict[str, Path]:
    """Write plan_draft.csv, targets_draft.csv, tasks_draft.csv and manifest_draft.csv into `out_dir`.

    Columns are those of the curated tables (schema.TABLES) followed by the review columns.
    """
    from sxtd_analysis.provenance import MANIFEST_COLUMNS

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = {
        "plans": ([draft.plan], TABLES["plans"].column_names + list(PLAN_REVIEW_COLUMNS)),
        "targets": (draft.targets, TABLES["targets"].column_names + list(TARGET_REVIEW_COLUMNS)),
        "tasks": (draft.tasks, TABLES["tasks"].column_names + list(TASK_REVIEW_COLUMNS)),
        "manifest": ([draft.manifest], list(MANIFEST_COLUMNS)),
    }
    written = {}
    for name, (rows, columns) in specs.items():
        path = out_dir / DRAFT_FILES.get(name, f"{name}_draft.csv")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        written[name] = path
    return written
