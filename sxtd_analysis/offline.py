"""Altair charts that draw with no network: an Altair renderer that embeds Vega once per notebook.

The first chart of a kernel session carries the Vega/Vega-Lite/Vega-Embed bundle from vl-convert
(about 0.9 MB); every chart is then a <div> and a `vegaEmbed(...)` call, so executed notebooks and the
HTML reports made from them draw their charts, tooltips included, opened from disk without a network.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from functools import cache
from pathlib import Path

RENDERER = "sxtd_offline"
_state = {"bundle_emitted": False}


def skip_slow_imports() -> None:
    """Keep jsonschema from importing `rfc3987_syntax` (call before altair, papermill or nbformat is imported).

    jsonschema imports rfc3987_syntax when it is installed (the Jupyter packages bring it), and that module
    builds a Lark grammar at import: about 1.2 s of every report kernel and every `sxtd report`. jsonschema
    only uses it to check the "iri" and "iri-reference" formats, which neither Vega-Lite's schema (altair)
    nor nbformat's uses; without it jsonschema leaves those two formats unchecked, as when it is not
    installed. Does nothing once jsonschema or rfc3987_syntax is imported.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


skip_slow_imports()  # importing this module is the first thing a report notebook does


def _cache_dir() -> Path:
    if os.environ.get("SXTD_CACHE_DIR"):
        return Path(os.environ["SXTD_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sxtd-analysis"


@cache
def javascript_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script that defines `window.vegaEmbed`.

    Building it takes seconds, so it is kept on disk per vl-convert version ($SXTD_CACHE_DIR, else
    ~/.cache/sxtd-analysis); where that cannot be written, it is built in memory each session.
    """
    import vl_convert

    path = _cache_dir() / f"vega-bundle-{vl_convert.__version__}.js"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle().replace("</script", "<\\/script")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(bundle, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass
    return bundle


def _script(js: str) -> str:
    return f"<script>{js}</script>"


def chart_html(spec: dict, *, include_bundle: bool) -> str:
    """HTML for one chart: a div and the call that draws it (waiting for the bundle if needed)."""
    div_id = f"sxtd-chart-{uuid.uuid4().hex[:12]}"
    payload = json.dumps(spec, ensure_ascii=False).replace("</", "<\\/")
    call = (f"(function draw(){{if(!window.vegaEmbed){{return setTimeout(draw,50);}}"
            f"vegaEmbed('#{div_id}',{payload},{{actions:false,renderer:'svg'}})"
            f".catch(function(e){{document.getElementById('{div_id}').textContent='Chart failed: '+e;}});}})();")
    bundle = _script(javascript_bundle()) if include_bundle else ""
    return f'{bundle}<div id="{div_id}" class="sxtd-chart"></div>{_script(call)}'


def offline_renderer(spec: dict, **_: object) -> dict[str, str]:
    """Altair renderer: the bundle with the first chart of the session, then div + vegaEmbed per chart."""
    html = chart_html(spec, include_bundle=not _state["bundle_emitted"])
    _state["bundle_emitted"] = True
    return {"text/html": html}


def enable_renderer() -> None:
    """Register and enable the offline renderer (call once at the top of a notebook)."""
    import altair as alt

    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, offline_renderer)
    alt.renderers.enable(RENDERER)
    _state["bundle_emitted"] = False


# ----------------------------------------------------------------------------------- offline checking

import re  # noqa: E402
from html.parser import HTMLParser  # noqa: E402

_URL_ATTRS = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background", "xlink:href",
              "codebase", "cite", "longdesc", "manifest", "ping", "lowsrc", "dynsrc", "icon", "archive", "usemap"}
_NETWORK = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//|^\s*(?:https?|ftp|wss?):", re.IGNORECASE)
_LOCAL_OK = re.compile(r"^\s*(?:#|data:|about:|blob:|javascript:|mailto:|$)", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(r"@import\s+(?:url\(\s*)?['\"]?([^'\")\s;]+)", re.IGNORECASE)


class _References(HTMLParser):
    def __init__(self, links: bool):
        super().__init__(convert_charrefs=True)
        self.links = links
        self.found: list[str] = []
        self._in_style = False

    def _check(self, where: str, value: str, *, navigation: bool = False) -> None:
        values = [v.strip().split(" ")[0] for v in value.split(",")] if where.endswith("srcset") else [value]
        for v in values:
            if _NETWORK.match(v):
                self.found.append(f"{where}={v.strip()[:120]!r}")
            elif not navigation and not _LOCAL_OK.match(v):
                self.found.append(f"{where}={v.strip()[:120]!r} (a file beside the report)")

    def _css(self, where: str, css: str) -> None:
        for _, url in _CSS_URL.findall(css):
            self._check(f"{where} url()", url)
        for url in _CSS_IMPORT.findall(css):
            self._check(f"{where} @import", url)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            name = name.lower()
            if name == "style":
                self._css(f"<{tag} style>", value)
            elif name in _URL_ATTRS:
                navigation = tag == "a" and name == "href"
                if navigation and not self.links:
                    continue
                self._check(f"<{tag} {name}>", value, navigation=navigation)
            elif tag == "meta" and name == "content" and "url=" in value.lower():
                self._check("<meta refresh>", value.lower().split("url=", 1)[1])
        self._in_style = tag == "style"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self._css("<style>", data)


def external_references(page: str, *, links: bool = True) -> list[str]:
    """Every address the page would load from outside itself: attributes, CSS url() and @import.

    Network addresses (http:, https:, //...) count anywhere, and so do files beside the page for anything
    the browser loads (src, <link href>, url()...). `links=False` ignores <a href> (a link loads nothing until
    followed). Text inside scripts (the Vega bundle, a spec's "$schema") is not a request and is not looked at.
    """
    parser = _References(links)
    parser.feed(page)
    parser.close()
    return parser.found


