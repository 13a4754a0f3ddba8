"""Adding a plan: `add_plan` copies a new plan text into data/raw (with its manifest row) and drafts its rows
into drafts/<plan_id>/; `accept_drafts` merges reviewed drafts into data/curated, only after the merged
tables pass every validation rule (both engines) and the provenance gate.

Nothing is overwritten: a raw file stays as first received, reviewed drafts are moved aside before drafting
again (`force`), and a refused accept writes nothing.
"""

from __future__ import annotations

import bisect
import csv
import io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sxtd_analysis.config import Paths
from sxtd_analysis.curated import CuratedDataError, Problem
from sxtd_analysis.extract import (
    DRAFT_FILES,
    REVIEW_COLUMNS,
    Draft,
    DraftsExistError,
    extract_plan,
    extract_plan_header,
    read_plan_lines,
    write_drafts,
)
from sxtd_analysis.schema import TABLES
from sxtd_analysis.text import TextFileError, slugify

#: tables a plan's drafts feed, in the order they are merged (referenced tables first)
ACCEPTED_TABLES = ("agencies", "agency_aliases", "plans", "targets", "qualitative_objectives", "tasks",
                   "task_agencies", "budgets", "plan_registry")
_PLAN_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*_[a-z0-9]+(?:-[a-z0-9]+)*$")


class IntakeError(ValueError):
    """`sxtd add` or `sxtd accept` refused; `problems` lists why (empty for a one-line reason)."""

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = problems or []


