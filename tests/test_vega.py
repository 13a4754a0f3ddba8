"""sxtd_analysis.vega: Vega-Lite specifications written as dicts, on small hand-built specs."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from sxtd_analysis import vega as vl


def test_channels_from_altairs_shorthand():
    assert vl.channel("label:N") == {"field": "label", "type": "nominal"}
    assert vl.channel("sum(n_tasks):Q", title="Tasks") == {"aggregate": "sum", "field": "n_tasks",
                                                          "type": "quantitative", "title": "Tasks"}
    assert vl.channel("count():Q") == {"aggregate": "count", "type": "quantitative"}
    assert vl.channel("x1") == {"field": "x1"}
    assert vl.channel("y:Q", scale=None, axis=None) == {"field": "y", "type": "quantitative", "scale": None,
                                                        "axis": None}
    assert vl.tooltip("quote:N", "Trích dẫn (quote)") == {"field": "quote", "type": "nominal",
                                                          "title": "Trích dẫn (quote)"}
    with pytest.raises(ValueError, match="not a field shorthand: 'label:X'"):
        vl.channel("label:X")


def test_conditions_one_or_several():
    assert vl.when(("datum.dark", vl.value("white")), otherwise=vl.value("#222")) == {
        "condition": {"test": "datum.dark", "value": "white"}, "value": "#222"}
    two = vl.when(("datum.a", vl.value(3)), ("datum.b", vl.value(2)), otherwise=vl.value(1))
    assert two == {"condition": [{"test": "datum.a", "value": 3}, {"test": "datum.b", "value": 2}], "value": 1}
    field = vl.when(("isValid(datum.v)", vl.channel("v:Q")), otherwise=vl.value("#eee"))
    assert field == {"condition": {"test": "isValid(datum.v)", "field": "v", "type": "quantitative"},
                     "value": "#eee"}
    with pytest.raises(ValueError):
        vl.when(otherwise=vl.value(1))


def test_records_are_json_ready():
    frame = pl.DataFrame({"on": [date(2020, 12, 15), None], "x": [1.5, float("nan")], "n": [1, 2]})
    assert vl.records(frame) == [{"on": "2020-12-15", "x": 1.5, "n": 1}, {"on": None, "x": None, "n": 2}]
    rows = [{"a": 1}]
    assert vl.records(rows) is rows


def test_rows_become_named_datasets_shared_where_equal():
    same, equal, other = [{"x": 1}], [{"x": 1}], [{"x": 2}]
    spec = vl.Chart(vl.layer(vl.unit(same, vl.mark("point"), x="x:Q"), vl.unit(same, vl.mark("text"), x="x:Q"),
                             vl.unit(equal, vl.mark("rule"), x="x:Q"))).to_dict()
    # every layer on the same rows: one dataset, at the top, as Altair writes it
    assert spec["datasets"] == {"data-1": [{"x": 1}]} and spec["data"] == {"name": "data-1"}
    assert all("data" not in layer for layer in spec["layer"])
    assert spec["$schema"] == vl.SCHEMA_URL
    mixed = vl.Chart(vl.layer(vl.unit(same, vl.mark("point"), x="x:Q"),
                              vl.unit(other, vl.mark("rule"), x="x:Q"))).to_dict()
    assert [layer["data"] for layer in mixed["layer"]] == [{"name": "data-1"}, {"name": "data-2"}]
    assert "data" not in mixed and mixed["datasets"]["data-2"] == [{"x": 2}]


def test_a_facet_carries_the_data_and_the_view_inside():
    view = vl.unit([{"a": "x", "v": 1}], vl.mark("rect"), properties={"width": 300}, x="v:Q", y="a:N")
    spec = vl.Chart(vl.facet(view, row=vl.channel("a:N", title=None), spacing=16)).to_dict()
    assert spec["data"] == {"name": "data-1"} and "data" not in spec["spec"]
    assert spec["spec"]["width"] == 300 and spec["facet"] == {"row": {"field": "a", "type": "nominal", "title": None}}
    vl.Chart(spec).validate()


def test_the_chart_is_a_copy_and_validates_and_round_trips_through_altair():
    chart = vl.Chart(vl.layer(vl.unit([{"x": 1.0, "y": "a"}], vl.mark("bar"), x="x:Q", y="y:N"), width=200))
    spec = chart.to_dict()
    spec["width"] = 999
    assert chart.to_dict()["width"] == 200 and chart.properties(width=300).to_dict()["width"] == 300
    chart.validate()
    back = chart.to_altair()
    assert type(back).__name__ == "LayerChart" and back.to_dict()["layer"][0]["mark"] == {"type": "bar"}
    wrong = vl.Chart(vl.unit([{"x": 1}], vl.mark("bar"), x=vl.channel("x:Q", bin="yes")))
    with pytest.raises(ValueError, match="not a valid Vega-Lite specification at encoding/x"):
        wrong.validate()


def test_the_chart_draws_itself_offline_the_bundle_once():
    from sxtd_analysis import offline

    offline.enable_renderer()
    chart = vl.Chart(vl.unit([{"x": 1}], vl.mark("point"), x="x:Q"))
    first, second = chart._repr_mimebundle_()["text/html"], chart._repr_mimebundle_()["text/html"]
    assert "vegaEmbed" in first and "sxtd-chart" in first and len(first) > 100_000  # the Vega bundle
    assert len(second) < 10_000 and "sxtd-chart" in second
    assert repr(chart).startswith("<vega.Chart unit")


def test_a_report_kernels_charts_leave_the_bundle_to_the_page(monkeypatch):
    """In a report's kernel (BUNDLE_ENV=page) no chart carries the 0.9 MB bundle: the exporter puts it in the head."""
    from sxtd_analysis import offline

    monkeypatch.setenv(offline.BUNDLE_ENV, "page")
    offline.enable_renderer()
    first = vl.Chart(vl.unit([{"x": 1}], vl.mark("point"), x="x:Q"))._repr_mimebundle_()["text/html"]
    assert "sxtd-chart" in first and len(first) < 10_000
