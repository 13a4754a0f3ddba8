"""The verdict vocabulary is defined once (schema.VERDICTS, data/curated/verdicts.csv) and explained wherever a
reader meets it: `sxtd describe target_alignment`, the README's data model, the codebook's two languages."""

from pathlib import Path

import polars as pl
from click.testing import CliRunner

from sxtd_analysis.cli import main
from sxtd_analysis.schema import VERDICTS

ROOT = Path(__file__).resolve().parents[1]


def test_the_codebook_holds_every_verdict_once_in_display_order():
    codebook = pl.read_csv(ROOT / "data" / "curated" / "verdicts.csv").sort("display_order")
    assert codebook["verdict"].to_list() == list(VERDICTS)
    for column in ("label_vi", "label_en", "meaning_vi", "meaning_en"):
        assert codebook[column].str.len_chars().min() > 5, column


def test_describe_explains_every_verdict(built_db):
    result = CliRunner().invoke(main, ["--db", str(built_db), "describe", "target_alignment"])
    assert result.exit_code == 0, result.output
    explained = result.output.split("Verdicts (table verdicts):", 1)[1]
    for verdict in VERDICTS:
        assert f"\n{verdict} " in explained, verdict
    assert "interim" in result.output.split("Verdicts", 1)[0]  # the verdict column's meaning names them too


def test_the_readme_explains_every_verdict():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    model = readme.split("## The data model", 1)[1].split("\n## ", 1)[0]
    for verdict in VERDICTS:
        assert f"`{verdict}`" in model, verdict
