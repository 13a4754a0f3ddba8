"""A catalogue of bad input: each case breaks ONE thing in a copy of the real data and must be refused.

For every case, `build_database` and `sxtd validate` must (a) refuse, (b) say which file and which row
(id or CSV line) and what is wrong, and (c) leave a previously built database byte-identical, with no
partial file beside it. The loader, the provenance gate and the validation rules (evaluated with polars by
the build, as Great Expectations suites by `sxtd validate`) each catch some of the cases; the reason text is
asserted, not just the exit code.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import stat
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from sxtd_analysis.cli import main
from sxtd_analysis.config import ENV_VARS, get_paths
from sxtd_analysis.schema import TABLES
from sxtd_analysis.warehouse import BuildError, build_database
from tests.helpers import crash_a_writer, writer_holding

ROOT = Path(__file__).resolve().parents[1]


# --- a private copy of the project, with a good database built once -----------------------------------


def _paths(root: Path):
    return get_paths(root=root, database=root / "data" / "sxtd.duckdb")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def _no_sxtd_env(monkeypatch):
    for var in ENV_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """data/curated/*.csv and data/raw/ copied, and a good database built from them (with validation)."""
    root = tmp_path_factory.mktemp("pristine")
    (root / "data" / "curated").mkdir(parents=True)
    for path in sorted((ROOT / "data" / "curated").glob("*.csv")):
        shutil.copy2(path, root / "data" / "curated" / path.name)
    shutil.copytree(ROOT / "data" / "raw", root / "data" / "raw")
    mp = pytest.MonkeyPatch()
    for var in ENV_VARS:
        mp.delenv(var, raising=False)
    try:
        build_database(_paths(root))
    finally:
        mp.undo()
    return root


@pytest.fixture
def project(pristine, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(pristine, root)
    return root


# --- editing the copy ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """Where the problem is: the file's name and the row's CSV line and/or id (None for a file-level one)."""

    file: str
    line: int | None = None
    row_id: str | None = None


def _read(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]], delimiter: str = ",") -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _curated(root: Path, table: str) -> Path:
    return root / "data" / "curated" / f"{table}.csv"


def edit_cell(root: Path, table: str, row_id: str, column: str, change: Callable[[str], str]) -> Where:
    """Change one cell of the row whose first column is row_id; returns its location (no multi-line rows)."""
    path = _curated(root, table)
    rows = _read(path)
    header = rows[0]
    index = next(i for i, row in enumerate(rows) if row[0] == row_id)
    rows[index][header.index(column)] = change(rows[index][header.index(column)])
    _write(path, rows)
    return Where(path.name, index + 1, row_id)


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # grave, acute, tilde, hook above, dot below


def to_cp1258(text: str) -> bytes:
    """Vietnamese text as Windows-1258 writes it: base letters (ă, â, ê, ô, ơ, ư, đ) plus combining tones."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


# TCVN3 (ABC): one byte per lower-case letter with its tone; capitals with tones reuse the lower-case bytes
# (the font, .VnTimeH, makes them capitals).
_TCVN3 = dict(zip(
    "àảãáạăằẳẵắặâầẩẫấậđèẻẽéẹêềểễếệìỉĩíịòỏõóọôồổỗốộơờởỡớợùủũúụưừửữứựỳỷỹýỵĂÂÊÔƠƯĐ",
    bytes([0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6, 0xA9, 0xC7, 0xC8, 0xC9, 0xCA,
           0xCB, 0xAE, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1, 0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xDC,
           0xDD, 0xDE, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4, 0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xAC, 0xEA, 0xEB,
           0xEC, 0xED, 0xEE, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4, 0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB,
           0xFC, 0xFD, 0xFE, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7]),
    strict=True,
))


def to_tcvn3(text: str) -> bytes:
    out = bytearray()
    for ch in text:
        code = _TCVN3.get(ch, _TCVN3.get(ch.lower()))
        out += bytes([code]) if code is not None else ch.encode("ascii", errors="replace")
    return bytes(out)


# --- the cases -----------------------------------------------------------------------------------------

T02 = "dong-thap_kh-2023/t02"  # 80% of industrial parks: eq, percent, quote "80% các khu, cụm công nghiệp ..."
T01 = "dong-thap_kh-2023/t01"  # 01 - 02 models: range 1-2, count


def missing_column(root):
    path = _curated(root, "targets")
    rows = _read(path)
    col = rows[0].index("unit")
    _write(path, [row[:col] + row[col + 1:] for row in rows])
    return Where(path.name, 1)


def extra_column(root):
    path = _curated(root, "targets")
    rows = _read(path)
    _write(path, [rows[0] + ["notes"]] + [row + ["x"] for row in rows[1:]])
    return Where(path.name, 1)


def duplicate_id(root):
    path = _curated(root, "targets")
    rows = _read(path)
    copy = next(row for row in rows if row[0] == T02)
    _write(path, rows + [copy])
    return Where(path.name, len(rows) + 1, T02)


def low_above_high(root):
    return edit_cell(root, "targets", T01, "value_low", lambda _: "5")


def percent_120(root):
    where = edit_cell(root, "targets", T02, "value_low", lambda _: "120")
    edit_cell(root, "targets", T02, "value_high", lambda _: "120")
    return where


def unknown_indicator(root):
    return edit_cell(root, "targets", T02, "indicator_code", lambda _: "no_such_indicator")


def unknown_agency(root):
    return edit_cell(root, "tasks", "dong-thap_kh-2023/V-01-b", "lead_agency_code", lambda _: "no_such_agency")


def unknown_province(root):
    return edit_cell(root, "plans", "ha-tinh_kh-484-2020", "province_slug", lambda _: "atlantis")


def quote_not_in_source(root):
    return edit_cell(root, "targets", T02, "quote", lambda q: q + " Câu này không có trong văn bản gốc.")


def number_mismatch(root):
    where = edit_cell(root, "targets", T02, "value_low", lambda _: "70")
    edit_cell(root, "targets", T02, "value_high", lambda _: "70")
    return where


def _rewrite_bytes(root, table, convert) -> Where:
    path = _curated(root, table)
    path.write_bytes(convert(path.read_bytes()))
    return Where(path.name)


def decomposed_unicode(root):
    where = _rewrite_bytes(root, "targets", lambda b: unicodedata.normalize("NFD", b.decode()).encode())
    return Where(where.file, 2)  # the header is ASCII; the first row has diacritics


def utf8_bom(root):
    return _rewrite_bytes(root, "targets", lambda b: b"\xef\xbb\xbf" + b)


def windows_1258(root):
    where = _rewrite_bytes(root, "targets", lambda b: to_cp1258(b.decode()))
    return Where(where.file, 2)


def tcvn3(root):
    where = _rewrite_bytes(root, "targets", lambda b: to_tcvn3(b.decode()))
    return Where(where.file, 2)


def empty_file(root):
    return _rewrite_bytes(root, "targets", lambda b: b"")


def header_only(root):
    return _rewrite_bytes(root, "targets", lambda b: b.split(b"\n")[0] + b"\n")


def semicolons(root):
    path = _curated(root, "targets")
    _write(path, _read(path), delimiter=";")
    return Where(path.name, 1)


def truncated_row(root):
    path = _curated(root, "tasks")
    rows = _read(path)
    rows[5] = rows[5][:4]
    _write(path, rows)
    return Where(path.name, 6)


def truncated_file(root):
    """The file stops in the middle of a quoted field of its last row (a copy cut short)."""
    path = _curated(root, "tasks")
    data = path.read_bytes()
    cut = data.rindex(b',"') + 10  # inside the last quoted field
    path.write_bytes(data[:cut])
    return Where(path.name, data[:cut].count(b"\n") + 1)


def missing_file(root):
    _curated(root, "budgets").unlink()
    return Where("budgets.csv")


def raw_file_changed(root):
    path = root / "data" / "raw" / "ha-tinh_kh-484-2020.txt"
    path.chmod(path.stat().st_mode | stat.S_IWUSR)
    with open(path, "ab") as fh:
        fh.write("\nMột dòng thêm vào sau khi nhận.\n".encode())
    manifest = _read(root / "data" / "raw" / "manifest.csv")
    line = next(i for i, row in enumerate(manifest, start=1) if row[0] == path.name)
    return Where(path.name, line)


def _edited_copy_outside(root: Path, where: Path) -> None:
    """An edited copy of Đồng Tháp's plan at `where` (outside data/raw), with a made-up 99 %."""
    original = root / "data" / "raw" / "dong-thap_kh-2023.txt"
    where.write_text(original.read_text(encoding="utf-8").replace("80% các khu", "99% các khu"), encoding="utf-8")


def _point_dong_thap_at(root: Path, raw_file: str) -> Where:
    where = edit_cell(root, "plans", "dong-thap_kh-2023", "raw_file", lambda _: raw_file)
    edit_cell(root, "targets", T02, "value_low", lambda _: "99")
    edit_cell(root, "targets", T02, "value_high", lambda _: "99")
    edit_cell(root, "targets", T02, "value_as_printed", lambda _: "99%")
    edit_cell(root, "targets", T02, "quote", lambda q: q.replace("80%", "99%", 1))
    return where


def raw_file_up_and_out(root):
    _edited_copy_outside(root, root / "evil.txt")
    return _point_dong_thap_at(root, "../../evil.txt")


def raw_file_absolute(root):
    _edited_copy_outside(root, root / "evil.txt")
    return _point_dong_thap_at(root, str(root / "evil.txt"))


def raw_file_not_in_manifest(root):
    _edited_copy_outside(root, root / "data" / "raw" / "dong-thap_kh-2023-edited.txt")
    return _point_dong_thap_at(root, "dong-thap_kh-2023-edited.txt")


def zero_width_space_in_id(root):
    where = edit_cell(root, "targets", T02, "target_id", lambda v: v.replace("/t02", "/t\u200b02"))
    return Where(where.file, where.line, "dong-thap_kh-2023/t\u200b02")


def id_prefix_not_its_plan(root):
    where = edit_cell(root, "targets", T02, "target_id", lambda _: "ha-tinh_kh-484-2020/t99")
    return Where(where.file, where.line, "ha-tinh_kh-484-2020/t99")


def _rewrite_raw(root, name: str, data: bytes) -> Path:
    """Replace a raw text and record its new sha256 in the manifest (as someone who 'updated' it would)."""
    path = root / "data" / "raw" / name
    path.chmod(path.stat().st_mode | stat.S_IWUSR)
    path.write_bytes(data)
    manifest = root / "data" / "raw" / "manifest.csv"
    rows = _read(manifest)
    row = next(r for r in rows if r[0] == name)
    row[rows[0].index("sha256")] = _sha256(path)
    _write(manifest, rows)
    return path


def raw_text_in_windows_1258(root):
    path = root / "data" / "raw" / "ha-tinh_kh-484-2020.txt"
    _rewrite_raw(root, path.name, to_cp1258(path.read_text(encoding="utf-8")))
    plans = _read(_curated(root, "plans"))
    line = next(i for i, row in enumerate(plans, start=1) if row[0] == "ha-tinh_kh-484-2020")
    return Where("plans.csv", line, "ha-tinh_kh-484-2020")


def manifest_not_utf8(root):
    manifest = root / "data" / "raw" / "manifest.csv"
    manifest.write_bytes(to_cp1258(manifest.read_text(encoding="utf-8")))
    return Where("manifest.csv")


def curated_path_is_a_folder(root):
    path = _curated(root, "budgets")
    path.unlink()
    path.mkdir()
    return Where("budgets.csv")


@dataclass(frozen=True)
class Case:
    breaks: Callable[[Path], Where]
    #: regular expression the reason must match, in the build's message and in `sxtd validate`'s output
    reason: str


CASES = {
    "missing column": Case(missing_column, r"missing column\(s\): unit"),
    "extra unknown column": Case(extra_column, r"unknown column\(s\): notes; add them to sxtd_analysis/schema\.py "
                                 r"first or remove them \(refused so that no data is silently dropped\)"),
    "duplicate id": Case(duplicate_id, r"duplicate target_id 'dong-thap_kh-2023/t02'; also on line 3"),
    "value_low above value_high": Case(low_above_high, r"value_low 5 is above value_high 2"),
    "percent of 120": Case(percent_120, r"a percent of 120 is outside 0-100"),
    "unknown indicator": Case(unknown_indicator, r"'no_such_indicator' is not a known indicators\.indicator_code"),
    "unknown agency": Case(unknown_agency, r"'no_such_agency' is not a known agencies\.agency_code"),
    "unknown province": Case(unknown_province, r"'atlantis' is not a known provinces\.province_slug"),
    "quote not in the source": Case(quote_not_in_source, r"the quote is not in dong-thap_kh-2023\.txt lines "
                                    r"\d+-\d+; it stands nowhere in the file"),
    "number does not match its quote": Case(number_mismatch, r"the number does not match its quote: '80%' reads "
                                            r"as low=80, high=80, eq, percent; the row says low=70, high=70"),
    "decomposed Unicode (NFD)": Case(decomposed_unicode, r"line 2 is in decomposed Unicode \(NFD.*save the file "
                                     r"as NFC"),
    "UTF-8 BOM": Case(utf8_bom, r"starts with a UTF-8 byte-order mark \(BOM\); save it as UTF-8 without BOM"),
    "Windows-1258": Case(windows_1258, r"line 2 is not UTF-8; the file looks like Windows-1258 \(CP1258\)\. "
                         r"Convert it to Unicode UTF-8 first \(`iconv -f CP1258"),
    "TCVN3": Case(tcvn3, r"line 2 is not UTF-8; the file looks like TCVN3 \(ABC\) or VNI\. Convert it to Unicode "
                  r"UTF-8 first \(UniKey's converter"),
    "empty file": Case(empty_file, r"the file is empty"),
    "header only": Case(header_only, r"has no rows; every curated table needs at least one"),
    "semicolon-delimited": Case(semicolons, r"uses ';' as delimiter; curated files are comma-separated"),
    "truncated row": Case(truncated_row, rf"has 4 field\(s\), the header has {len(TABLES['tasks'].fields)} "
                                         r"\(truncated or unquoted comma\?\)"),
    "file cut short": Case(truncated_file, r"is not valid CSV \(unexpected end of data\)"),
    "missing file": Case(missing_file, r"file is missing"),
    "raw file changed": Case(raw_file_changed, r"has changed: sha256 is [0-9a-f]{64}, the manifest \(line \d+\) "
                             r"records [0-9a-f]{64}; raw files are immutable"),
    # issue 16: the gate reads only bare file names listed in the manifest, in data/raw
    "raw_file points up and out of data/raw": Case(raw_file_up_and_out, r"raw_file '\.\./\.\./evil\.txt' must be a "
                                                   r"bare file name in data/raw \(no folder, no '\.\.', not an "
                                                   r"absolute path\)"),
    "raw_file is an absolute path": Case(raw_file_absolute, r"raw_file '/.*/evil\.txt' must be a bare file name in "
                                         r"data/raw"),
    "raw_file not in the manifest": Case(raw_file_not_in_manifest, r"raw_file 'dong-thap_kh-2023-edited\.txt' is "
                                         r"not listed in data/raw/manifest\.csv; add its row \(with its sha256\)"),
    "raw text in Windows-1258, manifest updated": Case(raw_text_in_windows_1258, r"the raw text cannot be read: "
                                                       r".*ha-tinh_kh-484-2020\.txt: line \d+ is not UTF-8; the "
                                                       r"file looks like Windows-1258"),
    "manifest not in UTF-8": Case(manifest_not_utf8, r"manifest\.csv.*line \d+ is not UTF-8; the file looks like "
                                  r"Windows-1258"),
    "curated path is a folder": Case(curated_path_is_a_folder, r"budgets\.csv.*is a folder, not a file; put the "
                                     r"table's CSV file in its place"),
    # ids: one rule (schema.ID_PATTERN, ID_PREFIXES), enforced by both engines
    "zero-width space in an id": Case(zero_width_space_in_id, r"holds U\+200B ZERO WIDTH SPACE; an identifier is "
                                      r"ASCII letters, digits and - _ \. / only"),
    "id prefix is not its plan_id": Case(id_prefix_not_its_plan, r"'ha-tinh_kh-484-2020/t99' does not start with "
                                         r"its plan_id 'dong-thap_kh-2023' and '/'"),
}


