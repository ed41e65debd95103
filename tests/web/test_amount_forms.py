"""Amounts typed on a page: the reader's format ("1.000,50" in Dutch) is read, junk is refused as the API refuses it."""

from __future__ import annotations

import html
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.capital.models import Investor
from fundapp.outcomes.models import OutcomeContract
from tests.factories import make_investor

INVESTOR = {
    "name": "Vermogensfonds",
    "kind": "foundation",
    "commitment": "",
    "fixed_share_percent": "",
    "expected_return_percent": "",
    "term_years": "",
    "notes": "",
}


def _field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="utrecht-form-field-error-message[^"]*" id="f-{name}-error">([^<]*)</p>', page)
    return html.unescape(match.group(1)) if match else None


def _written(db_session) -> tuple[int, int]:
    return tuple(db_session.scalar(select(func.count()).select_from(model)) for model in (Investor, AuditEntry))


@pytest.mark.parametrize(
    ("committed", "expected_return", "amount", "percent"),
    [
        ("1.000.000,50", "2,75", Decimal("1000000.50"), Decimal("2.75")),
        ("€ 1.250,5", "3", Decimal("1250.50"), Decimal("3")),
        ("1250.50", "1,2345", Decimal("1250.50"), Decimal("1.2345")),
    ],
)
def test_a_dutch_investor_form_reads_thousands_points_and_a_decimal_comma(
    db_session, world, login_as, committed, expected_return, amount, percent
):
    client = login_as(world.user("manager_a"))
    form = {**INVESTOR, "commitment": committed, "expected_return_percent": expected_return}
    response = client.post(f"/funds/{world.fund_a.id}/investors/new", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    investor = db_session.scalar(select(Investor).where(Investor.name == "Vermogensfonds"))
    assert (investor.commitment, investor.expected_return_percent) == (amount, percent)


@pytest.mark.parametrize("committed", ["1e2", "1_000", "١٠٠٠", "１０００", "NaN", "Infinity", "1.000.00", "12,50,00"])
def test_an_investor_form_refuses_junk_beside_the_field_and_writes_nothing(db_session, world, login_as, committed):
    client = login_as(world.user("manager_a"))
    before = _written(db_session)
    response = client.post(f"/funds/{world.fund_a.id}/investors/new", data={**INVESTOR, "commitment": committed})
    assert response.status_code == 422
    assert _field_error(response.get_data(as_text=True), "commitment") == "Vul een bedrag in, zoals 1234,50."
    assert _written(db_session) == before


def test_the_dutch_contract_form_reads_dutch_amounts_and_percentages(db_session, world, login_as):
    client = login_as(world.user("officer_a"))
    form = {
        "name": "Werk in Wijk",
        "reference": "WIW-2026",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "contract_cap": "1.000.000,50",
        "participant_cap": "7.000",
        "deadweight_percent": "12,5",
        "payer_id": str(world.payer_a.id),
        "share_percent": "100",
        "commitment": "1.000.000,50",
        "item0_code": "JOB6",
        "item0_name": "Zes maanden werk",
        "item0_price": "1.000,20",
    }
    response = client.post("/contracts/new", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)
    contract = db_session.scalar(select(OutcomeContract).where(OutcomeContract.reference == "WIW-2026"))
    assert (contract.contract_cap, contract.participant_cap, contract.deadweight_percent) == (
        Decimal("1000000.50"),
        Decimal("7000.00"),
        Decimal("12.5"),
    )
    assert contract.payers[0].commitment == Decimal("1000000.50")
    assert [item.price for item in contract.items] == [Decimal("1000.20")]


@pytest.mark.parametrize(("language", "shown"), [("nl", ("1.000.000,5", "2,125")), ("en", ("1,000,000.5", "2.125"))])
def test_an_edit_form_shows_stored_numbers_as_typed_in_the_readers_language_and_saves_them_unchanged(
    db_session, world, login_as, language, shown
):
    investor, _call = make_investor(
        db_session, world.fund_a, commitment=Decimal("1000000.50"), expected_return_percent=Decimal("2.125")
    )
    db_session.flush()
    client = login_as(world.user("manager_a"))
    client.set_cookie("fundapp_lang", language)
    page = client.get(f"/investors/{investor.id}/edit").get_data(as_text=True)
    form = dict(
        re.findall(r'<input (?:class="[^"]*" )?id="f-[a-z_]+" name="([a-z_]+)" type="[a-z]+" value="([^"]*)"', page)
    )
    assert (form["commitment"], form["expected_return_percent"]) == shown
    response = client.post(f"/investors/{investor.id}/edit", data={**form, "kind": "foundation"})
    assert response.status_code == 303, _field_error(response.get_data(as_text=True), "expected_return_percent")
    db_session.expire_all()
    assert (investor.commitment, investor.expected_return_percent) == (Decimal("1000000.50"), Decimal("2.125"))
