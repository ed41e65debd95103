"""Language and formats on the pages: form errors named by their labels, one date format per language,
numbers prefilled as the reader types them, units and downloaded file names in the reader's words."""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime

import openpyxl
import pytest

from tests.factories import make_plan


def _summary(page: str) -> list[str]:
    """The lines of the error summary above the form, as a person reads them."""
    block = re.search(r'<div class="utrecht-alert utrecht-alert--error app-error-summary".*?</ul>', page, re.S)
    assert block, page[:500]
    items = re.findall(r"<li>(.*?)</li>", block.group(0), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def _field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="utrecht-form-field-error-message[^"]*" id="f-{name}-error">([^<]*)</p>', page)
    return html.unescape(match.group(1)) if match else None


def _value(page: str, name: str) -> str:
    match = re.search(rf'<input (?:class="[^"]*" )?id="f-{name}" name="{name}"[^>]*value="([^"]*)"', page)
    assert match, name
    return html.unescape(match.group(1))


@pytest.fixture()
def manager(world, login_as):
    return login_as(world.user("manager_a"))


# --- 9. form errors ---------------------------------------------------------------------------------------


def test_a_dutch_error_summary_names_each_field_by_its_label_and_says_an_empty_field_is_required(manager):
    page = manager.post("/loans/new", data={"principal": "", "annual_interest_rate": "x"}).get_data(as_text=True)
    lines = _summary(page)
    assert "Hoofdsom (EUR): Dit veld is verplicht." in lines
    assert "Rente per jaar (%): Vul een percentage in, zoals 2,5." in lines
    assert "Uitbetalingsdatum: Dit veld is verplicht." in lines
    assert not any(line.startswith(("principal", "annual_interest_rate", "disbursement_date")) for line in lines)
    assert '<a href="#f-principal">Hoofdsom (EUR)</a>' in page  # the link still leads to the field
    assert _field_error(page, "principal") == "Dit veld is verplicht."


def test_an_english_error_summary_names_the_fields_by_their_english_labels(manager):
    manager.set_cookie("fundapp_lang", "en")
    page = manager.post("/loans/preview", data={"principal": "", "annual_interest_rate": "2"}).get_data(as_text=True)
    lines = _summary(page)
    assert "Principal (EUR): This field is required." in lines
    assert "Number of installments: This field is required." in lines
    assert _field_error(page, "principal") == "This field is required."
    assert "Missing data for required field." not in page


def test_an_interest_rate_out_of_range_is_called_a_percentage_not_an_amount(manager):
    page = manager.post("/loans/preview", data={"annual_interest_rate": "150"}).get_data(as_text=True)
    assert "Rente per jaar (%): Dit percentage is te groot." in _summary(page)
    assert "bedrag" not in (_field_error(page, "annual_interest_rate") or "")


def test_a_services_refusal_is_named_by_the_fields_label_with_its_dates_the_dutch_way(world, db_session, login_as):
    from tests.factories import add_outcomes

    add_outcomes(db_session, world)
    client = login_as(world.user("admin"))
    form = {
        "investee_id": str(world.investee_a.id),
        "item": "JOB-START",
        "participant": "P-0999",
        "achieved_on": "2025-06-30",
        "evidence": "loonstrook",
    }
    page = client.post(f"/contracts/{world.contract_a.id}/results/new", data=form).get_data(as_text=True)
    assert "Datum behaald: Het contract loopt van 1 januari 2026 tot en met 31 december 2027." in _summary(page)
    assert (
        "2026-01-01"
        not in page.split('<div class="utrecht-alert utrecht-alert--error app-error-summary"')[1].split("</div>")[0]
    )


# --- 10. dates and prefilled numbers ------------------------------------------------------------------------


def test_a_dutch_page_writes_dates_as_1_2_2026_in_tables_and_in_full_in_sentences(world, manager):
    page = manager.get(f"/loans/{world.loan_a.id}?as_of=2024-04-20").get_data(as_text=True)
    assert "<td>15-2-2024</td>" in page and "<td>15-3-2024</td>" in page
    assert "20 april 2024" in page  # "dagen achterstand op 20 april 2024"
    assert "2024-02-15" not in page.replace('value="2024-04-20"', "")


