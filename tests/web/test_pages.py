"""Server-rendered pages: lists that search, sort and page; detail pages; forms that keep what was typed."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundapp import clock
from fundapp.audit import AuditEntry
from fundapp.capital.models import Investor
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee, Label, LabelKind
from fundapp.payers.models import OutcomePayer
from tests.factories import make_fund, make_investee, make_investor, make_payer

NBSP = "\u00a0"


def _english(client) -> None:
    """Text assertions read the English UI, whatever the Dutch catalog says."""
    client.set_cookie("fundapp_lang", "en")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _linked(page: str, prefix: str) -> list[str]:
    """Names linked to detail pages (e.g. /funds/12) in the order they appear in the table body."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [html.unescape(name) for name in re.findall(rf'<a href="{prefix}/\d+">([^<]+)</a>', body)]


def _counts(db_session) -> dict[str, int]:
    return {
        m.__name__: db_session.scalar(select(func.count()).select_from(m))
        for m in (Fund, Investor, Investee, Label, OutcomePayer, AuditEntry)
    }


def _input_value(page: str, name: str) -> str | None:
    match = re.search(rf'<input (?:class="[^"]*" )?id="f-{name}" name="{name}" type="[a-z]+" value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def _field_error(page: str, name: str) -> str | None:
    match = re.search(rf'<p class="utrecht-form-field-error-message[^"]*" id="f-{name}-error">([^<]*)</p>', page)
    return html.unescape(match.group(1)) if match else None


def _flashes(page: str) -> list[str]:
    return [
        html.unescape(m)
        for m in re.findall(
            r'<div class="utrecht-alert utrecht-alert--[a-z]+"><p class="utrecht-alert__message">([^<]*)</p>', page
        )
    ]


# --- lists ---------------------------------------------------------------------------------


@pytest.fixture()
def seven_funds(db_session, world):
    for n in range(1, 8):
        make_fund(db_session, name=f"Paging Fund {n}", region="Zwolle" if n == 3 else "Utrecht")
    db_session.flush()


def test_fund_list_paginates_with_page_size_5(world, seven_funds, login_as):
    client = login_as(world.user("admin"))
    _english(client)
    first = _text(client.get("/funds/?q=paging&page_size=5"))
    assert _linked(first, "/funds") == [f"Paging Fund {n}" for n in range(1, 6)]
    assert "Page 1 of 2" in first and "7 in all" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = _text(client.get("/funds/?q=paging&page_size=5&page=2"))
    assert _linked(second, "/funds") == ["Paging Fund 6", "Paging Fund 7"]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_fund_list_sorts_descending_by_name(world, seven_funds, login_as):
    client = login_as(world.user("admin"))
    page = _text(client.get("/funds/?sort=-name&page_size=5"))
    assert _linked(page, "/funds") == [
        "Paging Fund 7",
        "Paging Fund 6",
        "Paging Fund 5",
        "Paging Fund 4",
        "Paging Fund 3",
    ]
    assert 'aria-sort="descending"' in page
    ascending = _text(client.get("/funds/?sort=name&page_size=200"))
    assert _linked(ascending, "/funds")[:2] == ["Fund A", "Fund B"]
    unknown = _text(client.get("/funds/?sort=-password_hash&page_size=200"))
    assert _linked(unknown, "/funds") == _linked(ascending, "/funds")


def test_fund_list_searches_name_and_region(world, seven_funds, login_as):
    client = login_as(world.user("admin"))
    assert _linked(_text(client.get("/funds/?q=zwolle")), "/funds") == ["Paging Fund 3"]
    assert _linked(_text(client.get("/funds/?q=FUND%20B")), "/funds") == ["Fund B"]
    _english(client)
    assert "No funds found." in _text(client.get("/funds/?q=nothing-like-this"))


def test_a_fund_manager_lists_only_their_fund(world, seven_funds, login_as):
    client = login_as(world.user("manager_b"))
    assert _linked(_text(client.get("/funds/?page_size=200")), "/funds") == ["Fund B"]


@pytest.fixture()
def more_investees(db_session, world):
    for n, city in enumerate(["Schiedam", "Rotterdam", "Schiedam", "Vlaardingen", "Rotterdam", "Delft"], start=1):
        make_investee(
            db_session,
            world.fund_a,
            name=f"Onderneming {n}",
            municipality=city,
            themes=["circulaire_economie"] if n % 2 else ["arbeidsparticipatie"],
        )
    db_session.flush()


def test_investee_list_paginates_sorts_and_searches(world, more_investees, login_as):
    client = login_as(world.user("manager_a"))
    _english(client)
    first = _text(client.get("/investees/?page_size=5"))
    assert _linked(first, "/investees") == ["Investee A"] + [f"Onderneming {n}" for n in range(1, 5)]
    assert "Page 1 of 2" in first
    second = _text(client.get("/investees/?page_size=5&page=2"))
    assert _linked(second, "/investees") == ["Onderneming 5", "Onderneming 6"]
    descending = _text(client.get("/investees/?sort=-name&page_size=5"))
    assert _linked(descending, "/investees") == [f"Onderneming {n}" for n in (6, 5, 4, 3, 2)]
    by_city = _text(client.get("/investees/?sort=-municipality&q=onderneming"))
    assert _linked(by_city, "/investees")[0] == "Onderneming 4"  # Vlaardingen
    assert _linked(_text(client.get("/investees/?q=vlaard")), "/investees") == ["Onderneming 4"]


def test_investee_list_filters_by_theme_municipality_and_fund(world, more_investees, login_as):
    client = login_as(world.user("admin"))
    circular = _text(client.get("/investees/?theme=circulaire_economie"))
    assert _linked(circular, "/investees") == ["Onderneming 1", "Onderneming 3", "Onderneming 5"]
    assert 'option value="circulaire_economie" selected' in circular
    schiedam = _text(client.get("/investees/?municipality=schiedam"))
    assert _linked(schiedam, "/investees") == ["Onderneming 1", "Onderneming 3"]
    fund_b = _text(client.get(f"/investees/?fund_id={world.fund_b.id}"))
    assert _linked(fund_b, "/investees") == ["Investee B"]


def test_an_investee_member_lists_only_their_investee(world, more_investees, login_as):
    client = login_as(world.user("member_a"))
    assert _linked(_text(client.get("/investees/?page_size=200")), "/investees") == ["Investee A"]


def test_payer_list_paginates_sorts_and_searches(db_session, world, login_as):
    for n in range(1, 7):
        make_payer(db_session, name=f"Gemeente Paging {n}", region="Twente" if n == 2 else "")
    db_session.flush()
    client = login_as(world.user("admin"))
    _english(client)
    first = _text(client.get("/payers/?q=paging&page_size=5"))
    assert _linked(first, "/payers") == [f"Gemeente Paging {n}" for n in range(1, 6)]
    assert "Page 1 of 2" in first
    assert _linked(_text(client.get("/payers/?q=paging&page_size=5&page=2")), "/payers") == ["Gemeente Paging 6"]
    assert _linked(_text(client.get("/payers/?q=paging&sort=-name&page_size=5")), "/payers")[0] == "Gemeente Paging 6"
    assert _linked(_text(client.get("/payers/?q=twente")), "/payers") == ["Gemeente Paging 2"]


def test_a_payer_officer_opens_the_dashboard_and_an_empty_investee_list(world, login_as):
    client = login_as(world.user("officer_a"))
    _english(client)
    assert client.get("/").status_code == 200
    page = client.get("/investees/")
    assert page.status_code == 200
    assert _linked(_text(page), "/investees") == []
    assert "No investees found." in _text(page)


def test_a_payer_officer_lists_only_their_payer(world, login_as):
    client = login_as(world.user("officer_b"))
    assert _linked(_text(client.get("/payers/")), "/payers") == ["Provincie B"]


def test_the_dashboard_counts_only_what_the_user_may_see(db_session, world, more_investees, login_as):
    client = login_as(world.user("manager_b"))
    page = _text(client.get("/"))
    figures = re.findall(r'<div class="card"><a href="(/[a-z]+/)"><span class="figure">(\d+)</span>', page)
    assert figures == [("/funds/", "1"), ("/investees/", "1")]
    admin = login_as(world.user("admin"))
    figures = re.findall(
        r'<div class="card"><a href="(/[a-z]+/)"><span class="figure">(\d+)</span>', _text(admin.get("/"))
    )
    assert figures == [("/funds/", "2"), ("/investees/", "8"), ("/payers/", "2")]


# --- detail pages -------------------------------------------------------------------------


def test_fund_detail_shows_its_investors_with_totals_as_dutch_money_and_english_on_request(db_session, world, login_as):
    investor, _call = make_investor(
        db_session, world.fund_a, call=Decimal("0.50"), name="Gemeente Rotterdam", commitment=Decimal("1150000.00")
    )
    db_session.flush()
    client = login_as(world.user("manager_a"))
    page = _text(client.get(f"/funds/{world.fund_a.id}"))
    assert 'lang="nl"' in page
    total = re.search(r'<tr class="total">(.*?)</tr>', page, re.S).group(1)
    assert f"€{NBSP}1.250.000,00" in total
    assert f"€{NBSP}20.000,50" in total
    assert f'<a href="/investors/{investor.id}">Gemeente Rotterdam</a>' in page and "Investee A" in page
    assert f'href="/funds/{world.fund_a.id}/investors/new"' in page
    assert "capital-sources" not in page
    english = _text(client.get(f"/funds/{world.fund_a.id}?lang=en"))
    assert 'lang="en"' in english
    total_en = re.search(r'<tr class="total">(.*?)</tr>', english, re.S).group(1)
    assert "€1,250,000.00" in total_en
    assert "€20,000.50" in total_en
    assert "<h2>Investors</h2>" in english


def test_fund_detail_of_another_fund_is_a_404_page(world, login_as):
    client = login_as(world.user("manager_a"))
    response = client.get(f"/funds/{world.fund_b.id}")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "Fund B" not in _text(response)


def test_investee_detail_shows_facts_and_marks_a_lapsed_label(db_session, world, login_as):
    from fundapp.investees import services

    services.add_label(
        db_session, None, world.investee_a, {"kind": LabelKind.B_CORP, "valid_until": clock.today() - timedelta(days=1)}
    )
    services.add_label(
        db_session, None, world.investee_a, {"kind": LabelKind.SOCIAL_ENTERPRISE_NL, "valid_until": clock.today()}
    )
    db_session.flush()
    client = login_as(world.user("member_a"))
    _english(client)
    page = _text(client.get(f"/investees/{world.investee_a.id}"))
    assert world.investee_a.kvk_number in page
    rows = {
        re.sub(r"<[^>]+>", "", row.split("</td>", 1)[0]): row
        for row in page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    }
    assert 'class="utrecht-status-badge utrecht-status-badge--danger"' in rows["B Corp"] and "lapsed" in rows["B Corp"]
    assert (
        'class="utrecht-status-badge utrecht-status-badge--success"' in rows["Social Enterprise NL member"]
    )  # valid through today
    assert 'class="utrecht-status-badge utrecht-status-badge--success"' in next(
        v for k, v in rows.items() if k.startswith("PSO")
    )  # no end date
    assert "Edit investee" not in page  # a member may see, not change


def test_investee_list_marks_lapsed_labels_too(db_session, world, login_as):
    from fundapp.investees import services

    services.add_label(db_session, None, world.investee_b, {"kind": LabelKind.B_CORP, "valid_until": date(2020, 1, 1)})
    db_session.flush()
    client = login_as(world.user("admin"))
    page = _text(client.get("/investees/"))
    row_b = next(r for r in page.split("<tr>") if "Investee B" in r)
    row_a = next(r for r in page.split("<tr>") if "Investee A" in r)
    assert 'class="utrecht-status-badge utrecht-status-badge--danger"' in row_b
    assert "lapsed" not in row_a


def test_payer_detail_shows_the_payer(world, login_as):
    client = login_as(world.user("officer_a"))
    page = _text(client.get(f"/payers/{world.payer_a.id}"))
    assert "<h1>Gemeente A</h1>" in page
    assert f'href="/payers/{world.payer_a.id}/edit"' in page
    assert client.get(f"/payers/{world.payer_b.id}").status_code == 404


# --- forms --------------------------------------------------------------------------------


def _investee_form(world, **overrides) -> dict:
    data = {
        "fund_id": str(world.fund_a.id),
        "name": "Nieuwe Onderneming",
        "kvk_number": "1234567",
        "legal_form": "stichting",
        "municipality": "Schiedam",
        "website": "",
        "founded_on": "",
        "themes": ["arbeidsparticipatie", "circulaire_economie"],
        "themes__present": "1",
        "sdgs__present": "1",
        "mission": "Werk voor iedereen.",
        "problem": "",
    }
    data.update(overrides)
    return data


def test_an_investee_form_with_a_bad_kvk_is_shown_again_with_what_was_typed_and_writes_nothing(
    db_session, world, login_as
):
    client = login_as(world.user("manager_a"))
    _english(client)
    before = _counts(db_session)
    response = client.post("/investees/new", data=_investee_form(world))
    assert response.status_code == 422
    page = _text(response)
    assert _input_value(page, "kvk_number") == "1234567"
    assert _input_value(page, "name") == "Nieuwe Onderneming"
    assert _input_value(page, "municipality") == "Schiedam"
    assert "Werk voor iedereen.</textarea>" in page
    assert '<option value="arbeidsparticipatie" selected>' in page
    assert '<option value="stichting" selected>' in page
    assert _field_error(page, "kvk_number") == "A KvK number has exactly 8 digits."
    assert 'aria-invalid="true"' in page.split('id="f-kvk_number"')[1].split(">")[0]
    assert _field_error(page, "name") is None
    assert 'href="#f-kvk_number"' in page  # the error summary links to the field
    assert _counts(db_session) == before


def test_a_valid_investee_form_redirects_with_a_flash_and_the_investee_exists(db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    _english(client)
    response = client.post("/investees/new", data=_investee_form(world, kvk_number="8765 4321"))
    assert response.status_code == 303
    investee = db_session.scalar(select(Investee).where(Investee.kvk_number == "87654321"))
    assert investee is not None
    assert (investee.name, investee.fund_id, investee.municipality) == (
        "Nieuwe Onderneming",
        world.fund_a.id,
        "Schiedam",
    )
    assert investee.theme_codes == ["arbeidsparticipatie", "circulaire_economie"]
    assert response.headers["Location"].endswith(f"/investees/{investee.id}")
    followed = client.get(response.headers["Location"])
    assert "Investee created." in _flashes(_text(followed))
    assert "Investee created." not in _flashes(_text(client.get(response.headers["Location"])))  # shown once


def test_a_duplicate_kvk_in_the_form_is_shown_beside_the_field(db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    before = _counts(db_session)
    response = client.post("/investees/new", data=_investee_form(world, kvk_number=world.investee_b.kvk_number))
    assert response.status_code == 422
    assert _field_error(_text(response), "kvk_number") == "already registered"
    assert _counts(db_session) == before


def test_a_manager_cannot_create_an_investee_in_another_fund_through_the_form(db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    before = _counts(db_session)
    response = client.post(
        "/investees/new", data=_investee_form(world, kvk_number="87654321", fund_id=str(world.fund_b.id))
    )
    assert response.status_code == 403
    assert _counts(db_session) == before


def test_the_investee_edit_form_shows_current_values_and_saves(db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    _english(client)
    form = _text(client.get(f"/investees/{world.investee_a.id}/edit"))
    assert _input_value(form, "name") == "Investee A"
    assert _input_value(form, "kvk_number") == world.investee_a.kvk_number
    data = _investee_form(
        world, name="Investee A Renamed", kvk_number=world.investee_a.kvk_number, themes=["arbeidsparticipatie"]
    )
    response = client.post(f"/investees/{world.investee_a.id}/edit", data=data)
    assert response.status_code == 303
    db_session.expire_all()
    assert db_session.get(Investee, world.investee_a.id).name == "Investee A Renamed"
    assert "Investee saved." in _flashes(_text(client.get(response.headers["Location"])))


def test_a_member_may_not_open_or_post_the_edit_form(db_session, world, login_as):
    client = login_as(world.user("member_a"))
    before = _counts(db_session)
    assert client.get(f"/investees/{world.investee_a.id}/edit").status_code == 403
    response = client.post(f"/investees/{world.investee_a.id}/edit", data=_investee_form(world, kvk_number="87654321"))
    assert response.status_code == 403
    db_session.expire_all()
    assert db_session.get(Investee, world.investee_a.id).name == "Investee A"
    assert _counts(db_session) == before


def test_a_fund_form_with_a_duplicate_name_keeps_the_input_and_shows_the_error(db_session, world, login_as):
    client = login_as(world.user("admin"))
    before = _counts(db_session)
    response = client.post(
        "/funds/new", data={"name": "fund a", "region": "Leiden", "description": "x", "founded_on": ""}
    )
    assert response.status_code == 422
    page = _text(response)
    assert _input_value(page, "name") == "fund a"
    assert _input_value(page, "region") == "Leiden"
    assert _field_error(page, "name") == "already exists"
    assert _counts(db_session) == before


def test_a_valid_fund_form_creates_the_fund(db_session, world, login_as):
    client = login_as(world.user("admin"))
    _english(client)
    response = client.post(
        "/funds/new", data={"name": "SIF Leiden", "region": "Leiden", "description": "", "founded_on": "2025-02-01"}
    )
    assert response.status_code == 303
    fund = db_session.scalar(select(Fund).where(Fund.name == "SIF Leiden"))
    assert fund.founded_on == date(2025, 2, 1)
    assert "Fund created." in _flashes(_text(client.get(response.headers["Location"])))


def test_an_investor_form_reads_a_decimal_comma_and_refuses_three_decimals(db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    before = _counts(db_session)
    form = {
        "name": "Vermogensfonds",
        "kind": "foundation",
        "commitment": "1250,505",
        "fixed_share_percent": "",
        "expected_return_percent": "",
        "term_years": "",
        "notes": "",
    }
    bad = client.post(f"/funds/{world.fund_a.id}/investors/new", data=form)
    assert bad.status_code == 422
    assert _input_value(_text(bad), "commitment") == "1250,505"
    assert _field_error(_text(bad), "commitment") == "Gebruik hoogstens twee decimalen."
    assert _counts(db_session) == before
    good = client.post(f"/funds/{world.fund_a.id}/investors/new", data={**form, "commitment": "1250,50"})
    assert good.status_code == 303
    investor = db_session.scalar(select(Investor).where(Investor.name == "Vermogensfonds"))
    assert (investor.commitment, investor.paid_in) == (Decimal("1250.50"), Decimal("0.00"))


def test_a_label_form_with_a_past_date_adds_a_label_that_shows_as_lapsed(db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    _english(client)
    response = client.post(
        f"/investees/{world.investee_a.id}/labels/new",
        data={"kind": "cedris_leerwerkbedrijf", "level": "", "reference": "CED-1", "valid_until": "2021-12-31"},
    )
    assert response.status_code == 303
    label = db_session.scalar(select(Label).where(Label.reference == "CED-1"))
    assert label.valid_until == date(2021, 12, 31)
    page = _text(client.get(response.headers["Location"]))
    assert "Label added." in _flashes(page)
    row = next(r for r in page.split("<tr>") if "CED-1" in r)
    assert 'class="utrecht-status-badge utrecht-status-badge--danger"' in row


def test_a_pso_label_form_without_a_level_shows_the_error_beside_level(db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    before = _counts(db_session)
    response = client.post(
        f"/investees/{world.investee_a.id}/labels/new",
        data={"kind": "pso", "level": "", "reference": "", "valid_until": ""},
    )
    assert response.status_code == 422
    assert _field_error(_text(response), "level").startswith("Een PSO-keurmerk heeft een trede nodig")
    assert _counts(db_session) == before


def test_deleting_a_label_asks_for_confirmation_first_and_deletes_on_post(db_session, world, login_as):
    client = login_as(world.user("manager_a"))
    _english(client)
    label_id = world.investee_a.labels[0].id
    confirm = client.get(f"/investees/labels/{label_id}/delete")
    assert confirm.status_code == 200
    page = _text(confirm)
    assert "Remove this label from Investee A?" in page
    assert f'<form method="post" action="/investees/labels/{label_id}/delete">' in page
    assert db_session.get(Label, label_id) is not None
    response = client.post(f"/investees/labels/{label_id}/delete")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/investees/{world.investee_a.id}")
    db_session.expire_all()
    assert db_session.get(Label, label_id) is None
    assert "Label removed." in _flashes(_text(client.get(response.headers["Location"])))
    entry = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.action, entry.entity_id) == ("label.removed", str(label_id))


def test_a_member_cannot_delete_a_label_of_their_investee(db_session, world, login_as):
    client = login_as(world.user("member_a"))
    label = world.investee_a.labels[0]
    assert client.get(f"/investees/labels/{label.id}/delete").status_code == 403
    assert client.post(f"/investees/labels/{label.id}/delete").status_code == 403
    assert db_session.get(Label, label.id) is not None


def test_the_payer_edit_form_saves_a_payer_without_a_contact_email(db_session, world, login_as):
    client = login_as(world.user("officer_a"))
    response = client.post(
        f"/payers/{world.payer_a.id}/edit",
        data={
            "name": "Gemeente A",
            "kind": "municipality",
            "region": "Rijnmond",
            "contact_email": "",
            "description": "",
        },
    )
    assert response.status_code == 303, _field_error(_text(response), "contact_email")
    db_session.expire_all()
    assert db_session.get(OutcomePayer, world.payer_a.id).region == "Rijnmond"


def test_the_payer_form_creates_a_payer(db_session, world, login_as):
    client = login_as(world.user("admin"))
    response = client.post(
        "/payers/new",
        data={
            "name": "Gemeente Delft",
            "kind": "municipality",
            "region": "",
            "contact_email": "werk@delft.example",
            "description": "",
        },
    )
    assert response.status_code == 303
    payer = db_session.scalar(select(OutcomePayer).where(OutcomePayer.name == "Gemeente Delft"))
    assert payer.contact_email == "werk@delft.example"
