"""The rate-card and contract forms read numbers as the other forms do and show every error beside its input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from fundapp.outcomes.models import OutcomeContract, RateCard
from tests.outcome_factories import make_contract
from tests.web.round_trip import all_errors, field_error, footprint

D = Decimal
BANDS_NL = "Schrijf staffels als 0-11: 1000; 12-35: 1500,50; 36+: 2000 (één staffel per regel, of gescheiden door ;)."


def _card_form(world, **rows) -> dict:
    return {"payer_id": str(world.payer_a.id), "name": "Werk en inkomen", "description": "", **rows}


def _post_card(world, login_as, language="nl", **rows):
    return _card_client(world, login_as, language).post("/rate-cards", data=_card_form(world, **rows))


def _card_client(world, login_as, language="nl"):
    client = login_as(world.user("officer_a"))
    client.set_cookie("fundapp_lang", language)
    return client


def _stored_card(db_session):
    return db_session.scalar(select(RateCard).where(RateCard.name == "Werk en inkomen"))


def _bands(row) -> list[tuple]:
    return [(b["min_months"], b["max_months"], D(b["price"])) for b in row.price_bands]


JOB = {"item0_code": "JOB", "item0_name": "Aan het werk", "item0_price": "1000"}


def test_a_unit_cap_typed_as_1_000_in_the_dutch_rate_card_form_is_a_cap_of_a_thousand(db_session, world, login_as):
    response = _post_card(world, login_as, **JOB, item0_max_units="1.000")
    assert response.status_code == 303, all_errors(response.get_data(as_text=True))
    assert _stored_card(db_session).items[0].max_units == 1000


def test_the_english_rate_card_form_reads_1_000_as_a_thousand_and_refuses_1_dot_000(db_session, world, login_as):
    refused = _post_card(world, login_as, "en", **JOB, item0_max_units="1.000")
    assert refused.status_code == 422
    assert field_error(refused.get_data(as_text=True), "item0_max_units") == "Not a valid integer."
    response = _post_card(world, login_as, "en", **JOB, item0_max_units="1,000", item0_max_amount="12,500.50")
    assert response.status_code == 303, all_errors(response.get_data(as_text=True))
    row = _stored_card(db_session).items[0]
    assert (row.max_units, row.max_amount) == (1000, D("12500.50"))


@pytest.mark.parametrize(
    ("typed", "bands"),
    [
        (
            "0-11: 1.000,50; 12-35: 1.500; 36+: 2.000",
            [(0, 11, D("1000.50")), (12, 35, D("1500")), (36, None, D("2000"))],
        ),
        ("0-11: 1000,50\n12+: 2000", [(0, 11, D("1000.50")), (12, None, D("2000"))]),
        ("0-11: 1000, 12-35: 1500, 36+: 2000", [(0, 11, D("1000")), (12, 35, D("1500")), (36, None, D("2000"))]),
        ("0-11: 1000,50, 12 - 35 : 1500,25 ;", [(0, 11, D("1000.50")), (12, 35, D("1500.25"))]),
    ],
    ids=["semicolons with Dutch numbers", "one per line", "the old comma notation", "old notation, decimal commas"],
)
def test_price_bands_are_read_with_dutch_numbers_and_the_old_notation_still_works(
    db_session, world, login_as, typed, bands
):
    response = _post_card(world, login_as, **JOB, item0_bands=typed)
    assert response.status_code == 303, all_errors(response.get_data(as_text=True))
    assert _bands(_stored_card(db_session).items[0]) == bands


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0-11 1000", BANDS_NL),
        ("0-11: 12x", "Vul een bedrag in, zoals 1234,50."),
        ("zes: 1000", "Dit is geen geldig geheel getal."),
        ("0-11: 1000; 6-20: 2000", "bands 0-11 and 6-20 overlap"),
    ],
)
def test_a_band_that_cannot_be_read_is_refused_beside_the_bands_with_what_was_typed_kept(
    db_session, world, login_as, typed, message
):
    client = _card_client(world, login_as)
    before = footprint(db_session)
    response = client.post("/rate-cards", data=_card_form(world, **JOB, item0_bands=typed))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in field_error(page, "item0_bands")
    assert f">{typed}</textarea>" in page
    assert footprint(db_session) == before


def test_an_error_in_a_later_row_shows_beside_that_rows_input(db_session, world, login_as):
    rows = {**JOB, "item3_code": "JOB6", "item3_name": "Zes maanden", "item3_price": "3000", "item3_max_amount": "veel"}
    response = _post_card(world, login_as, **rows)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, "item3_max_amount") == "Vul een bedrag in, zoals 1234,50."
    assert field_error(page, "item0_max_amount") is None
    assert 'name="item3_max_amount" value="veel"' in page


def test_a_row_without_a_code_is_refused_not_left_out(db_session, world, login_as):
    response = _post_card(world, login_as, **JOB, item1_name="Zes maanden", item1_price="3.000")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "item1_code") == "Dit veld is verplicht."
    assert _stored_card(db_session) is None


def test_an_unknown_prerequisite_is_shown_beside_the_rows_prerequisite(db_session, world, login_as):
    response = _post_card(world, login_as, **JOB, item0_prerequisite="NOPE")
    assert response.status_code == 422
    assert "NOPE" in field_error(response.get_data(as_text=True), "item0_prerequisite")


def _contract_form(world, **changes) -> dict:
    return {
        "name": "Werk in Wijk",
        "reference": "WIW-2026",
        "valid_from": "2026-01-01",
        "valid_until": "2027-12-31",
        "payer_id": str(world.payer_a.id),
        "share_percent": "100",
        **JOB,
        **changes,
    }


def _post_contract(world, login_as, **changes):
    return login_as(world.user("officer_a")).post("/contracts/new", data=_contract_form(world, **changes))


def _contracts(db_session) -> int:
    return len(db_session.scalars(select(OutcomeContract)).all())


def test_a_contract_with_any_field_refused_stores_nothing_and_keeps_what_was_typed(db_session, world, login_as):
    client = login_as(world.user("officer_a"))
    before = footprint(db_session)
    response = client.post(
        "/contracts/new", data=_contract_form(world, contract_cap="1.000.000", item0_max_units="1.000,5")
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, "item0_max_units") == "Dit is geen geldig geheel getal."
    assert 'value="1.000.000"' in page and 'value="1.000,5"' in page
    assert footprint(db_session) == before


def test_a_second_payers_share_without_the_payer_is_refused_beside_the_payer(db_session, world, login_as):
    response = _post_contract(world, login_as, share_percent="60", share2_percent="40")
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "payer2_id") == "Dit veld is verplicht."


def test_a_second_payers_bad_commitment_shows_beside_that_payers_commitment(db_session, world, login_as):
    changes = {"share_percent": "60", "payer2_id": str(world.payer_b.id), "share2_percent": "40", "commitment2": "x"}
    response = _post_contract(world, login_as, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, "commitment2") == "Vul een bedrag in, zoals 1234,50."
    assert field_error(page, "commitment") is None


def test_a_rate_card_and_typed_items_together_are_refused_not_one_silently_dropped(db_session, world, login_as):
    from fundapp.outcomes import contracts
    from tests.factories import ACTOR, ADMIN_SCOPE

    card = contracts.create_rate_card(
        db_session,
        ACTOR,
        ADMIN_SCOPE,
        {
            "payer_id": world.payer_a.id,
            "name": "Kaart",
            "description": "",
            "items": [{"code": "A", "name": "A", "price": D("1")}],
        },
    )
    db_session.flush()
    response = _post_contract(world, login_as, rate_card_id=str(card.id))
    assert response.status_code == 422
    assert field_error(response.get_data(as_text=True), "rate_card_id") == (
        "Pas een tariefkaart toe of vul de posten in, niet allebei."
    )
    assert _contracts(db_session) == 0


def test_a_taken_reference_is_shown_beside_the_reference_with_the_form_kept(db_session, world, login_as):
    make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a], reference="WIW-2026")
    response = _post_contract(world, login_as, contract_cap="7.000")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, "reference") == "taken"
    assert 'value="7.000"' in page


def test_shares_that_do_not_add_up_are_shown_with_the_payers(db_session, world, login_as):
    response = _post_contract(world, login_as, share_percent="90")
    assert response.status_code == 422
    assert "sum to exactly 100" in response.get_data(as_text=True)
    assert _contracts(db_session) == 0
