"""Issue #14's "done when", through the public API as a fund manager would: an investment round with a bank and
another fund, each instrument followed, and each investor's quarterly statement — every figure worked by hand.

SIF Zuid (lead) and SIF Noord lend De Werkplaats 100,000.00 together with a bank (60 / 30 / 10 %): 6 % over 60
monthly annuity installments of 1,933.28, disbursed 2026-01-15, the first two paid on their due dates
(interest 500.00 + principal 1,433.28; interest 492.83 + principal 1,440.45). SIF Zuid also buys 1,000 shares at
10.00 (valued at 12.00 on 2026-03-01), pays a voucher of 5,000.00 and guarantees 20,000.00 of a bank loan at 2 % a
year (one quarterly fee of 100.00 received). Its investors paid in 300,000.00 and 200,000.00 on 2026-01-05.

Shares of the running totals (non-lead parties half-up, the lead the rest): principal repaid 2,873.73 →
Noord 862.12, bank 287.37, Zuid 1,724.24; interest 992.83 → Noord 297.85, bank 99.28, Zuid 595.70.

SIF Zuid on 2026-03-31:
    cash        500,000.00 − 60,000.00 + 1,724.24 + 595.70 − 10,000.00 − 5,000.00 + 100.00 = 427,419.94
    loans        60,000.00 − 1,724.24                                                        =  58,275.76
    provision    1 % of 58,275.76 = 582.7576 → 582.76 (current; half-up per loan)
    equity       1,000 × 12.00                                                               =  12,000.00
    NAV          427,419.94 + 58,275.76 − 582.76 + 12,000.00 + 0.00                          = 497,112.94
    check        paid in 500,000.00 + interest 595.70 + fee 100.00 + revaluation 2,000.00 − voucher 5,000.00
                 − provision 582.76                                                          = 497,112.94
Capital accounts (share by paid-in capital, NAV share half-up): Gemeente 60 % → 298,267.76, Stichting 40 % →
198,845.18 (together the NAV to the cent); RVPI 298,267.76 ÷ 300,000.00 = 0.9942, DPI 0.0000.
SIF Noord: loans 30,000.00 − 862.12 = 29,137.88; cash −30,000.00 + 862.12 + 297.85 = −28,840.03.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from fundapp.auth.models import Role
from tests.factories import make_fund, make_investee, make_user

D = Decimal


@pytest.fixture()
def round_world(db_session):
    zuid = make_fund(db_session, name="SIF Zuid")
    noord = make_fund(db_session, name="SIF Noord")
    investee = make_investee(db_session, zuid, name="De Werkplaats")
    return {
        "zuid": zuid,
        "noord": noord,
        "investee": investee,
        "manager": make_user(db_session, Role.FUND_MANAGER, zuid.id),
        "noord_manager": make_user(db_session, Role.FUND_MANAGER, noord.id),
    }


def _ok(response, status=(200, 201)):
    assert response.status_code in status, response.get_json()
    return response.get_json()


def test_a_fund_manager_runs_a_round_with_a_bank_and_another_fund_and_sends_each_investor_a_statement(
    client, login_as, api_headers, round_world
):
    w = round_world
    zuid, noord, investee = w["zuid"], w["noord"], w["investee"]
    headers, noord_headers = api_headers(w["manager"]), api_headers(w["noord_manager"])

    def post(url, body, who=headers, method="post"):
        return _ok(getattr(client, method)(f"/api/v1{url}", json=body, headers=who))

    # The fund's investors and their first calls.
    gemeente = post(f"/funds/{zuid.id}/investors", {"name": "Gemeente Zuid", "commitment": "600000.00"})
    stichting = post(f"/funds/{zuid.id}/investors", {"name": "Stichting Kapitaal", "commitment": "400000.00"})
    for investor, amount in ((gemeente, "300000.00"), (stichting, "200000.00")):
        post(f"/investors/{investor['id']}/calls", {"date": "2026-01-05", "amount": amount})

    # The round: who brings which instrument and amount; the other fund sees it, names and amounts.
    parties = [
        {"fund_id": zuid.id, "instrument": "loan", "amount": "60000.00"},
        {"fund_id": noord.id, "instrument": "loan", "amount": "30000.00"},
        {"party_name": "Rabobank", "party_kind": "bank", "instrument": "loan", "amount": "10000.00"},
    ]
    made = post(
        f"/investees/{investee.id}/financing-rounds",
        {"name": "Groeironde 2026", "date": "2026-01-10", "participants": parties},
    )
    seen = _ok(client.get(f"/api/v1/financing-rounds/{made['id']}", headers=noord_headers))
    assert len(seen["participants"]) == 3

    # The syndicated loan, serviced by the lead.
    terms = {
        "investee_id": investee.id,
        "principal": "100000.00",
        "annual_interest_rate": "6",
        "disbursement_date": "2026-01-15",
        "number_of_installments": 60,
        "frequency": "monthly",
        "amortization": "annuity",
        "grace_on_principal": 0,
        "day_count": "30/360",
    }
    loan = post("/loans", terms)
    shares = [
        {"fund_id": zuid.id, "percentage": "60"},
        {"fund_id": noord.id, "percentage": "30"},
        {"party_name": "Rabobank", "party_kind": "bank", "percentage": "10"},
    ]
    post(f"/loans/{loan['id']}/participations", {"participations": shares}, method="put")
    post(f"/loans/{loan['id']}/approve", {})
    post(f"/loans/{loan['id']}/disbursements", {"date": "2026-01-15", "amount": "100000.00"})
    for day in ("2026-02-15", "2026-03-15"):
        post(f"/loans/{loan['id']}/repayments", {"date": day, "amount": "1933.28"})

    # The other instruments of the lead fund.
    equity = post(
        "/equity-participations",
        {"investee_id": investee.id, "date": "2026-02-01", "shares": 1000, "price_per_share": "10.00"},
    )
    valuation = {"kind": "valuation", "date": "2026-03-01", "value_per_share": "12.00", "method": "dcf"}
    post(f"/equity-participations/{equity['id']}/events", {**valuation, "decided_by": "Investment committee"})
    voucher = {"investee_id": investee.id, "kind": "voucher", "amount": "5000.00", "paid_on": "2026-02-10"}
    post("/grants", {**voucher, "conditions": "Digitalisation", "period_from": "2026-02-10", "period_to": "2026-12-31"})
    guarantee = post(
        "/guarantees",
        {
            "investee_id": investee.id,
            "bank_name": "Rabobank",
            "bank_loan_amount": "50000.00",
            "guaranteed_amount": "20000.00",
            "fee_percentage": "2",
            "fee_frequency": "quarterly",
            "starts_on": "2026-01-01",
            "expires_on": "2028-12-31",
        },
    )
    post(f"/guarantees/{guarantee['id']}/fees", {"date": "2026-03-31", "amount": "100.00"})

    # The lead fund's NAV and each investor's capital account at the quarter's end.
    nav = _ok(client.get(f"/api/v1/funds/{zuid.id}/nav?as_of=2026-03-31", headers=headers))
    assert nav == {
        "as_of": "2026-03-31",
        "cash": "427419.94",
        "loans_outstanding": "58275.76",
        "provision": "582.76",
        "equity_value": "12000.00",
        "receivables": "0.00",
        "nav": "497112.94",
    }
    accounts = {}
    for investor, paid_in, nav_share, rvpi in (
        (gemeente, "300000.00", "298267.76", "0.9942"),
        (stichting, "200000.00", "198845.18", "0.9942"),
    ):
        account = _ok(
            client.get(f"/api/v1/investors/{investor['id']}/capital-account?as_of=2026-03-31", headers=headers)
        )
        assert (account["paid_in"], account["distributed"], account["nav_share"]) == (paid_in, "0.00", nav_share)
        assert (account["dpi"], account["rvpi"], account["tvpi"]) == ("0.0000", rvpi, rvpi)
        # IRR: one call out on 2026-01-05, the NAV share in on 2026-03-31 (85 days): (share ÷ paid)^(365/85) − 1.
        expected = math.pow(float(D(nav_share) / D(paid_in)), 365 / 85) - 1
        assert abs(float(account["irr"]) - expected) < 2e-6
        accounts[investor["id"]] = account
    assert sum(D(a["nav_share"]) for a in accounts.values()) == D(nav["nav"])

    # The other fund counts its own share only, and sees nothing of the lead's investors.
    noord_nav = _ok(client.get(f"/api/v1/funds/{noord.id}/nav?as_of=2026-03-31", headers=noord_headers))
    assert (noord_nav["loans_outstanding"], noord_nav["cash"]) == ("29137.88", "-28840.03")
    url = f"/api/v1/investors/{gemeente['id']}/capital-account?as_of=2026-03-31"
    assert client.get(url, headers=noord_headers).status_code in (403, 404)

    # Each investor's statement for the first quarter, as PDF and as a workbook, with its own figures.
    browser = login_as(w["manager"])
    for investor in (gemeente, stichting):
        share = accounts[investor["id"]]["nav_share"]
        pdf = browser.get(f"/investors/{investor['id']}/statements/2026-q1.pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
        assert investor["name"] in text
        assert f"{D(share):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") in text
        xlsx = browser.get(f"/investors/{investor['id']}/statements/2026-q1.xlsx")
        assert xlsx.status_code == 200
        cells = [
            cell
            for sheet in load_workbook(io.BytesIO(xlsx.data)).worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
        ]
        assert D(share) in [D(str(cell)).quantize(D("0.01")) for cell in cells if isinstance(cell, (int, float))]
