"""PDF from the report's own HTML template (WeasyPrint); nothing outside the document is ever fetched."""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    """The document as PDF; only data: URLs are read (charts and styles are inline, a typed link is not followed)."""
    from weasyprint import HTML, URLFetcher  # imported on first use: it takes a second to load

    fetcher = URLFetcher(allowed_protocols=("data",), timeout=1)
    return HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf()
