"""Vega-Lite specifications as data: what the library's charts are built from, and the chart object they return.

Why not Altair at run time: every chart of the library is a Vega-Lite specification, and Altair is a Python
builder for those. In a report kernel, importing Altair (with jsonschema and narwhals) took 0.6 s and its
validation and copying of each chart 0.1-0.2 s more: half of what one province's report took above an empty
notebook (benchmarks/RESULTS.md, "Charts without Altair at run time"). The charts write the same JSON as plain
dicts with the helpers below, and the tests check every one against the Vega-Lite schema Altair ships
(`Chart.validate`). Altair stays for what it is best at: `Chart.to_altair()` hands a researcher the chart as an
Altair object to extend, and a notebook's own Altair charts draw offline too (`offline.enable_renderer`).

    from sxtd_analysis import vega as vl
    bars = vl.unit(frame, vl.mark("bar"), x=vl.channel("sum(n_tasks):Q", title="Tasks"),
                   y=vl.channel("agency:N", sort=agencies), tooltip=[vl.tooltip("agency:N", "Cơ quan")])
    chart = vl.Chart(vl.layer(bars, labels, width="container", height=vl.step(24)))
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

#: the Vega-Lite version the charts are written for: the one vl-convert's bundle draws and Altair 6.3 validates
SCHEMA_URL = "https://vega.github.io/schema/vega-lite/v6.4.1.json"

#: Vega-Lite's one-letter types of the shorthand "field:T"
TYPES = {"N": "nominal", "O": "ordinal", "Q": "quantitative", "T": "temporal", "G": "geojson"}
_SHORTHAND = re.compile(r"^(?:(?P<aggregate>[a-z]+)\((?P<inner>[^()]*)\)|(?P<field>[^:()]+))(?::(?P<type>[NOQTG]))?$")

#: the top-level spec keys of the compositions Altair has a class for (`Chart.to_altair`)
_COMPOSITIONS = {"layer": "LayerChart", "facet": "FacetChart", "hconcat": "HConcatChart",
                 "vconcat": "VConcatChart", "concat": "ConcatChart", "repeat": "RepeatChart"}


# ------------------------------------------------------------------------------------------- encodings


def channel(shorthand: str, **props: Any) -> dict[str, Any]:
    """An encoding channel from Altair's shorthand: "label:N" -> {"field": "label", "type": "nominal"},
    "sum(n_tasks):Q" -> {"aggregate": "sum", "field": "n_tasks", ...}; `props` as Vega-Lite names them
    (`scale=None` writes null: no scale; leave a property out to take Vega-Lite's default)."""
    match = _SHORTHAND.match(shorthand)
    if match is None:
        raise ValueError(f"not a field shorthand: {shorthand!r} (expected 'field:T' or 'aggregate(field):T')")
    out: dict[str, Any] = {}
    if match["aggregate"]:
        out["aggregate"] = match["aggregate"]
        if match["inner"]:
            out["field"] = match["inner"]
    else:
        out["field"] = match["field"]
    if match["type"]:
        out["type"] = TYPES[match["type"]]
    return out | props


def tooltip(shorthand: str, title: str, **props: Any) -> dict[str, Any]:
    """One tooltip row: a field and the title it shows beside it."""
    return channel(shorthand, title=title, **props)


def value(constant: Any) -> dict[str, Any]:
    """A constant for a channel: {"value": constant}."""
    return {"value": constant}


def expr(text: str) -> dict[str, str]:
    """A Vega expression where a property takes one: {"expr": text}."""
    return {"expr": text}


def step(size: float) -> dict[str, float]:
    """A discrete axis' size per band: {"step": size}."""
    return {"step": size}


def when(*cases: tuple[str, Mapping[str, Any]], otherwise: Mapping[str, Any]) -> dict[str, Any]:
    """A channel that depends on the datum: the first (test, definition) whose test holds, else `otherwise`.

    `when(("datum.dark", value("white")), otherwise=value("#222"))`; a definition may be a field channel.
    """
    if not cases:
        raise ValueError("when() needs at least one (test, definition) case")
    conditions = [{"test": test, **definition} for test, definition in cases]
    return {"condition": conditions[0] if len(conditions) == 1 else conditions, **otherwise}


# ------------------------------------------------------------------------------------------------ views


def mark(kind: str, **props: Any) -> dict[str, Any]:
    """A mark: {"type": kind, ...props}."""
    return {"type": kind, **props}


def unit(data: Any, mark_: Mapping[str, Any], *, transform: Iterable[Mapping[str, Any]] = (),
         properties: Mapping[str, Any] | None = None, **encoding: Any) -> dict[str, Any]:
    """One view: the rows of a polars frame (or a list of records), a mark and its encoding channels.

    A channel may be given as shorthand ("label:N"); a channel set to None is left out.
    """
    spec: dict[str, Any] = {"data": {"values": records(data)}, "mark": dict(mark_)}
    spec["encoding"] = {name: channel(c) if isinstance(c, str) else c for name, c in encoding.items() if c is not None}
    if transform:
        spec["transform"] = [dict(t) for t in transform]
    return spec | dict(properties or {})


def layer(*views: Mapping[str, Any], **props: Any) -> dict[str, Any]:
    """Views drawn on top of each other, the first at the bottom; `props` of the whole (width, height, title)."""
    return {"layer": [dict(v) for v in views], **props}


def facet(view: Mapping[str, Any], *, row: Mapping[str, Any], **props: Any) -> dict[str, Any]:
    """A view repeated for each value of `row` (one panel a row), its data moved up to the facet."""
    inner = dict(view)
    data = inner.pop("data")
    return {"data": data, "facet": {"row": dict(row)}, "spec": inner, **props}


def records(data: Any) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready records: dates as ISO text, NaN as null (JSON has no NaN)."""
    if isinstance(data, list):
        return data
    import polars as pl

    frame = data if isinstance(data, pl.DataFrame) else pl.from_pandas(data)
    fixes = []
    for name, dtype in frame.schema.items():
        if dtype in (pl.Date, pl.Datetime, pl.Time) or isinstance(dtype, pl.Datetime):
            fixes.append(pl.col(name).cast(pl.String))
        elif dtype.is_float():
            fixes.append(pl.col(name).fill_nan(None))
        elif dtype == pl.Decimal or isinstance(dtype, pl.Decimal):
            fixes.append(pl.col(name).cast(pl.Float64))
    return (frame.with_columns(fixes) if fixes else frame).to_dicts()


# ------------------------------------------------------------------------------------------------ chart


class Chart:
    """A Vega-Lite specification that draws itself: in a notebook and in the reports (offline, through
    `offline.chart_html`), as JSON (`to_dict`, `to_json`) and as an Altair chart (`to_altair`).

    The rows each view carries are moved into the top level's `datasets` and named, as Altair writes them;
    views that carry the same rows share one dataset, at the top level where every layer does.
    """

    def __init__(self, spec: Mapping[str, Any]):
        self._spec = _with_datasets(dict(spec))

    def to_dict(self) -> dict[str, Any]:
        """The specification (a copy: changing it leaves the chart as it is)."""
        return copy.deepcopy(self._spec)

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self._spec, ensure_ascii=False, indent=indent)

    def properties(self, **props: Any) -> Chart:
        """The chart with top-level properties set or replaced (width, height, title...)."""
        return Chart(self.to_dict() | props)

    def validate(self) -> None:
        """Check the specification against Vega-Lite's JSON schema (the one Altair ships; imports Altair).

        Raises ValueError naming the first problem and where it is.
        """
        _skip_slow_imports()
        from altair.utils.schemapi import validate_jsonschema
        from altair.vegalite.v6.schema import core

        problem = validate_jsonschema(self._spec, core.load_schema(), raise_error=False)
        if problem is not None:
            where = "/".join(str(p) for p in problem.absolute_path) or "(top level)"
            raise ValueError(f"not a valid Vega-Lite specification at {where}: {problem.message[:500]}")

    def to_altair(self, validate: bool = True) -> Any:
        """The chart as an Altair object (LayerChart, FacetChart... or Chart), to extend with Altair's API."""
        _skip_slow_imports()
        import altair as alt

        kind = next((name for key, name in _COMPOSITIONS.items() if key in self._spec), "Chart")
        return getattr(alt, kind).from_dict(self.to_dict(), validate=validate)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        from sxtd_analysis.offline import offline_renderer

        return offline_renderer(self._spec)

    def __repr__(self) -> str:
        kind = next((key for key in _COMPOSITIONS if key in self._spec), "unit")
        return f"<vega.Chart {kind}: {json.dumps(self._spec.get('title', ''), ensure_ascii=False)[:80]}>"


def _skip_slow_imports() -> None:
    from sxtd_analysis.offline import skip_slow_imports

    skip_slow_imports()  # before Altair, which imports jsonschema: ~1.2 s less


def _with_datasets(spec: dict[str, Any]) -> dict[str, Any]:
    """Inline rows (`data.values`) anywhere in the spec moved to top-level `datasets` under names."""
    names: dict[int, str] = {}
    datasets: dict[str, list] = dict(spec.get("datasets") or {})

    def name_of(values: list) -> str:
        key = id(values)
        if key not in names:  # rows equal to a dataset's already named share its name, as Altair's hashes do
            name = next((name for name, rows in datasets.items() if len(rows) == len(values) and rows == values),
                        None)
            if name is None:
                name = f"data-{len(datasets) + 1}"
                datasets[name] = values
            names[key] = name
        return names[key]

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: visit(v) for k, v in node.items() if k != "data"}
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                out["data"] = {"name": name_of(data["values"])}
            elif data is not None:
                out["data"] = data
            return out
        if isinstance(node, list):
            return [visit(v) for v in node]
        return node

    spec = visit(spec)
    layers = spec.get("layer")
    if layers and "data" not in spec:  # every layer on the same rows: the rows once, at the top
        shared = {json.dumps(lay.get("data"), sort_keys=True) for lay in layers}
        if len(shared) == 1 and layers[0].get("data") is not None:
            spec["data"] = layers[0]["data"]
            spec["layer"] = [{k: v for k, v in lay.items() if k != "data"} for lay in layers]
    if datasets:
        spec["datasets"] = datasets
    spec.setdefault("$schema", SCHEMA_URL)
    return spec
