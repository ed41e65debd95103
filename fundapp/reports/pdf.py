"""PDF from the report's own HTML template (WeasyPrint); nothing outside the document is ever fetched."""

from __future__ import annotations

import threading
from collections.abc import Callable

from fundapp.gc_pause import paused_gc

LAID_OUT = 0.7  # of a fund report's PDF time, laying out the pages takes about this share; writing them the rest
# What the reports' PDFs use first: the page's margin boxes, the fonts of the print style, bold and italic, a table.
WARM_UP = """<style>@page { size: A4; margin: 18mm 14mm; @bottom-right { content: counter(page) " / " counter(pages) } }
html { font-family: "DejaVu Sans", "Liberation Sans", sans-serif; font-size: 9pt }</style>
<h1>fundapp</h1><table><tr><th>1</th><td><b>2</b> <i>3</i> 4,5 %</td></tr></table>"""
# Pango, under WeasyPrint, is not safe to call from two threads at once: threads of one worker print in turn.
_printing = threading.Lock()


def html_to_pdf(html: str, progress: Callable[[float], None] | None = None) -> bytes:
    """The document as PDF; only data: URLs are read (charts and styles are inline, a typed link is not followed).

    ``progress`` hears the share done: once the pages are laid out, and when the PDF is written.
    """
    from weasyprint import HTML, URLFetcher  # imported on first use: it takes a second to load

    fetcher = URLFetcher(allowed_protocols=("data",), timeout=1)
    with _printing, paused_gc():
        document = HTML(string=html, url_fetcher=fetcher, base_url=None).render()
        if progress is not None:
            progress(LAID_OUT)
        data = document.write_pdf()
    if progress is not None:
        progress(1.0)
    return data


def preload() -> None:
    """Load WeasyPrint and the fonts before a request asks for a PDF: the first PDF of a process pays about a
    second for them. For a server's worker processes: call it from gunicorn's ``post_fork`` hook."""
    html_to_pdf(WARM_UP)