def _assert_located(text: str, where: Where, style: str) -> None:
    """The file is named, and so is the row: by id, or by line in the style of the output."""
    assert where.file in text, f"{where.file} not named in:\n{text}"
    if where.row_id:
        assert where.row_id in text, f"row {where.row_id} not named in:\n{text}"
    if where.line:
        if where.file.endswith(".txt"):  # a raw file: the line is the manifest's
            assert f"(line {where.line})" in text
            return
        forms = {"build": (f"{where.file}:{where.line}", f"line {where.line} "),
                 "validate": (f"line {where.line}",)}[style]
        assert any(form in text for form in forms), f"line {where.line} of {where.file} not named in:\n{text}"


def _assert_database_untouched(root: Path, before: str) -> None:
    database = root / "data" / "sxtd.duckdb"
    assert _sha256(database) == before, "the previous database was changed"
    leftovers = [p.name for p in database.parent.iterdir() if p.name.startswith("sxtd.duckdb") and p != database]
    assert leftovers == [], f"partial files left: {leftovers}"


@pytest.mark.parametrize("name", list(CASES))
def test_build_refuses(project, name):
    case = CASES[name]
    before = _sha256(project / "data" / "sxtd.duckdb")
    where = case.breaks(project)
    broken = {p: p.read_bytes() for p in (project / "data").rglob("*") if p.is_file() and p.suffix != ".duckdb"}
    with pytest.raises(BuildError) as excinfo:
        build_database(_paths(project))
    message = str(excinfo.value)
    assert re.search(case.reason, message), f"reason {case.reason!r} not in:\n{message}"
    _assert_located(message, where, "build")
    _assert_database_untouched(project, before)
    # refused, never repaired or mangled: the input files are exactly as they were given
    assert {p: p.read_bytes() for p in broken} == broken