def shown(path: Path | str) -> str:
    """A path relative to the working folder where it lies below it (as messages print files), else as given."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# --- add -----------------------------------------------------------------------------------------------------


@dataclass
class AddResult:
    plan_id: str
    raw_file: Path
    raw_written: bool  # False when the identical text was already in data/raw
    drafts_dir: Path
    written: dict[str, Path]
    review_page: Path
    draft: Draft


def read_rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def plan_id_for(plan: dict[str, str]) -> str:
    """<province-slug>_<kind>-<number>-<year>, as the curated plans are named (ha-tinh_kh-484-2020)."""
    kind = "qd" if plan["doc_type"] == "quyet_dinh" else "kh"
    number = re.match(r"\d+", plan["doc_number"] or "")
    year = (plan["issued_on"] or "")[:4] or plan["period_start_year"]
    parts = [kind] + ([number[0]] if number else []) + ([year] if year else [])
    return f"{plan['province_slug']}_{slugify('-'.join(parts))}"


def add_plan(source: Path | str, paths: Paths, province: str | None = None, *, plan_id: str | None = None,
             drafts_dir: Path | str | None = None, force: bool = False) -> AddResult:
    """Copy a new plan text into data/raw, add its manifest row, and write its drafts and review page.

    Args:
        source: the plan's plain text (refused as `sxtd extract` refuses: PDF, Word, binary, legacy encoding).
        paths: project paths (raw_dir, curated_dir, root).
        province: name or slug of a province of provinces.csv; guessed from the header when not given.
        plan_id: by default <province>_<kh|qd>-<number>-<year> from the header.
        drafts_dir: by default <root>/drafts/<plan_id>.
        force: draft again into a folder that holds drafts (the old ones are moved aside, not deleted).

    Raises:
        TextFileError, UnknownProvinceError, IntakeError, DraftsExistError; nothing is written then.
    """
    from sxtd_analysis.provenance import MANIFEST_COLUMNS, sha256_of

    source = Path(source)
    if not source.is_file():
        raise IntakeError(f"{source}: no such file")
    lines = read_plan_lines(source)
    provinces = read_rows(paths.curated_dir / "provinces.csv")
    header, _ = extract_plan_header(lines, "", source.name, provinces, province)
    if header["province_slug"] not in {p["province_slug"] for p in provinces}:
        raise IntakeError(f"{source}: the province is not known ({header['province_slug'] or 'none in the header'}); "
                          "give --province NAME (a province of data/curated/provinces.csv)")
    plan_id = plan_id or plan_id_for(header)
    if not _PLAN_ID.match(plan_id):
        raise IntakeError(f"--plan-id {plan_id!r}: use <province-slug>_<document-slug>, lower-case ASCII, digits "
                          "and '-' (e.g. nam-dinh_kh-112-2022)")
    if plan_id in {p["plan_id"] for p in read_rows(paths.curated_dir / "plans.csv")}:
        raise IntakeError(f"plan {plan_id} is already in {shown(paths.curated_dir / 'plans.csv')}; give another "
                          "--plan-id if this is a different document")
    raw = paths.raw_dir / f"{plan_id}.txt"
    data = source.read_bytes()
    if raw.exists() and raw.read_bytes() != data:
        raise IntakeError(f"{shown(raw)} already exists with other content; raw files are never overwritten (give "
                          "another --plan-id if this is a different document)")
    manifest = read_rows(paths.manifest)
    digest = sha256_of(source)
    twin = next((r["file_name"] for r in manifest if r["sha256"] == digest and r["file_name"] != raw.name), None)
    if twin:
        raise IntakeError(f"{source}: the same text is already in data/raw as {twin}")
    drafts_dir = Path(drafts_dir) if drafts_dir else paths.root / "drafts" / plan_id
    if drafts_dir.exists() and not drafts_dir.is_dir():
        raise IntakeError(f"{drafts_dir} exists and is not a folder")
    if not force and drafts_dir.is_dir() and any(drafts_dir.glob("*_draft.csv")):
        raise DraftsExistError(f"{shown(drafts_dir)} already holds drafts, perhaps reviewed: give --force to draft "
                               "again (the old drafts are then kept in a replaced-<time> folder beside them)")
    raw_written = not raw.exists()
    if raw_written:
        _write_atomic(raw, data)
    draft = extract_plan(raw, paths.curated_dir, province=header["province_slug"], plan_id=plan_id)
    draft.manifest.update(original_file_name=source.name,
                          notes=f"added by sxtd add on {datetime.now(UTC):%Y-%m-%d}; review")
    if raw.name not in {r["file_name"] for r in manifest}:
        _insert_rows(paths.manifest, list(MANIFEST_COLUMNS), ("file_name",), [draft.manifest])
    written = write_drafts(draft, drafts_dir, force=force)
    from sxtd_analysis.review import write_review_page

    page = write_review_page(draft, drafts_dir)
    return AddResult(plan_id, raw, raw_written, drafts_dir, written, page, draft)


# --- accept --------------------------------------------------------------------------------------------------


@dataclass
class AcceptResult:
    plan_id: str
    added: dict[str, int]  # table -> rows added
    skipped: dict[str, int] = field(default_factory=dict)  # agencies and aliases already curated, identical
    already: bool = False  # the same drafts were accepted before: nothing changed
    seconds: float = 0.0


@dataclass
class _DraftTable:
    name: str
    path: Path
    rows: list[dict[str, str]]  # curated columns only
    lines: list[int]  # CSV line of each row in the draft file


def _read_draft(path: Path, name: str) -> tuple[_DraftTable | None, list[Problem]]:
    table = TABLES[name]
    try:
        text = read_plan_lines(path)  # UTF-8 checks with a message (a BOM is tolerated, as spreadsheets add one)
    except TextFileError as err:
        return None, [Problem(str(path), str(err).removeprefix(f"{path}: "))]
    reader = csv.reader(io.StringIO("\n".join(text), newline=""))
    try:
        records = list(reader)
    except csv.Error as err:
        return None, [Problem(str(path), f"is not valid CSV ({err})")]
    if not records:
        return None, [Problem(str(path), "is empty; it needs at least its header line", line=1)]
    header = records[0]
    missing = [c for c in table.column_names if c not in header]
    extra = [c for c in header if c not in table.column_names and c not in REVIEW_COLUMNS.get(name, ())]
    if missing or extra:
        why = "; ".join(x for x in (missing and f"missing column(s): {', '.join(missing)}",
                                    extra and f"unknown column(s): {', '.join(extra)}") if x)
        return None, [Problem(str(path), f"{why} (the header must be the curated table's columns, then the review "
                              "columns if kept)", line=1)]
    rows, lines, problems = [], [], []
    starts = _record_lines(records)
    for record, line in zip(records[1:], starts[1:], strict=True):
        if not any(v.strip() for v in record):
            continue
        if len(record) != len(header):
            problems.append(Problem(str(path), f"has {len(record)} field(s), the header has {len(header)}", line=line))
            continue
        values = dict(zip(header, record, strict=True))
        rows.append({c: values[c] for c in table.column_names})
        lines.append(line)
    return _DraftTable(name, path, rows, lines), problems


def _record_lines(records: list[list[str]]) -> list[int]:
    """CSV line where each record starts (1 = header); a field with line breaks spans several lines."""
    out, line = [], 1
    for record in records:
        out.append(line)
        line += 1 + sum(v.count("\n") for v in record)
    return out


def _key(row: dict[str, str], columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(row[c] for c in columns)


def accept_drafts(drafts_dir: Path | str, paths: Paths) -> AcceptResult:
    """Merge reviewed drafts into data/curated, or refuse and write nothing.

    The review columns are dropped; rows are inserted where their keys sort in each file (the files' own
    rows keep their bytes and order); agencies and aliases already curated identically are skipped. The merged
    tables are checked in a staging copy by every validation rule with both engines (polars, as `sxtd build`;
    Great Expectations, as `sxtd validate`), the raw manifest and the provenance gate; only if all pass are the
    files replaced (each atomically).

    Raises:
        IntakeError: with `problems` located in the draft files (line, id) or the curated files.
    """
    import time

    started = time.perf_counter()
    drafts_dir = Path(drafts_dir)
    if not drafts_dir.is_dir():
        raise IntakeError(f"{drafts_dir}: no such folder of drafts (sxtd add writes them into drafts/<plan_id>)")
    tables: dict[str, _DraftTable] = {}
    problems: list[Problem] = []
    for name in ACCEPTED_TABLES:
        path = drafts_dir / DRAFT_FILES[name]
        if not path.exists():
            if name == "plans":
                raise IntakeError(f"{path}: missing; a folder of drafts needs its plan row")
            continue
        table, found = _read_draft(path, name)
        problems += found
        if table is not None:
            tables[name] = table
    if problems:
        raise IntakeError(f"accept refused: {len(problems)} problem(s) reading the drafts in {drafts_dir}", problems)
    plan_rows = tables["plans"].rows
    if len(plan_rows) != 1:
        raise IntakeError(f"{tables['plans'].path}: needs exactly one plan row, has {len(plan_rows)}")
    plan_id = plan_rows[0]["plan_id"]
    problems += _belongs_to_plan(tables, plan_id)
    if problems:
        raise IntakeError(f"accept refused: {len(problems)} row(s) not of plan {plan_id}", problems)
    curated = paths.curated_dir
    new_rows, skipped, problems = _new_rows(tables, curated)
    if plan_id in {r["plan_id"] for r in read_rows(curated / "plans.csv")}:
        if not problems and all(not rows for rows in new_rows.values()):
            return AcceptResult(plan_id, {}, skipped, already=True, seconds=time.perf_counter() - started)
        raise IntakeError(f"plan {plan_id} is already in {shown(curated / 'plans.csv')} and these drafts differ from "
                          "its curated rows; nothing was written (correct an accepted plan in data/curated itself)")
    if problems:
        raise IntakeError(f"accept refused: {len(problems)} row(s) already curated with other values", problems)
    staging = Path(tempfile.mkdtemp(prefix=".accept-", dir=curated.parent))
    try:
        origin: dict[tuple[str, int], tuple[Path, int]] = {}
        for table in TABLES.values():
            target = staging / table.file_name
            if (curated / table.file_name).exists():
                shutil.copyfile(curated / table.file_name, target)
            if table.name in new_rows and new_rows[table.name]:
                lines = _insert_rows(target, table.column_names, table.sort_by or table.primary_key,
                                     [row for row, _ in new_rows[table.name]])
                for (_row, draft_line), merged_line in zip(new_rows[table.name], lines, strict=True):
                    origin[(table.file_name, merged_line)] = (tables[table.name].path, draft_line)
        problems = _check(staging, paths)
        if problems:
            located = [_locate(p, staging, curated, origin) for p in problems]
            raise IntakeError(f"accept refused: {len(located)} problem(s) in the merged tables; nothing was written "
                              f"to {shown(curated)}", located)
        for table in TABLES.values():
            if new_rows.get(table.name):
                os.replace(staging / table.file_name, curated / table.file_name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    added = {name: len(rows) for name, rows in new_rows.items() if rows}
    return AcceptResult(plan_id, added, skipped, seconds=time.perf_counter() - started)


def _belongs_to_plan(tables: dict[str, _DraftTable], plan_id: str) -> list[Problem]:
    out = []
    for name in ("targets", "qualitative_objectives", "tasks", "budgets", "plan_registry"):
        if name in tables:
            for row, line in zip(tables[name].rows, tables[name].lines, strict=True):
                if row["plan_id"] != plan_id:
                    out.append(Problem(str(tables[name].path), f"plan_id {row['plan_id']!r} is not the plan of "
                                       f"plan_draft.csv ({plan_id})", line=line, column="plan_id"))
    if "task_agencies" in tables:
        for row, line in zip(tables["task_agencies"].rows, tables["task_agencies"].lines, strict=True):
            if not row["task_id"].startswith(plan_id + "/"):
                out.append(Problem(str(tables["task_agencies"].path), f"task {row['task_id']!r} is not a task of "
                                   f"{plan_id}", line=line, column="task_id"))
    return out


def _new_rows(tables: dict[str, _DraftTable], curated: Path):
    """Rows to add by table, with their draft line; identical agencies and aliases already curated are skipped,
    a key already curated with other values is a conflict."""
    new: dict[str, list[tuple[dict[str, str], int]]] = {}
    skipped: dict[str, int] = {}
    problems: list[Problem] = []
    for name, draft in tables.items():
        table = TABLES[name]
        existing = {_key(r, table.primary_key): r for r in read_rows(curated / table.file_name)}
        new[name] = []
        for row, line in zip(draft.rows, draft.lines, strict=True):
            old = existing.get(_key(row, table.primary_key))
            if old is None:
                new[name].append((row, line))
            elif {c: old.get(c, "") for c in table.column_names} == row:
                skipped[name] = skipped.get(name, 0) + 1
            else:
                problems.append(Problem(str(draft.path), f"{'/'.join(_key(row, table.primary_key))} is already in "
                                        f"{table.file_name} with other values ({', '.join(f'{c}={old[c]!r}' for c in table.column_names if old[c] != row[c])}); "  # noqa: E501
                                        "use the curated row, or another code", line=line,
                                        row_id="/".join(_key(row, table.primary_key))))
    return new, skipped, problems


def _insert_rows(path: Path, columns: list[str], sort_by: tuple[str, ...], rows: list[dict[str, str]]) -> list[int]:
    """Insert `rows` into the CSV at `path` where their sort keys fall, keeping every existing record's bytes and
    order; written atomically. Returns the CSV line of each inserted row, in the order given."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    header, records = _split_records(text)
    if not header:
        header = _csv_line(columns)
    names = next(csv.reader([header]))
    keys = [_key(dict(zip(names, next(csv.reader(io.StringIO(r, newline=""))), strict=False)), sort_by)
            for r in records]
    placed: list[tuple[int, int]] = []  # (index in the merged records, index in rows)
    for i in sorted(range(len(rows)), key=lambda i: _key(rows[i], sort_by)):
        at = bisect.bisect_right(keys, _key(rows[i], sort_by))
        keys.insert(at, _key(rows[i], sort_by))
        records.insert(at, _csv_line([rows[i].get(c, "") for c in names]))
        placed = [(p + (p >= at), j) for p, j in placed] + [(at, i)]
    _write_atomic(path, (header + "".join(records)).encode("utf-8"))
    starts, line = [], 1 + header.count("\n")
    for record in records:
        starts.append(line)
        line += record.count("\n")
    where = {j: starts[p] for p, j in placed}
    return [where[j] for j in range(len(rows))]


