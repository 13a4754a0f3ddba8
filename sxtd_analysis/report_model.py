"""What a report run is made of: the provinces reported on, each notebook's result, the run's summary, and the
names of the files in the reports folder."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

COMPARISON_KEY = "comparison"
INDEX_NAME = "index.html"
FAILED_DIR = "failed"


@dataclass(frozen=True)
class Province:
    slug: str
    name_vi: str


@dataclass(frozen=True)
class ReportResult:
    """The outcome of one notebook: the report written, or why not."""

    key: str  # province slug, or "comparison"
    title: str
    ok: bool
    seconds: float
    html: Path | None = None
    error: str | None = None
    failed_notebook: Path | None = None


@dataclass
class RenderSummary:
    """What a `render_all` / `render_provinces` run did."""

    out_dir: Path
    results: list[ReportResult] = field(default_factory=list)
    index: Path | None = None
    skipped: bool = False
    reason: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if not r.ok]

    @property
    def rendered(self) -> list[ReportResult]:
        return [r for r in self.results if r.ok]


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file renamed into place."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
