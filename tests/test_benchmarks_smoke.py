"""The benchmarks' synthetic corpus generator still writes curated data the loader and the build accept.

No timings here: benchmarks/ measures speed; this only keeps the generator from rotting.
"""

from sxtd_analysis.config import get_paths
from sxtd_analysis.curated import load_curated
from sxtd_analysis.schema import TABLES
from sxtd_analysis.validation import check_frames
from sxtd_analysis.warehouse import build_database
from tests.helpers import read_rows, synthetic_module


def test_synthetic_corpus_passes_the_checks_and_builds(tmp_path):
    synthetic = synthetic_module()
    curated = tmp_path / "curated"
    counts = synthetic.generate(curated, 5, seed=1)

    frames = load_curated(curated)
    assert check_frames(frames, curated).problems == []
    assert frames["plans"].height == 5
    assert {name: frame.height for name, frame in frames.items()} == counts
    assert frames["targets"].height >= 5 * 10 and frames["tasks"].height >= 5 * 20
    for table in TABLES.values():  # sorted like the real files
        rows = read_rows(curated / table.file_name)
        keys = [tuple(r[c] for c in (table.sort_by or table.primary_key)) for r in rows]
        assert keys == sorted(keys), table.file_name

    paths = get_paths(root=tmp_path, curated_dir=curated, raw_dir=tmp_path / "raw",
                      database=tmp_path / "synthetic.duckdb")
    result = build_database(paths, skip_provenance=True)
    assert result.row_counts == counts

    again = tmp_path / "again"
    synthetic.generate(again, 5, seed=1)
    assert all((curated / t.file_name).read_bytes() == (again / t.file_name).read_bytes() for t in TABLES.values())
