"""Agencies in a task row: names matched to data/curated/agency_aliases.csv, lists split into lead and
partner agencies, and a proposed agency (code, English name, kind) for a name no alias matches.

Two mappings kept as data beside the package: `data/agency_groups.csv` (how a group such as "các Sở, ngành
liên quan" begins, and the group agency it names) and `data/agency_terms.csv` (the Vietnamese words of an
agency's name and their English, for "Sở Du lịch" -> "Department of Tourism").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sxtd_analysis.extract.patterns import AGENCY_START
from sxtd_analysis.extract.reading import fold_key, read_csv_rows
from sxtd_analysis.text import fold, strip_diacritics

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
GROUPS_FILE = DATA_DIR / "agency_groups.csv"
TERMS_FILE = DATA_DIR / "agency_terms.csv"

# a separator between two names of one cell: ";" or "," (a "và" joins two names only before a known alias)
_SEPARATOR = re.compile(r"^(?:\s*[;,/]\s*|\s*\b(?:và|cùng)\s+|\s+)+", re.IGNORECASE)
_KINDS = (  # (how the name begins, kind), first match wins
    (r"sở\b", "province_department"),
    (r"(?:ban\s+quản\s+lý|bql|văn\s+phòng\s+điều\s+phối)\b", "province_board"),
    (r"(?:đài|báo)\b", "province_media"),
    (r"(?:ubnd|ủy\s+ban\s+nhân\s+dân|uỷ\s+ban\s+nhân\s+dân)\s+(?:các\s+)?(?:huyện|thị|thành\s+phố\s+thuộc|cấp\s+huyện)",
     "district_committee"),
    (r"(?:bộ|tổng\s+cục|cục)\b", "national"),
    (r"(?:các\s+)?(?:doanh\s+nghiệp|dn|hợp\s+tác\s+xã|cơ\s+sở\s+sản\s+xuất|cộng\s+đồng|người\s+dân)\b", "non_state"),
    (r"các\b", "group"),
)


@dataclass(frozen=True)
class AgencyMatcher:
    """Longest alias of data/curated/agency_aliases.csv that starts a text (NFC, folded, any case)."""

    aliases: tuple[tuple[str, str, str], ...]  # (key, code, alias as printed), longest first

    @classmethod
    def from_rows(cls, rows: list[dict[str, str]]) -> AgencyMatcher:
        items = sorted(((fold_key(r["alias"]), r["agency_code"], fold(r["alias"])) for r in rows),
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
        return bool(AGENCY_START.match(fold(text))) or bool(self.match(text)[0])


@dataclass(frozen=True)
class Mention:
    """One agency named in a task row: its code ('' when unknown), the name as printed, how it was found."""

    printed: str
    code: str
    how: str  # "alias", "group", "new"
    new_cell: bool  # True where no separator comes before it (the next cell of a flattened table)


def split_agencies(text: str, matcher: AgencyMatcher) -> list[Mention]:
    """The agencies a cell (or several cells run together) names, in order.

    A known alias is taken whole (so "Sở Văn hóa, Thể thao và Du lịch" is not cut at its comma); a name no
    alias starts runs to the next ';', or to the next ',' / 'và' before a known alias or a body's name.
    """
    s = fold(text)
    out: list[Mention] = []
    pos = 0
    while pos < len(s):
        m = _SEPARATOR.match(s[pos:])
        separated = not out or bool(m and m.group().strip())  # white space alone: the next cell
        if m:
            pos += m.end()
        rest = s[pos:].rstrip(" .;,")
        if not rest:
            break
        code, printed = matcher.match(rest)
        if code:
            out.append(Mention(printed, code, "alias", not separated))
            pos += len(printed)
            continue
        end = _unmatched_end(rest, matcher)
        printed = rest[:end].strip(" .;,")
        if printed:
            out.append(Mention(printed, "", "new", not separated))
        pos += max(end, 1)
    return out


def _unmatched_end(rest: str, matcher: AgencyMatcher) -> int:
    semicolon = rest.find(";")
    limit = semicolon if semicolon >= 0 else len(rest)
    for m in re.finditer(r"(?:,\s*|\s+và\s+|\s+)", rest[:limit]):
        after = rest[m.end():limit]
        if not after:
            continue
        punctuated = m.group().strip() != ""
        if matcher.match(after)[0] and (punctuated or after[0].isupper()):
            return m.start()
        if AGENCY_START.match(after) and after[0].isupper():
            return m.start()
    return limit


@dataclass(frozen=True)
class Proposal:
    """An agency for a name no alias matches: a known group, or a new agency to add."""

    code: str
    name_vi: str
    name_en: str
    kind: str
    is_new: bool
    reason: str


def load_groups(path: Path = GROUPS_FILE) -> list[tuple[str, str]]:
    """(folded beginning, agency code), longest first."""
    rows = [(fold_key(r["starts_with"]), r["agency_code"].strip()) for r in read_csv_rows(path)]
    return sorted(rows, key=lambda r: -len(r[0]))


def load_terms(path: Path = TERMS_FILE) -> list[tuple[str, str]]:
    """(folded Vietnamese words, English), longest first."""
    rows = [(fold_key(r["vi"]), r["en"].strip()) for r in read_csv_rows(path)]
    return sorted(rows, key=lambda r: -len(r[0]))


def english_name(name_vi: str, terms: list[tuple[str, str]]) -> str:
    """'Sở Du lịch' -> 'Department of Tourism' when the head and the rest are in the glossary, else ''."""
    key = fold_key(name_vi)
    for head in ("sở ", "bộ "):
        if key.startswith(head):
            field_key = key[len(head):].strip()
            head_en = next((en for vi, en in terms if vi == head.strip()), "")
            field_en = next((en for vi, en in terms if vi == field_key), "")
            if head_en and field_en:
                return f"{head_en} {field_en}"
    return ""


def kind_of(name_vi: str) -> str:
    key = fold_key(name_vi)
    for pattern, kind in _KINDS:
        if re.match(pattern, key):
            return kind
    return "province_body"


def agency_code_for(name_vi: str) -> str:
    """'Sở Du lịch' -> 'so_du_lich': the name without diacritics, snake_case."""
    return re.sub(r"[^a-z0-9]+", "_", strip_diacritics(fold(name_vi)).lower()).strip("_")


def propose_agency(printed: str, known_codes: set[str], groups: list[tuple[str, str]],
                   terms: list[tuple[str, str]]) -> Proposal:
    """What to do with a name no alias matches: a group agency that exists, else a new agency."""
    key = fold_key(printed)
    for start, code in groups:
        if key.startswith(start) and code in known_codes:
            return Proposal(code, printed, "", "", False,
                            f"'{printed}' is a new way of printing the group {code} (begins '{start}'): "
                            "added as an alias; check")
    name = printed[0].upper() + printed[1:]
    code = agency_code_for(name)
    name_en = english_name(name, terms)
    why = (f"no alias matches '{printed}': proposed as a new agency {code}"
           + (f", English name from the glossary ('{name_en}')" if name_en
              else "; write its English name in name_en (not in sxtd_analysis/data/agency_terms.csv)"))
    return Proposal(code, name, name_en, kind_of(name), True, why)
