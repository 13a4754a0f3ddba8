"""Draft rows of tasks.csv from an appendix task table, with the lead and partner agencies each row names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sxtd_analysis.extract.agencies import AgencyMatcher, Mention, split_agencies
from sxtd_analysis.extract.patterns import (
    FREQUENCY,
    FUNDING,
    HEADER_LABELS,
    LEAD_LABEL,
    PAGE_NUMBER,
    PARTNER_LABEL,
    ROMAN_ALONE,
    TIMING,
    TRAILING_TIMING,
)
from sxtd_analysis.extract.reading import year_ok
from sxtd_analysis.extract.sections import is_roman_heading
from sxtd_analysis.schema import TABLES
from sxtd_analysis.text import fold

_COLUMN_LABELS = {"chủ trì", "phối hợp", "thời gian", "sản phẩm", "kết quả", "kinh phí"}


def _labels(s: str) -> set[str]:
    return {" ".join(m.casefold().split()) for m in HEADER_LABELS.findall(s)} & _COLUMN_LABELS


def appendix_start(lines: list[str]) -> tuple[int, str] | None:
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
        m_alone = ROMAN_ALONE.match(s)
        m_roman = is_roman_heading(s)
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
        if after_heading and not PAGE_NUMBER.match(s):
            rows.append(_Row("", i, section))  # a row whose number the text does not print
            after_heading = fresh_section = False
        if rows:
            if re.fullmatch(r"\d{1,2}", s) and not rows[-1].lines:
                continue  # the rest of a row number broken over two lines ("11 1" / "0")
            if PAGE_NUMBER.match(s):
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
    years = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", timing) if year_ok(int(y))]
    if not years:
        return "", ""
    if len(years) == 1 and re.match(r"^\s*trước", timing, re.IGNORECASE):
        return (str(plan_start) if plan_start else ""), str(years[0])
    return str(min(years)), str(max(years))


def extract_tasks(lines: list[str], plan_id: str, agencies: AgencyMatcher, plan_start: int | None = None
                  ) -> tuple[list[dict[str, str]], dict[str, list[tuple[str, Mention]]], list[str]]:
    """Draft rows of tasks.csv from a flattened appendix task table, as far as the text allows.

    Returns the task rows, the agencies each task names ({task_id: [(role, Mention), ...]}: the lead cell's
    agencies lead, the others are partners) and warnings.
    """
    found = appendix_start(lines)
    if not found:
        return [], {}, ["no task appendix (PHỤ LỤC or a table with 'Cơ quan chủ trì' columns) in the text; "
                        "no tasks drafted"]
    start, name = found
    appendix = [x for x in lines[start:] if fold(x)]
    tabbed = sum("\t" in x for x in appendix) > len(appendix) / 2
    default_section = name if name.casefold() != "phụ lục" else "Phụ lục"
    rows = _split_rows(lines, start, default_section)
    out: list[dict[str, str]] = []
    named: dict[str, list[tuple[str, Mention]]] = {}
    warnings: list[str] = []
    columns = TABLES["tasks"].column_names
    for row in rows:
        cells = _cells(row, tabbed)
        if not cells:
            continue
        title_parts = [cells[0][1]]
        rest = cells[1:]
        if not tabbed:  # a title broken over lines ends where a body's name begins
            while rest and not agencies.starts_agency(rest[0][1]) and not TIMING.match(rest[0][1]):
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
        agency_texts: list[str] = []  # the agency cells as printed (lead first)
        agencies_closed = False  # a line that does not continue them ended the agency cells
        joined_rest = " ".join(c for _, c in rest)
        label = LEAD_LABEL.search(joined_rest)
        if label:
            lead_text = label["lead"].strip().rstrip(".;")
            partner = PARTNER_LABEL.search(joined_rest)
            agency_texts = [lead_text] + ([partner["partners"].strip()] if partner else [])
        for _no, cell in rest:
            if TIMING.match(cell):
                timing = timing or cell
                continue
            if LEAD_LABEL.search(cell) or re.match(r"^[-–]?\s*(?:đơn\s+vị|cơ\s+quan)\s+phối\s+hợp", cell, re.I):
                continue
            if FUNDING.match(cell):
                funding = funding or cell
                continue
            if agencies.starts_agency(cell) and agency_cells < 2 and not agencies_closed:
                agency_cells += 1
                if agency_cells == 1 and not lead_text:
                    lead_text = cell
                if not label:
                    agency_texts.append(cell)
                continue
            trailing = TRAILING_TIMING.match(cell)
            if trailing and not tabbed:
                output, timing = output or trailing["output"], timing or trailing["timing"]
                continue
            if not tabbed and agency_cells:
                if not (label or output or timing or funding or agencies_closed) and (
                        agencies.starts_agency(cell) or _continues(agency_texts[-1], cell)):
                    agency_texts[-1] += " " + cell
                else:
                    agencies_closed = True
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
        task_id = f"{plan_id}/T-{len(out) + 1:02d}"
        named[task_id] = _roles(agency_texts, agencies, by_cell=tabbed or bool(label))
        freq = FREQUENCY.search(timing) or FREQUENCY.search(joined_rest)
        if freq:
            frequency = fold(freq[1])[0].upper() + fold(freq[1])[1:]
        start_year, end_year = _years(timing, plan_start)
        start_inferred = bool(start_year) and start_year not in timing  # 'Trước năm 2025': the plan's start
        last_line = max(no for no, _ in row.lines) if row.lines else row.first_line
        task = {c: "" for c in columns}
        task.update(
            task_id=task_id, plan_id=plan_id, task_kind="assignment", section=row.section,
            is_section_inferred=_flag(row.section == default_section),  # no heading above the row
            is_start_year_inferred=_flag(start_inferred), is_end_year_inferred="false",
            number_as_printed=row.number, title=fold(" ".join(title_parts)), details=fold(" ".join(details)),
            lead_agency_code=lead_code, output=fold(output), start_year=start_year, end_year=end_year,
            frequency=frequency, timing_as_printed=fold(timing), funding_as_printed=fold(funding),
            line_start=str(row.first_line), line_end=str(last_line), lead_agency_as_printed=lead_text,
        )
        out.append(task)
    return out, named, warnings


def _continues(cell: str, line: str) -> bool:
    """Whether a line of a table flattened one line a cell goes on with the agency cell before it: it begins in
    lower case ("tỉnh; UBND các huyện,") or the cell stops at a comma, semicolon or "và". A line that begins
    with a capital after a finished name is the next column (output: "Các tin, bài, phóng sự")."""
    return line[:1].islower() or cell.rstrip().endswith((",", ";", " và", "-", "–"))


def _roles(cells: list[str], agencies: AgencyMatcher, by_cell: bool) -> list[tuple[str, Mention]]:
    """(role, agency) for each agency of a row's agency cells: the first cell's lead, the others partners.

    Where the cells are known (a tab-separated table, or "Đơn vị chủ trì: ... - Đơn vị phối hợp: ..."), the
    first cell is the lead cell. Where a table was flattened one line a cell, lines are cells run together:
    the lead cell ends at the first name that no ';' or ',' separates from the one before.
    """
    out: list[tuple[str, Mention]] = []
    if by_cell:
        for i, cell in enumerate(cells):
            out += [("lead" if i == 0 else "partner", m) for m in split_agencies(cell, agencies)]
        return out
    role = "lead"
    for m in split_agencies(" ".join(cells), agencies):
        if out and m.new_cell:
            role = "partner"
        out.append((role, m))
    return out
