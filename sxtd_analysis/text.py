"""Reading Vietnamese text files safely: UTF-8 only, legacy encodings and binaries refused with a hint.

Used for the raw plan texts (data/raw), the curated CSVs and any new plan given to `sxtd extract`.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

BOM = b"\xef\xbb\xbf"
_WS = re.compile(r"\s+")
# Precomposed Vietnamese letters that only exist in Unicode; their presence proves a correct decode.
_VIET_LETTERS = set("ăâđêôơưĂÂĐÊÔƠƯ" "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")
# Bytes that TCVN3 (ABC) uses for Vietnamese letters, read as Windows-1252 they give these characters.
_TCVN3_MARKERS = set("¸µ¶·¹¨¾»¼½ÆÇ©ÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ®ª«¬")


class TextFileError(ValueError):
    """A text file that cannot be read as clean UTF-8; the message names the file and says what to do."""


def fold(text: str) -> str:
    """NFC, then every run of white space (line breaks, tabs, no-break spaces) folded to one space."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _guess_legacy(data: bytes) -> str:
    """Name the legacy encoding that non-UTF-8 bytes most look like."""
    as_1258 = data.decode("cp1258", errors="replace")
    combining = sum(unicodedata.combining(c) > 0 for c in unicodedata.normalize("NFD", as_1258))
    as_1252 = data.decode("cp1252", errors="replace")
    tcvn_hits = sum(c in _TCVN3_MARKERS for c in as_1252)
    high = sum(b >= 0x80 for b in data) or 1
    # Windows-1258 writes tones as combining bytes (0xCC, 0xEC, 0xDE, 0xD2, 0xF2) after a base letter
    tone_bytes = sum(b in (0xCC, 0xEC, 0xDE, 0xD2, 0xF2) for b in data)
    if tone_bytes / high > 0.2 and combining:
        return "Windows-1258 (CP1258)"
    if tcvn_hits / high > 0.5:
        return "TCVN3 (ABC) or VNI"
    return "a legacy 8-bit encoding (Windows-1258, TCVN3/ABC or VNI)"


def decode_text(data: bytes, source: str | Path, *, allow_bom: bool = False, allow_nfd: bool = False) -> str:
    """Decode bytes of a Vietnamese text file as UTF-8, refusing anything else with a clear reason.

    Args:
        data: the file's bytes.
        source: name of the file, for messages.
        allow_bom: strip a UTF-8 byte-order mark instead of refusing it.
        allow_nfd: normalise decomposed Unicode to NFC instead of refusing it.
    """
    name = str(source)
    if not data.strip():
        raise TextFileError(f"{name}: the file is empty")
    if data.startswith(b"%PDF"):
        raise TextFileError(f"{name}: this is a PDF, not plain text; export its text first "
                            "(for example `pdftotext -layout FILE.pdf FILE.txt`) and check the result")
    if b"\x00" in data[:4096]:
        hint = "UTF-16 text: save it as UTF-8" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "a binary file"
        raise TextFileError(f"{name}: contains NUL bytes; this looks like {hint}")
    if data.startswith(BOM):
        if not allow_bom:
            raise TextFileError(f"{name}: starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM")
        data = data[len(BOM):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        guess = _guess_legacy(data)
        how = ("`iconv -f CP1258 -t UTF-8 FILE > NEW`, or UniKey's converter" if guess.startswith("Windows-1258")
               else "UniKey's converter, with the file's legacy encoding as source; iconv's CP1258 would "
               "garble TCVN3 or VNI")
        raise TextFileError(
            f"{name}: line {line} is not UTF-8; the file looks like {guess}. Convert it to Unicode UTF-8 first "
            f"({how}), then check that the diacritics read correctly"
        ) from None
    if not unicodedata.is_normalized("NFC", text):
        if not allow_nfd:
            bad = next(i for i, ln in enumerate(text.split("\n"), 1) if not unicodedata.is_normalized("NFC", ln))
            raise TextFileError(f"{name}: line {bad} is in decomposed Unicode (NFD, as macOS and some editors "
                                "write it); save the file as NFC (composed) UTF-8 with your editor's 'Unicode NFC' "
                                "option, or run: python -c \"import sys, unicodedata as u; p = sys.argv[1]; "
                                "t = open(p, encoding='utf-8', newline='').read(); open(p, 'w', encoding='utf-8', "
                                "newline='').write(u.normalize('NFC', t))\" FILE")
        text = unicodedata.normalize("NFC", text)
    return text


def read_text(path: Path, **kwargs: bool) -> str:
    """Read a UTF-8 text file (see `decode_text`)."""
    return decode_text(Path(path).read_bytes(), path, **kwargs)


def read_raw_lines(path: Path) -> list[str]:
    """The lines of a raw plan text, NFC-normalised, 1-based line i at index i-1.

    Raw files are kept exactly as received, so decomposed Unicode is normalised here rather than refused.
    """
    text = read_text(path, allow_bom=True, allow_nfd=True)
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def has_vietnamese_letters(text: str) -> bool:
    """True if the text holds letters that only a correct Unicode decode of Vietnamese gives."""
    return any(c in _VIET_LETTERS for c in text)


def strip_diacritics(text: str) -> str:
    """'Hà Tĩnh' -> 'Ha Tinh' (đ -> d as well)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str) -> str:
    """'Hà Tĩnh' -> 'ha-tinh'."""
    return re.sub(r"[^a-z0-9]+", "-", strip_diacritics(text).lower()).strip("-")