def test_an_english_page_writes_dates_as_15_feb_2024(world, manager):
    manager.set_cookie("fundapp_lang", "en")
    page = manager.get(f"/loans/{world.loan_a.id}?as_of=2024-04-20").get_data(as_text=True)
    assert "<td>15 Feb 2024</td>" in page and "20 April 2024" in page


def test_a_confirmation_question_gives_the_date_in_the_readers_words_never_iso(world, manager):
    url = f"/loans/{world.loan_a.id}/events/{world.repayment_a.id}/reverse"
    dutch = manager.get(url).get_data(as_text=True)
    assert "15 februari 2024" in dutch and "2024-02-15" not in dutch
    manager.set_cookie("fundapp_lang", "en")
    assert "15 February 2024" in manager.get(url).get_data(as_text=True)


def test_prefilled_numbers_are_written_as_the_reader_types_them(manager):
    assert _value(manager.get("/loans/new").get_data(as_text=True), "installment_multiple") == "0,01"
    assert _value(manager.get("/loans/preview").get_data(as_text=True), "installment_multiple") == "0,01"
    manager.set_cookie("fundapp_lang", "en")
    assert _value(manager.get("/loans/new").get_data(as_text=True), "installment_multiple") == "0.01"


@pytest.mark.parametrize(
    ("lang", "file_name", "number_format"),
    [("nl", "lening-{ref}-aflosschema.xlsx", "d-m-yyyy"), ("en", "loan-{ref}-schedule.xlsx", "d mmm yyyy")],
)
def test_the_schedule_workbook_holds_real_dates_in_the_readers_format_under_a_name_in_its_language(
    world, manager, lang, file_name, number_format
):
    manager.set_cookie("fundapp_lang", lang)
    response = manager.get(f"/api/v1/loans/{world.loan_a.id}/schedule.xlsx?as_of=2024-04-20")
    assert file_name.format(ref=world.loan_a.reference) in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    due = next(row for row in sheet.iter_rows() if row[0].value == 1)[1]
    assert isinstance(due.value, datetime) and due.value.date() == date(2024, 2, 15)
    assert due.number_format == number_format


# --- 11. units ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "unit", "code"), [("nl", "personen", "people"), ("en", "people", None)])
def test_an_impact_plan_shows_its_units_in_the_readers_words(world, db_session, manager, lang, unit, code):
    make_plan(db_session, world.investee_a)
    manager.set_cookie("fundapp_lang", lang)
    page = manager.get(f"/investees/{world.investee_a.id}/impact").get_data(as_text=True)
    assert f"<td>{unit}</td>" in page
    if code:
        assert f"<td>{code}</td>" not in page


@pytest.mark.parametrize(("lang", "unit", "words"), [("nl", "ton CO2-eq", "huishoudens"), ("en", "tonnes", "number")])
def test_the_indicator_catalog_shows_units_in_the_readers_words(login_as, world, lang, unit, words):
    client = login_as(world.user("admin"))
    client.set_cookie("fundapp_lang", lang)
    page = client.get("/indicators?page_size=200").get_data(as_text=True)
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert any(unit in cell for cell in cells) and words in cells
    if lang == "nl":
        assert "tco2e" not in cells and "households" not in cells


def test_a_restructurings_new_terms_are_named_by_their_labels_with_dates_and_numbers_the_readers_way(
    world, db_session, manager
):
    from decimal import Decimal

    from fundapp.loans import services
    from tests.factories import ACTOR

    terms = {"number_of_installments": 30, "annual_rate": Decimal("4.5"), "first_due_date": date(2024, 9, 1)}
    services.restructure(db_session, ACTOR, world.loan_a, date(2024, 8, 1), terms, "cash flow")
    db_session.flush()
    page = manager.get(f"/loans/{world.loan_a.id}").get_data(as_text=True)
    assert "Aantal termijnen: 30, Rente per jaar (%): 4,5, Eerste vervaldatum: 1-9-2024" in page
    assert "number_of_installments" not in page and "annual_rate" not in page
