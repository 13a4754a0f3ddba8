"""Every table and view of the warehouse as files for other tools: Parquet, CSV that Excel reads, one workbook.

Each file is written beside its final name and renamed into place, so a failed export never leaves a
half-written file where a good one was.
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

FORMATS = ("parquet", "csv", "xlsx")
#: Rows an Excel sheet holds, the header included.
EXCEL_MAX_ROWS = 1_048_576
#: The workbook `--format xlsx` writes into the output folder.
WORKBOOK_NAME = "sxtd.xlsx"


class ExportError(ValueError):
    """What cannot be exported, and what to do instead."""


def _flat(frame):
    """Lists and structs as text ('; ' between items), so that CSV and Excel can hold them."""
    import polars as pl

    nested = [c for c, t in frame.schema.items() if isinstance(t, pl.List | pl.Array | pl.Struct)]
    if not nested:
        return frame
    return frame.with_columns(
        pl.col(c).map_elements(lambda v: "; ".join(map(str, v.values() if isinstance(v, dict) else v)),
                               return_dtype=pl.String)
        for c in nested)


def _part(path: Path) -> Path:
    """The hidden file a file is written to before it is renamed into place (.targets.part.csv)."""
    return path.with_name(f".{path.stem}.part{path.suffix}")


def _replace(part: Path, path: Path, write) -> None:
    """Write with `write(part)`, then rename part over path; on any failure the part file is removed."""
    try:
        write(part)
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def export_all(con, out_dir: Path, fmt: str, *, bom: bool = True) -> list[tuple[Path, str, int]]:
    """Write every table and view: one file each (parquet, csv), or one sheet each of one workbook (xlsx).

    Args:
        con: a connection to the warehouse.
        out_dir: the folder (created if missing).
        fmt: parquet, csv or xlsx.
        bom: start CSV files with a UTF-8 byte-order mark, which Excel needs to read Vietnamese correctly.

    Returns:
        (file, table, rows) for each table written.
    """
    from sxtd_analysis.sql import exported_objects

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    names = exported_objects(con)
    if fmt == "xlsx":
        return _workbook(con, names, out_dir / WORKBOOK_NAME)
    written = []
    for name in names:
        frame = con.sql(f'SELECT * FROM "{name}"').pl()
        path = out_dir / f"{name}.{fmt}"
        part = _part(path)
        flat = frame if fmt == "parquet" else _flat(frame)
        _replace(part, path, flat.write_parquet if fmt == "parquet" else partial(flat.write_csv, include_bom=bom))
        written.append((path, name, frame.height))
    return written


def _workbook(con, names: list[str], path: Path) -> list[tuple[Path, str, int]]:
    """One workbook, a sheet per table (the table's name), header frozen, columns fitted."""
    import xlsxwriter

    counts = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0] for name in names}
    too_big = {name: n for name, n in counts.items() if n >= EXCEL_MAX_ROWS}
    if too_big:
        listed = ", ".join(f"{name} ({n:,} rows)" for name, n in too_big.items())
        raise ExportError(f"{listed}: more rows than an Excel sheet holds ({EXCEL_MAX_ROWS - 1:,}); export as "
                          "--format csv or parquet instead")

    def write(part: Path) -> None:
        with xlsxwriter.Workbook(str(part)) as workbook:
            for name in names:
                _excel_sheet(con.sql(f'SELECT * FROM "{name}"').pl(), workbook, name)

    _replace(_part(path), path, write)
    return [(path, name, counts[name]) for name in names]


def _excel_sheet(frame, workbook, name: str) -> None:
    import polars as pl

    if frame.height >= EXCEL_MAX_ROWS:
        raise ExportError(f"{name} has {frame.height:,} rows, more than an Excel sheet holds "
                          f"({EXCEL_MAX_ROWS - 1:,}); write .csv or .parquet instead")
    _flat(frame).write_excel(workbook=workbook, worksheet=name[:31], autofit=frame.height <= 10_000,
                             freeze_panes=(1, 0), dtype_formats={pl.Float64: "General"})


def write_result(frame, path: Path, *, bom: bool = True) -> None:
    """Write one frame by its file's suffix: .parquet, .csv (a BOM unless told not) or .xlsx (sheet 'result')."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        import xlsxwriter

        def write(part: Path) -> None:
            with xlsxwriter.Workbook(str(part)) as workbook:
                _excel_sheet(frame, workbook, "result")
    elif suffix == ".csv":
        write = partial(_flat(frame).write_csv, include_bom=bom)
    elif suffix == ".parquet":
        write = frame.write_parquet
    else:
        raise ExportError(f"{path}: the file name must end in .parquet, .csv or .xlsx")
    _replace(_part(path), path, write)