@pytest.mark.parametrize("name", list(CASES))
def test_validate_refuses(project, name):
    case = CASES[name]
    before = _sha256(project / "data" / "sxtd.duckdb")
    where = case.breaks(project)
    result = CliRunner().invoke(main, ["--root", str(project), "validate"])
    output = result.output
    assert result.exit_code == 1, output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in output  # readable, no traceback
    assert re.search(case.reason, output), f"reason not in:\n{output}"
    assert "validation failed" in output
    _assert_located(output, where, "validate")
    _assert_database_untouched(project, before)


def test_validate_data_dir_option_checks_another_folder(project, tmp_path):
    """--data-dir validates a copy of the curated folder; the raw texts stay the project's."""
    other = tmp_path / "other"
    shutil.copytree(project / "data" / "curated", other)
    path = other / "targets.csv"
    rows = _read(path)
    index = next(i for i, row in enumerate(rows) if row[0] == T01)
    rows[index][rows[0].index("value_low")] = "5"
    _write(path, rows)
    result = CliRunner().invoke(main, ["--root", str(project), "validate", "--data-dir", str(other)])
    assert result.exit_code == 1
    assert "value_low 5 is above value_high 2" in result.output
    assert str(other / "targets.csv") in result.output or "other/targets.csv" in result.output


