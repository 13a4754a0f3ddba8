"""The objectives section of a plan: headings, list items, clauses and the year in force."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sxtd_analysis.extract.patterns import (
    ARABIC,
    ARABIC_MULTI,
    BY_YEAR,
    LETTER,
    MARKER,
    PAGE_NUMBER,
    ROMAN,
    VISION,
)
from sxtd_analysis.extract.reading import year_in, year_ok
from sxtd_analysis.numbers import Quantity, parse_quantities
from sxtd_analysis.text import fold


@dataclass(frozen=True)
class Heading:
    line: int
    level: int
    text: str  # as printed, folded
    title: str  # without its number


def is_roman_heading(s: str) -> re.Match[str] | None:
    m = ROMAN.match(s)
    if m and not m["title"][0].isdigit():
        return m
    return None


def _heading(s: str, line: int) -> Heading | None:
    """The line as a heading, or None. Arabic and lettered headings only when short and numberless."""
    m = is_roman_heading(s)
    if m:
        return Heading(line, 1, fold(s), fold(m["title"]))
    m = ARABIC.match(s) or ARABIC_MULTI.match(s)
    level = None
    if m:
        level = 1 + m["num"].count(".") + 1
    else:
        m = LETTER.match(s)
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


def split_clauses(text: str) -> list[tuple[int, int]]:
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


def objective_sections(lines: list[str]) -> list[tuple[int, int, Heading]]:
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


def objective_items(lines: list[str], first: int, last: int, section: Heading) -> list[Item]:
    ctx = _Context()
    ctx.push(section)
    items: list[Item] = []
    cur: Item | None = None
    for i in range(first + 1, last + 1):
        s = fold(lines[i])
        if not s:
            continue
        if PAGE_NUMBER.match(s):
            if cur is not None:
                cur.add(i + 1, s, noise=True)
            continue
        h = _heading(s, i + 1)
        if h:
            ctx.push(h)
            cur = None
            continue
        marker = MARKER.match(s)
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
    if text.endswith(":") and not item_quantities(item, 0, len(text)):
        y = year_in(text)
        if y:
            ctx.leadin = (y[0], y[1], item.starts[0][1])


def item_quantities(item: Item, a: int, b: int) -> list[Quantity]:
    clause = item.text[a:b]
    out = []
    for q in parse_quantities(clause):
        if any(na <= a + q.start < nb for na, nb in item.noise):
            continue  # a page number kept in the quote
        out.append(q)
    return out


def clause_year(clause: str) -> tuple[int, str] | None:
    """A year the sentence itself sets: 'đến năm 2025' anywhere, 'Năm 2024'/'Giai đoạn ...' at its start."""
    text = fold(clause)
    vision = [m.span() for m in VISION.finditer(text)]
    for m in BY_YEAR.finditer(text):
        if not any(a <= m.start() < b for a, b in vision) and year_ok(int(m[1])):
            return int(m[1]), m[0]
    y = year_in(text[:40])
    if y and text.casefold().startswith(y[1].casefold()[:4]):
        return y
    return None
