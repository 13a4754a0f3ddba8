"""Reports on paper: each HTML report printed to an A4 PDF beside it by a headless Chromium (Debian's `chromium`,
driven through Playwright's Python API; Playwright's own browser download is not needed)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

#: where Chromium is looked for, after $SXTD_CHROMIUM
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = ("printing needs a Chromium browser: install it with `apt-get install chromium` (Debian, Ubuntu), "
                "or set SXTD_CHROMIUM to the path of a Chromium or Chrome executable")
#: the width (CSS px) the page is laid out at before printing: A4's 210 mm less the stylesheet's margins
#: (13 mm each side) at 96 px an inch, so that charts are drawn at the paper's width and not shrunk to it
PRINT_WIDTH = 695
#: how long (ms) a page may take to draw its charts
DRAW_TIMEOUT = 30_000


class ChromiumMissing(RuntimeError):
    """No Chromium to print with (the message says how to install one)."""


def chromium_path() -> str | None:
    """The Chromium to print with: $SXTD_CHROMIUM, else the first of CHROMIUM_NAMES on the PATH."""
    configured = os.environ.get("SXTD_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else shutil.which(configured)
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def launch(playwright):
    """Headless Chromium through Playwright, or ChromiumMissing with INSTALL_HINT."""
    executable = chromium_path()
    if executable is None:
        raise ChromiumMissing(INSTALL_HINT)
    return playwright.chromium.launch(executable_path=executable,
                                      args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                            "--disable-background-networking", "--disable-component-update",
                                            "--disable-sync"])


_DRAWN = """() => Array.from(document.querySelectorAll('.sxtd-chart'))
  .every(el => el.querySelector('svg, canvas') || el.textContent.trim().length > 0)"""


def print_pdfs(pages: Iterable[Path | str], *, browser=None) -> list[Path]:
    """Print each HTML page to `<name>.pdf` beside it (A4, the report's print stylesheet) and return the PDFs.

    Each page is opened from disk with every network request refused, laid out at the paper's width, its
    charts drawn, its collapsed sections opened (every task on paper), then printed. `browser`: a Playwright
    browser already running (else one is started and closed).
    """
    if browser is not None:
        return _print(browser, pages)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:  # pragma: no cover - a dependency of the package
        raise ChromiumMissing(f"the playwright package is missing ({err}); {INSTALL_HINT}") from err
    if chromium_path() is None:
        raise ChromiumMissing(INSTALL_HINT)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            return _print(browser, pages)
        finally:
            browser.close()


def _print(browser, pages: Iterable[Path | str]) -> list[Path]:
    written: list[Path] = []
    context = browser.new_context(viewport={"width": PRINT_WIDTH, "height": 1000})
    try:
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                      else route.abort())
        for html in pages:
            html = Path(html).resolve()
            page = context.new_page()
            try:
                page.goto(html.as_uri(), wait_until="load")
                page.wait_for_function(_DRAWN, timeout=DRAW_TIMEOUT)
                page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
                page.emulate_media(media="print")
                target = html.with_suffix(".pdf")
                tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
                page.pdf(path=str(tmp), format="A4", print_background=True, prefer_css_page_size=True)
                os.replace(tmp, target)
                written.append(target)
            finally:
                page.close()
    finally:
        context.close()
    return written
