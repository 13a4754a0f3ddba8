"""Reading a plan text: its lines as the provenance gate counts them, CSV helpers, and the year a phrase
names."""

from __future__ import annotations

import csv
from pathlib import Path

from sxtd_analysis.extract.patterns import BY_YEAR, IN_YEAR, PERIOD, VISION
from sxtd_analysis.schema import YEAR_MAX, YEAR_MIN
from sxtd_analysis.text import TextFileError, decode_text, fold, read_text

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


def fold_key(text: str) -> str:
    return fold(text).casefold()


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    if not Path(path).exists():
        return []
    return list(csv.DictReader(read_text(path).splitlines()))


def year_ok(value: int) -> bool:
    return YEAR_MIN <= value <= YEAR_MAX


def year_in(text: str) -> tuple[int, str] | None:
    """The target year a heading or a lead-in names, with the words that name it (visions skipped).

    "Giai đoạn 2021 - 2025" -> 2025, "Đến năm 2030" -> 2030, "đến hết năm 2023" -> 2023, "Năm 2024" -> 2024.
    """
    text = fold(text)
    vision = [m.span() for m in VISION.finditer(text)]
    found = []
    for pattern, group in ((PERIOD, 2), (BY_YEAR, 1), (IN_YEAR, 1)):
        for m in pattern.finditer(text):
            if any(a <= m.start() < b or a < m.end() <= b for a, b in vision):
                continue
            if year_ok(int(m[group])):
                found.append((m.start(), -m.end(), int(m[group]), m[0]))
    if not found:
        return None
    _, _, year, words = min(found)
    return year, words
