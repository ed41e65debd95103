"""The favicon: an SVG with a 32-pixel PNG beside it, linked from every page and every report, served by the app
itself under the strict Content-Security-Policy."""

from __future__ import annotations

import re
import struct

from flask import render_template

from fundapp.security import CSP

ICONS = {"/static/favicon.svg": "image/svg+xml", "/static/favicon-32.png": "image/png"}


def _linked(html: str) -> set[str]:
    return set(re.findall(r'<link rel="icon" href="([^"]+)"', html))


def test_every_page_links_the_svg_icon_and_its_png_fallback(client):
    html = client.get("/login").get_data(as_text=True)
    assert _linked(html) == set(ICONS)
    assert '<link rel="icon" href="/static/favicon-32.png" sizes="32x32" type="image/png">' in html


def test_the_printed_reports_link_the_icon_too(app):
    with app.test_request_context("/"):
        html = render_template("reports/_print_base.html")
    assert _linked(html) == set(ICONS)


def test_the_icons_are_served_by_the_app_under_the_content_security_policy(client):
    assert "img-src 'self'" in CSP  # a favicon is an image of the site itself
    for path, kind in ICONS.items():
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == kind, path
        assert response.headers["Content-Security-Policy"] == CSP
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    svg = client.get("/static/favicon.svg").get_data(as_text=True)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "viewBox" in svg
    assert not re.search(r"<script|<style|style=|href=|url\(", svg)  # nothing the policy would block or fetch
    png = client.get("/static/favicon-32.png").data
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (32, 32)
