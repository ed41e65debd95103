"""Every page is drawn with the vendored NL Design System components, themed by fundapp, all from this site."""

from __future__ import annotations

import re
from typing import Any

STYLESHEETS = ["/static/vendor/utrecht/component-library.css", "/static/theme.css", "/static/app.css"]


def test_a_page_loads_the_component_library_then_the_theme_then_the_layout_glue_from_this_site(client: Any) -> None:
    response = client.get("/login")
    page = response.get_data(as_text=True)
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', page) == STYLESHEETS
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]
    assert re.findall(r"\sstyle=|<style", page) == []
    for href in STYLESHEETS:
        stylesheet = client.get(href)
        assert stylesheet.status_code == 200 and stylesheet.mimetype == "text/css"
        stylesheet.close()


def test_the_page_is_laid_out_with_the_page_components_and_a_menu_that_needs_no_javascript(
    world: Any, login_as: Any
) -> None:
    page = login_as(world.user("manager_a")).get("/").get_data(as_text=True)
    for component in ("utrecht-page-header", "utrecht-page-body", "utrecht-page-content", "utrecht-page-footer"):
        assert f'class="{component}' in page
    nav = re.search(r'<nav class="utrecht-nav-bar[^"]*" aria-label="[^"]+">(.*?)</nav>', page, re.S).group(1)
    assert re.search(r'<details class="app-menu">\s*<summary class="app-menu__toggle">Menu</summary>', nav)
    assert 'class="utrecht-nav-list__link" href="/" aria-current="page"' in nav


def test_a_flash_message_is_an_alert_of_its_kind(world: Any, login_as: Any) -> None:
    client = login_as(world.user("manager_a"))
    page = client.get("/").get_data(as_text=True)
    assert re.search(
        r'<div class="utrecht-alert utrecht-alert--ok"><p class="utrecht-alert__message">[^<]+</p></div>', page
    )


def test_a_form_shows_its_fields_as_form_field_components_with_the_error_beside_the_field(
    world: Any, login_as: Any
) -> None:
    client = login_as(world.user("manager_a"))
    page = client.post(f"/funds/{world.fund_a.id}/investors/new", data={"name": ""}).get_data(as_text=True)
    field = re.search(r'<div class="utrecht-form-field[^"]*utrecht-form-field--invalid">(.*?)</p>\s*</div>', page, re.S)
    assert field is not None
    assert 'class="utrecht-form-field__label utrecht-form-label"' in field.group(1)
    assert re.search(
        r'<input class="utrecht-textbox utrecht-textbox--html-input"[^>]* aria-invalid="true"', field.group(1)
    )
    assert 'class="utrecht-form-field-error-message' in field.group(1)
    assert 'class="utrecht-alert utrecht-alert--error app-error-summary"' in page


def test_every_table_scrolls_in_a_named_box_and_numeric_columns_are_marked_as_such(world: Any, login_as: Any) -> None:
    page = login_as(world.user("manager_a")).get(f"/loans/{world.loan_a.id}").get_data(as_text=True)
    tables = re.findall(r"(<div[^>]*>)?<table[^>]*>", page)
    assert tables
    for box in tables:
        assert re.fullmatch(r'<div class="table-scroll" tabindex="0" role="region" aria-label="[^"]+">', box)
    assert re.search(r'<th scope="col" class="utrecht-table__header-cell--numeric-column">Hoofdsom</th>', page)
    assert re.search(r'<td class="utrecht-table__cell--numeric-column">€\s?[\d.,]+</td>', page)


def test_a_list_of_several_choices_says_how_to_choose_more_than_one(world: Any, login_as: Any) -> None:
    page = login_as(world.user("manager_a")).get("/investees/new").get_data(as_text=True)
    select = re.search(r'<select [^>]*id="f-themes"[^>]*>', page).group(0)
    assert "multiple" in select and 'aria-describedby="f-themes-help"' in select
    help_text = re.search(r'<p [^>]*id="f-themes-help">([^<]+)</p>', page).group(1)
    assert "Ctrl" in help_text and "⌘" in help_text


def test_the_api_documentation_marks_its_english_texts_as_english_on_a_dutch_page(client: Any) -> None:
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert re.search(r'<p lang="en">The back office', page)
    assert re.search(r'<td class="app-text" lang="en">\w', page)
    assert "Authorization: Bearer &lt;token&gt; mee." in page
