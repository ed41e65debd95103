"""The look: the vendored NL Design System CSS, and fundapp's theme with colours people can read (WCAG AA)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
THEME = (STATIC / "theme.css").read_text(encoding="utf-8")
PALETTE = dict(re.findall(r"--fundapp-color-([a-z-]+):\s*(#[0-9a-f]{6});", THEME))


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_follows_the_wcag_formula():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


# Text on the background the theme puts it on: body, links, buttons, header, alerts, badges, messages.
TEXT_PAIRS = [
    ("ink", "surface"),
    ("ink", "soft"),
    ("muted", "surface"),
    ("muted", "soft"),
    ("brand", "surface"),
    ("brand-dark", "brand-soft"),
    ("surface", "brand"),
    ("surface", "brand-dark"),
    ("surface", "bad"),
    ("surface", "bad-dark"),
    ("surface", "night"),
    ("surface", "night-hover"),
    ("ink", "ok-soft"),
    ("ink", "warn-soft"),
    ("ink", "bad-soft"),
    ("ink", "brand-soft"),
    ("ok-text", "ok-soft"),
    ("warn-text", "warn-soft"),
    ("bad-dark", "bad-soft"),
    ("night", "brand-soft"),
    ("bad", "surface"),
    ("warn-text", "surface"),
]
# Borders and focus rings that must be seen (WCAG 1.4.11, 3:1).
NON_TEXT_PAIRS = [("control-border", "surface"), ("focus", "night"), ("ink", "surface"), ("bad", "surface")]


@pytest.mark.parametrize(("text", "background"), TEXT_PAIRS, ids=lambda name: name)
def test_every_text_colour_of_the_theme_meets_wcag_aa_on_its_background(text, background):
    assert contrast(PALETTE[text], PALETTE[background]) >= 4.5


@pytest.mark.parametrize(("colour", "background"), NON_TEXT_PAIRS, ids=lambda name: name)
def test_control_borders_and_the_focus_ring_stand_out_three_to_one(colour, background):
    assert contrast(PALETTE[colour], PALETTE[background]) >= 3


def test_the_vendored_component_library_is_the_version_the_makefile_pins_with_its_licence():
    version = re.search(r"^UTRECHT_CSS_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    vendor = STATIC / "vendor" / "utrecht"
    assert f"@utrecht/component-library-css {version} (EUPL-1.2)" in (vendor / "NOTICE").read_text()
    assert "EUROPEAN UNION PUBLIC LICENCE v. 1.2" in (vendor / "LICENSE.md").read_text()
    css = (vendor / "component-library.css").read_text()
    assert ".utrecht-table__cell--numeric-column" in css and ".utrecht-button--primary-action" in css
    # Nothing is fetched from elsewhere at run time (the CSP allows only this origin and data: images).
    assert re.findall(r"@import|url\((?![\"']?data:)", css) == []


def test_the_theme_sets_tokens_the_components_read():
    css = (STATIC / "vendor" / "utrecht" / "component-library.css").read_text()
    tokens = set(re.findall(r"(--utrecht-[a-z0-9-]+):", THEME))
    assert len(tokens) > 100
    read = set(re.findall(r"var\(\s*(--utrecht-[a-z0-9-]+)", css))
    assert sorted(tokens - read) == []


TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
OLD = "num|button|secondary|danger|tag|flash|actions|error|error-summary|confirm|search|field|has-error|table-wrap"
OLD_CLASSES = rf'class="(?:[^"]*\s)?(?:{OLD})(?:\s[^"]*)?"'


def test_templates_use_the_components_and_not_the_old_class_names():
    # A page added or merged with the old markup would miss its look and its narrow-screen layout.
    markup = {t.relative_to(ROOT): re.sub(r"{%.*?%}|{{.*?}}", " ", t.read_text()) for t in TEMPLATES}
    old = [f"{name}: {m.group(0)}" for name, text in markup.items() for m in re.finditer(OLD_CLASSES, text)]
    assert old == []


def test_every_table_of_a_page_sits_in_a_named_scroll_box_and_every_button_is_a_component():
    box = re.compile(r'<div class="table-scroll" tabindex="0" role="region" aria-label(?:ledby)?="[^"]+">$')
    texts = {t.relative_to(ROOT): t.read_text() for t in TEMPLATES}
    loose = [
        f"{name}: {m.group(0)}"
        for name, text in texts.items()
        for m in re.finditer(r"<table\b[^>]*>", text)
        if not box.search(text[: m.start()])
    ]
    assert loose == []
    plain = [
        f"{t.relative_to(ROOT)}: {m.group(0)}"
        for t in TEMPLATES
        for m in re.finditer(r"<button\b(?![^>]*class=\"[^\"]*utrecht-(?:link-)?button)[^>]*>", t.read_text())
    ]
    assert plain == []
