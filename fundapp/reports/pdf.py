"""PDF from the report's own HTML template (WeasyPrint); nothing outside the document is ever fetched."""

from __future__ import annotations

from collections.abc import Callable

from fundapp.gc_pause import paused_gc

LAID_OUT = 0.7  # of a fund report's PDF time, laying out the pages takes about this share; writing them the rest


def html_to_pdf(html: str, progress: Callable[[float], None] | None = None) -> bytes:
    """The document as PDF; only data: URLs are read (charts and styles are inline, a typed link is not followed).

    ``progress`` hears the share done: once the pages are laid out, and when the PDF is written.
    """
    from weasyprint import HTML, URLFetcher  # imported on first use: it takes a second to load

    fetcher = URLFetcher(allowed_protocols=("data",), timeout=1)
    with paused_gc():
        document = HTML(string=html, url_fetcher=fetcher, base_url=None).render()
        if progress is not None:
            progress(LAID_OUT)
        data = document.write_pdf()
    if progress is not None:
        progress(1.0)
    return data
