"""Great Expectations Data Docs readable offline: the pages GX writes into reports/validation/ pull Bootstrap,
jQuery, Font Awesome, Vega and GX's logo from CDNs and showed unstyled, with a broken logo, without a network."""

from __future__ import annotations

import re
from pathlib import Path

_REMOTE_LINK = re.compile(r"<link\b[^>]*\bhref=[\"'](?:https?:)?//[^>]*>", re.I)
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"'](?:https?:)?//[^>]*>\s*</script\s*>", re.I)
_REMOTE_CSS_URL = re.compile(r"url\(\s*[\"']?(?:https?:)?//[^)]*\)", re.I)
_REMOTE_LOGO = re.compile(r"(<img\b[^>]*\bsrc=)[\"'](?:https?:)?//[^\"']*/(logo-long\.png)[^\"']*[\"']", re.I)
#: what Bootstrap did for the pages, in a few lines: readable tables, cards and navigation offline
_OFFLINE_CSS = """body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;margin:0;
color:#1f1f1f;line-height:1.45}.container-fluid,.container{padding:0 1rem;max-width:80rem;margin:0 auto}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d8dde3;padding:.3rem .5rem;text-align:left;
vertical-align:top}.card{border:1px solid #d8dde3;border-radius:4px;margin:.8rem 0;padding:.6rem}
.navbar{display:flex;gap:1rem;align-items:center;padding:.5rem 1rem;border-bottom:1px solid #d8dde3}
.navbar img{height:28px}.d-none,.modal,.sr-only{display:none}ul.nav{list-style:none;padding-left:0}
a{color:#1d5fa8}.text-danger{color:#b3261e}.text-success{color:#1a7f37}img{max-width:100%}"""


def offline_page(page: Path, docs_dir: Path) -> None:
    """A Data Docs page readable offline: the CDN stylesheets and scripts (Bootstrap, jQuery, Vega, Font
    Awesome) removed, GX's own stylesheet and logo taken from the package's copy beside the pages, and a few
    lines of CSS in Bootstrap's place. Great Expectations ships none of those CDN files, so they cannot be
    served locally; links to GX's website stay (a link loads nothing until followed)."""
    text = page.read_text(encoding="utf-8")
    up = "../" * (len(page.relative_to(docs_dir).parts) - 1)
    text = _REMOTE_CSS_URL.sub("none", _REMOTE_SCRIPT.sub("", _REMOTE_LINK.sub("", text)))
    text = _REMOTE_LOGO.sub(rf'\1"{up}static/images/\2"', text)
    head = (f'<link rel="stylesheet" href="{up}static/styles/data_docs_default_styles.css">'
            f"<style>{_OFFLINE_CSS}</style>")
    page.write_text(text.replace("</head>", head + "</head>", 1), encoding="utf-8")


def offline_pages(docs_dir: Path) -> None:
    """`offline_page` on every page of a Data Docs folder."""
    for page in Path(docs_dir).rglob("*.html"):
        offline_page(page, Path(docs_dir))