def _split_records(text: str) -> tuple[str, list[str]]:
    """The header line and each record's text (with its line end), as `csv` reads them."""
    if not text:
        return "", []
    pieces, buf, quoted = [], "", False
    for line in text.splitlines(keepends=True):
        buf += line
        quoted ^= line.count('"') % 2 == 1
        if not quoted:
            pieces.append(buf if buf.endswith("\n") else buf + "\n")
            buf = ""
    if buf:
        pieces.append(buf + "\n")
    return pieces[0], pieces[1:]


def _csv_line(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _check(staging: Path, paths: Paths) -> list[Problem]:
    """Every rule of the merged tables, the raw manifest and the provenance gate; then both engines.

    The polars engine (`check_frames`, as `sxtd build`) and the gate run first, in about a second; when they pass,
    the Great Expectations suites (`validate_frames`, as `sxtd validate`, ~20 s) must pass too. The two engines
    report the same problems for the same rules (tests/test_validation.py holds them equal), so a draft refused
    by the first is not kept waiting for the second.
    """
    from sxtd_analysis import validation
    from sxtd_analysis.curated import load_curated
    from sxtd_analysis.provenance import check_provenance, check_raw_manifest

    try:
        frames = load_curated(staging)
    except CuratedDataError as err:
        return err.problems
    problems = validation.check_frames(frames, staging).problems
    problems += check_raw_manifest(paths.raw_dir) + check_provenance(frames, paths.raw_dir, staging)
    problems = [p for p in problems if p.level == "error"]
    if not problems:
        problems = [p for p in validation.validate_frames(frames, staging).problems if p.level == "error"]
    return problems


def _locate(problem: Problem, staging: Path, curated: Path, origin: dict[tuple[str, int], tuple[Path, int]]
            ) -> Problem:
    """A problem of the staged tables, pointed at the draft row it came from (or the curated file)."""
    name = Path(problem.file).name
    if Path(problem.file).parent != staging:
        return problem
    if problem.line and (name, problem.line) in origin:
        draft_path, line = origin[(name, problem.line)]
        return replace(problem, file=str(draft_path), line=line)
    return replace(problem, file=str(curated / name))
