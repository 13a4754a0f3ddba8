"""Charts that draw with no network: each chart's HTML, with Vega embedded once per notebook.

The first chart of a kernel session carries the Vega/Vega-Lite/Vega-Embed bundle from vl-convert
(about 0.9 MB); every chart is then a <div> and a `vegaEmbed(...)` call, so executed notebooks and the
HTML reports made from them draw their charts, tooltips included, opened from disk without a network.
In a report's kernel (`BUNDLE_ENV`) no chart carries the bundle: the page's exporter puts it in the head.
The library's charts (`vega.Chart`) draw this way by themselves; `enable_renderer(altair=True)` makes a
notebook's own Altair charts do the same.
"""

from __future__ import annotations

import json
import os
import re
import sys
import uuid
from functools import cache
from pathlib import Path

RENDERER = "sxtd_offline"
_state = {"bundle_emitted": False}
#: set to "page" in the environment of a report's kernel: the page's exporter puts the Vega bundle in the page's
#: head (`html_export`), so the kernel's first chart does not carry its 0.9 MB through the notebook
BUNDLE_ENV = "SXTD_VEGA_BUNDLE"


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


#: vega-tooltip cuts a value after 7 lines and 300 px (its own stylesheet); a quote must wrap and show whole
TOOLTIP_CSS = ("#vg-tooltip-element table tr td.value{max-width:min(34em,80vw);max-height:none;"
               "white-space:normal;font-size:13px}#vg-tooltip-element{font-size:13px;"
               "font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif}"
               "#vg-tooltip-element table tr td.key{max-width:14em}")

#: the script of the report template: open every collapsed section for printing (where CSS cannot), then
#: restore them
PRINT_SCRIPT = ("(function(){var shut=[];window.addEventListener('beforeprint',function(){"
                "document.querySelectorAll('details:not([open])').forEach(function(d){shut.push(d);d.open=true;});});"
                "window.addEventListener('afterprint',function(){shut.forEach(function(d){d.open=false;});shut=[];});})();")

#: the call that draws one chart, after its spec (JSON), the room a facet's labels take (or null) and its div's id.
#: A facet (which Vega-Lite cannot size to its container) is drawn to the div's width, and again when the window's
#: width changes by more than 40 px (a phone turned, a window resized), its former view released first.
_CALL_BODY = ("';var view=null,drawn=0,wait=null;"
              "function draw(){if(!window.vegaEmbed){return setTimeout(draw,50);}"
              "var el=document.getElementById(id);"
              "if(fit!==null&&spec.spec){spec.spec.width=Math.max(160,el.clientWidth-fit);}"
              "drawn=el.clientWidth;if(view){view.finalize();view=null;}"
              "vegaEmbed(el,spec,{actions:false,renderer:'svg'}).then(function(r){view=r;}).catch(function(e){"
              "el.textContent='Không vẽ được biểu đồ (chart failed): '+e;});}draw();"
              "if(fit!==null){window.addEventListener('resize',function(){clearTimeout(wait);"
              "wait=setTimeout(function(){var el=document.getElementById(id);"
              "if(el&&Math.abs(el.clientWidth-drawn)>40){draw();}},250);});}})();")
_CHART_CALL = re.compile(r"\(function\(\)\{var spec=(\{.*\});var fit=(?:null|\d+);var id='sxtd-chart-[0-9a-f]{12}"
                         + re.escape(_CALL_BODY), re.S)


def chart_html(spec: dict, *, include_bundle: bool) -> str:
    """HTML for one chart: a box that scrolls sideways below the chart's smallest width, a div, and the call
    that draws it (waiting for the bundle if needed). `spec["usermeta"]["sxtd"]` may give `min_width` (px)
    and `fit` (a facet's panels are widened to the div's width less `fit`: see `chart_style.finish`)."""
    div_id = f"sxtd-chart-{uuid.uuid4().hex[:12]}"
    meta = (spec.get("usermeta") or {}).get("sxtd") or {}
    min_width, fit = int(meta.get("min_width") or 0), meta.get("fit")
    payload = json.dumps(spec, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "\\u003c!--")
    call = (f"(function(){{var spec={payload};var fit={'null' if fit is None else int(fit)};"
            f"var id='{div_id}{_CALL_BODY}")
    bundle = (f"<style>{TOOLTIP_CSS}</style>{_script(javascript_bundle())}") if include_bundle else ""
    style = f' style="min-width:{min_width}px"' if min_width else ""
    return (f'{bundle}<div class="sxtd-chart-box"><div id="{div_id}" class="sxtd-chart"{style}></div></div>'
            f"{_script(call)}")


def offline_renderer(spec: dict, **_: object) -> dict[str, str]:
    """A chart's display: the bundle with the first chart of the session, then div + vegaEmbed per chart.

    `vega.Chart` displays through it, and it is an Altair renderer too (`enable_renderer(altair=True)`).
    """
    html = chart_html(spec, include_bundle=not _state["bundle_emitted"] and os.environ.get(BUNDLE_ENV) != "page")
    _state["bundle_emitted"] = True
    return {"text/html": html}


def enable_renderer(altair: bool | None = None) -> None:
    """Start a notebook's charts (call once at its top): the next chart carries the Vega bundle.

    `altair`: also register and enable this renderer for Altair charts the notebook makes itself; by default
    only where Altair is already imported (the library's charts do not need Altair: see `vega`).
    """
    if altair or (altair is None and "altair" in sys.modules):
        import altair as alt

        if RENDERER not in alt.renderers.names():
            alt.renderers.register(RENDERER, offline_renderer)
        alt.renderers.enable(RENDERER)
    _state["bundle_emitted"] = False


# ----------------------------------------------------------------------------------- offline checking

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




class _Markup(HTMLParser):
    """Event-handler attributes, `javascript:` addresses, embedding elements, and scripts (with their text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            name = name.lower()
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> (an event handler)")
            elif value and re.match(r"\s*(?:javascript|vbscript):", value, re.IGNORECASE):
                self.found.append(f"<{tag} {name}={value.strip()[:60]!r}>")
        if tag in ("iframe", "object", "embed", "frame", "frameset", "base", "applet"):
            self.found.append(f"<{tag}> (embeds or redirects content)")
        if tag == "meta" and any(n.lower() == "http-equiv" for n, _ in attrs):
            self.found.append("<meta http-equiv>")
        if tag == "script":
            if any(n.lower() == "src" for n, _ in attrs):
                self.found.append("<script src=...>")
            self._script = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self.handle_endtag(tag)

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None


def _ours(script: str) -> bool:
    """A script this package writes: the Vega bundle (as vl-convert builds it), the template's PRINT_SCRIPT,
    or a chart's drawing call around a spec that is pure JSON data."""
    if not script.strip():
        return True
    match = _CHART_CALL.fullmatch(script)
    if match:
        try:
            json.loads(match[1])
        except ValueError:
            return False
        return True
    return script in (PRINT_SCRIPT, javascript_bundle())


def unsafe_markup(page: str) -> list[str]:
    """What in the page could run code the report did not write: event-handler attributes (on...),
    `javascript:` addresses, iframes and the like, and any script other than the Vega bundle and the charts'
    drawing calls (`chart_html`). Curated text reaches the page escaped; this is the check that it did."""
    parser = _Markup()
    parser.feed(page)
    parser.close()
    foreign = [s for s in parser.scripts if not _ours(s)]
    return parser.found + [f"<script> not written by sxtd: {s.strip()[:80]!r}" for s in foreign]