# --- the command line against hostile SQL, crashed processes and bad places (issue 16) ------------------
#
# Each case prepares the project copy, runs one command and asserts its exit code, that no traceback is
# printed, the reason, and that no file changed except those the case expects (`changes`).


@dataclass
class Env:
    """What a case prepares in: the project copy, processes to stop afterwards, the writer's pid if any."""

    root: Path
    stack: ExitStack
    pid: int | None = None


@dataclass(frozen=True)
class CliCase:
    #: prepares the project and returns the command's arguments
    prepare: Callable[[Env], list[str]]
    #: regular expression the output must match ({pid} is the writer's process id)
    reason: str
    exit_code: int = 1
    #: files (relative to the project) that the command is expected to change or remove
    changes: tuple[str, ...] = ()


def _not_duckdb(root: Path) -> None:
    (root / "data" / "sxtd.duckdb").write_bytes(b"SQLite format 3\0 not a DuckDB file\n")


def _db_folder(root: Path) -> None:
    database = root / "data" / "sxtd.duckdb"
    database.unlink()
    database.mkdir()


def _hold(env: Env) -> None:
    env.pid = env.stack.enter_context(writer_holding(env.root / "data" / "sxtd.duckdb"))


def _stale_wal(root: Path) -> None:
    """What the old build did: a crashed writer's WAL, then a new database renamed in beside it."""
    database = root / "data" / "sxtd.duckdb"
    crash_a_writer(database)
    other = root / "other" / "sxtd.duckdb"
    build_database(get_paths(root=root, database=other))
    os.replace(other, database)


