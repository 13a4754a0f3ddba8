"""The CSV loader's line numbers (what every validation message points at) when a quoted field holds a line break."""

import polars as pl
import pytest

from sxtd_analysis.curated import parse_table
from sxtd_analysis.schema import TABLES

HEADER = "agency_code,name_vi,name_en,kind"


@pytest.mark.parametrize(
    ("newline", "path"),
    [("\n", "canonical (polars fast path)"), ("\r\n", "exact reader (Windows line ends)")],
)
def test_a_quoted_line_break_moves_the_next_rows_line(newline, path):
    text = newline.join([
        HEADER,
        'a,"Sở A\ncòn dòng hai",Dept A,province_department',  # lines 2-3
        "b,Sở B,Dept B,province_department",  # line 4
        '"c","Sở C\n\nba dòng",Dept C,province_department',  # lines 5-7 (quoted id: not canonical)
        "d,Sở D,Dept D,province_department",  # line 8
    ]) + newline
    frame, problems = parse_table(text.encode(), TABLES["agencies"], "agencies.csv")
    assert problems == []
    assert frame.select("agency_code", "_line").rows() == [("a", 2), ("b", 4), ("c", 5), ("d", 8)], path


def test_the_fast_path_counts_line_breaks_inside_fields():
    text = HEADER + '\na,"Sở A\ncòn dòng hai",Dept A,province_department\nb,Sở B,Dept B,province_department\n'
    frame, problems = parse_table(text.encode(), TABLES["agencies"], "agencies.csv")
    assert problems == [] and frame["_line"].to_list() == [2, 4]
    assert frame["_line"].dtype == pl.Int32
