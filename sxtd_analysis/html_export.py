"""HTML pages from executed notebooks: the report template (code hidden, offline, Vietnamese first, for desk,
phone and paper), accessible markup, markdown outputs with their HTML escaped, and the Vega bundle each page
carries."""

from __future__ import annotations

import functools
import html
import re
import threading

from sxtd_analysis.config import PACKAGE_DIR

TEMPLATES_DIR = PACKAGE_DIR / "templates"
TEMPLATE_NAME = "sxtd_report"


_EXPORT_LOCK = threading.Lock()
_EXPORTER: dict[str, object] = {}


def _report_exporter_class():
    """nbconvert's HTMLExporter without its BeautifulSoup pass over the finished page.

    HTMLExporter (nbconvert 7) re-parses its own output with BeautifulSoup's pure-Python parser to add
    `tabindex="0"` to input and output areas and an `alt` text to images lacking one, then serialises the
    tree again: 0.03 s for a report of the real data, 30 s of the 45 s a province report took at 10,000
    synthetic plans (a 14 MB page). This subclass renders the same template and makes the same three edits
    on the template's own markup (`_accessible`); a test checks the two pages parse to the same document.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            # HTMLExporter.from_notebook_node up to its BeautifulSoup pass (nbconvert 7.17)
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                     resources=resources)
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _accessible(page), resources

    return ReportExporter


#: the lab template's input wrappers and output areas (nbconvert/templates/lab/base.html.j2), any image, and
#: the scripts whose text `_accessible` leaves alone
_INPUT_WRAPPER = '<div class="jp-Cell-inputWrapper">'
_OUTPUT_AREA = re.compile(r'(<div class="[^"<>]*\bjp-OutputArea-output\b[^"<>]*"[^<>]*)>')
_IMAGE_WITHOUT_ALT = re.compile(r"<img\b(?![^<>]*\balt=)([^<>]*?)(/?)>")
_SCRIPT = re.compile(r"(<script\b.*?</script\s*>)", re.S | re.I)


def _accessible(page: str) -> str:
    """What HTMLExporter's BeautifulSoup pass adds: focusable input and output areas, images' alt text.

    Only in the markup: a script's text (the Vega bundle builds `<img ...>` strings) is left as it is.
    """
    parts = _SCRIPT.split(page)
    for i in range(0, len(parts), 2):  # the even parts lie between scripts
        part = parts[i].replace(_INPUT_WRAPPER, '<div class="jp-Cell-inputWrapper" tabindex="0">')
        part = _OUTPUT_AREA.sub(r'\1 tabindex="0">', part)
        parts[i] = _IMAGE_WITHOUT_ALT.sub(r'<img\1 alt="No description has been provided for this image"\2>', part)
    return "".join(parts)


def _exporter():
    exporter = _EXPORTER.get("html")
    if exporter is None:
        exporter = _report_exporter_class()(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
            sanitize_html=False,
        )
        exporter.register_preprocessor(_tag_remover(), enabled=True)
        for name, function in template_filters().items():
            exporter.register_filter(name, function)
        _EXPORTER["html"] = exporter
    return exporter


def export_html(nb, *, title: str, provenance: dict[str, str]) -> str:
    """An executed notebook as one self-contained HTML page: outputs only, no external address."""
    nb = nb.copy() if hasattr(nb, "copy") else nb
    # Cells that show nothing (imports, parameters) would leave empty boxes once their code is hidden.
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.get("outputs")]
    with _EXPORT_LOCK:
        body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": title}, "sxtd": provenance})
    return _with_print_script(_ensure_vega_bundle(body))


def template_filters() -> dict:
    """The filters the report template uses beyond nbconvert's own."""
    return {"markdown_text": markdown_text, "markdown_prose": markdown_prose, "moment": moment}


def markdown_text(source: str) -> str:
    """Markdown that a code cell printed, as HTML with any raw HTML in it escaped.

    Notebooks write curated values into markdown (`Markdown(f"### {doc_number}")`); nbconvert would pass a
    value's `<svg onload=...>` through as markup. Here it stays text. Markdown cells (the notebook's own
    prose) are rendered as nbconvert does.
    """
    return _markdown_renderer()(source)


def markdown_prose(source: str) -> str:
    """A markdown cell (the notebook's own prose) as HTML, its inline HTML kept as written.

    nbconvert's renderer re-serialises a heading to add its anchor and breaks an inline element that spans
    lines: `## Mục tiêu <span class="sxtd-en">— Targets</span>` came out as `<span class="sxtd-en" />— Targets`,
    and an English paragraph in a span lost its span. Plain mistune keeps both.
    """
    return _markdown_renderer(escape=False)(source)


@functools.cache
def _markdown_renderer(escape: bool = True):
    import mistune

    return mistune.create_markdown(escape=escape, plugins=["table", "strikethrough"])


def moment(value: str) -> str:
    """An ISO timestamp as a reader writes it: '2026-12-03 10:15 UTC' (the text itself if it is not one)."""
    from datetime import datetime

    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return html.escape(str(value))
    zone = " UTC" if when.utcoffset() is not None and not when.utcoffset() else ""
    return f"{when:%Y-%m-%d %H:%M}{zone}"


def _with_print_script(page: str) -> str:
    """The one script the template adds: open every collapsed section before printing (browsers without
    CSS `::details-content`), and again after printing leave them as they were."""
    from sxtd_analysis.offline import PRINT_SCRIPT

    end = page.rfind("</body>")  # the last: the Vega bundle writes "</body>" in a string of its own
    return page if end < 0 else f"{page[:end]}<script>{PRINT_SCRIPT}</script>\n{page[end:]}"


def _tag_remover():
    from nbconvert.preprocessors import TagRemovePreprocessor

    return TagRemovePreprocessor(
        remove_cell_tags={"remove-cell", "remove_cell"},
        remove_all_outputs_tags={"remove-output", "remove_output"},
        enabled=True,
    )


def _ensure_vega_bundle(page: str) -> str:
    """Charts of `sxtd_analysis.offline` need the Vega bundle once per page; add it if no output carried it."""
    if 'class="sxtd-chart"' not in page or _BUNDLE_MARKER in page:
        return page
    from sxtd_analysis.offline import TOOLTIP_CSS, javascript_bundle  # seconds to build: only when really missing

    return page.replace("</head>", f"<style>{TOOLTIP_CSS}</style><script>{javascript_bundle()}</script>\n</head>", 1)


#: the statement of vl-convert's bundle that defines vegaEmbed (present once the bundle is on the page)
_BUNDLE_MARKER = "window.vegaEmbed="