def _killed_build(root: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (root / "data" / f"sxtd.duckdb.tmp-{dead.pid}").write_bytes(b"\0" * 2_000_000)


_PROVINCE = ["report", "--province", "Đồng Tháp"]
CLI_CASES = {
    "EXPLAIN ANALYZE COPY over a curated file": CliCase(
        lambda env: ["sql", f"EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{env.root}/data/curated/targets.csv'"],
        r"refused: EXPLAIN COPY statements are not allowed; the database is read-only"),
    "EXPLAIN ANALYZE COPY over the database": CliCase(
        lambda env: ["sql", f"EXPLAIN ANALYZE COPY targets TO '{env.root}/data/sxtd.duckdb'"],
        r"refused: EXPLAIN COPY statements are not allowed"),
    "read_text of /etc/passwd": CliCase(
        lambda env: ["sql", "SELECT * FROM read_text('/etc/passwd')"],
        r"refused: `sxtd sql` reads only the database, not other files, URLs or extensions; to join a file of "
        r"your own, give it with --file NAME=FILE"),
    "read_csv of a URL (would install an extension)": CliCase(
        lambda env: ["sql", "SELECT * FROM read_csv('https://example.com/x.csv')"],
        r"refused: `sxtd sql` reads only the database"),
    "database is not a DuckDB file (sql)": CliCase(
        lambda env: [_not_duckdb(env.root), "sql", "SELECT 1"][1:],
        r"data/sxtd\.duckdb is not a DuckDB database .*; rebuild it with `sxtd build`"),
    "database is not a DuckDB file (report)": CliCase(
        lambda env: [_not_duckdb(env.root), *_PROVINCE][1:],
        r"data/sxtd\.duckdb is not a DuckDB database"),
    "database is a folder (sql)": CliCase(
        lambda env: [_db_folder(env.root), "sql", "SELECT 1"][1:],
        r"sxtd\.duckdb is a folder, not a DuckDB file; give the database file with --db or SXTD_DB"),
    "database held by a writer (sql)": CliCase(
        lambda env: [_hold(env), "sql", "SELECT 1"][1:],
        r"data/sxtd\.duckdb is open for writing by process {pid}; close that program \(or wait for it to finish\)"),
    "database held by a writer (report)": CliCase(
        lambda env: [_hold(env), *_PROVINCE][1:],
        r"data/sxtd\.duckdb is open for writing by process {pid}"),
    "database held by a writer (build)": CliCase(
        lambda env: [_hold(env), "build"][1:],
        r"build refused, .*data/sxtd\.duckdb is open for writing by process {pid}; close that program .* and build "
        r"again"),
    "stale WAL beside a new database (sql)": CliCase(
        lambda env: [_stale_wal(env.root), "sql", "SELECT 1"][1:],
        r"data/sxtd\.duckdb\.wal was left by a DuckDB client that wrote to the database and did not close it; run "
        r"`sxtd build`"),
    "stale WAL beside the database (build removes it)": CliCase(
        lambda env: [_stale_wal(env.root), "build"][1:],
        r"sxtd\.duckdb\.wal removed: left by a DuckDB client .*\nbuilt .*sxtd\.duckdb", exit_code=0,
        changes=("data/sxtd.duckdb", "data/sxtd.duckdb.wal")),
    "a killed build's temporary file (build removes it)": CliCase(
        lambda env: [_killed_build(env.root), "build"][1:],
        r"sxtd\.duckdb\.tmp-\d+ removed \(2\.0 MB\): left by a build that was killed", exit_code=0,
        changes=("data/sxtd.duckdb", "data/sxtd.duckdb.tmp-")),
    "report --out into a read-only folder": CliCase(
        lambda env: [*_PROVINCE, "--out", "/sys/kernel"],
        r"--out /sys/kernel: cannot write in /sys/kernel \(Permission denied\); give a folder you can write to"),
    "report --out under a file": CliCase(
        lambda env: [*_PROVINCE, "--out", str(env.root / "data" / "raw" / "manifest.csv" / "reports")],
        r"--out .*manifest\.csv/reports: part of .*manifest\.csv/reports is a file, not a folder; give a folder"),
    "report --out into /proc": CliCase(
        lambda env: [*_PROVINCE, "--out", "/proc/sxtd-reports"],
        r"--out /proc/sxtd-reports: cannot write in /proc/sxtd-reports \(No such file or directory\)"),
    "sql --output under a file": CliCase(
        lambda env: ["sql", "SELECT 1", "--output", str(env.root / "data" / "sxtd.duckdb" / "x.csv")],
        r"--output .*sxtd\.duckdb/x\.csv: .*sxtd\.duckdb is a file, not a folder; give a folder"),
    "export --out under a file": CliCase(
        lambda env: ["export", "--format", "xlsx", "--out", str(env.root / "data" / "sxtd.duckdb" / "x")],
        r"--out .*sxtd\.duckdb/x: part of .*sxtd\.duckdb/x is a file, not a folder"),
}


def _files(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): _sha256(p) for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("name", list(CLI_CASES))
def test_cli_ends_in_a_clear_message(project, name):
    case = CLI_CASES[name]
    with ExitStack() as stack:
        env = Env(project, stack)
        args = case.prepare(env)
        before = _files(project)
        result = CliRunner().invoke(main, ["--root", str(project), *args])
        after = _files(project)
    output = result.output
    assert result.exit_code == case.exit_code, output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert "Traceback" not in output
    reason = case.reason.replace("{pid}", str(env.pid))
    assert re.search(reason, output), f"reason {reason!r} not in:\n{output}"
    changed = {f for f in set(before) | set(after) if before.get(f) != after.get(f)}
    assert {f for f in changed if not f.startswith(case.changes or ("\0",))} == set(), changed
