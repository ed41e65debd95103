"""Co-financing on the pages: a round recorded on the investee's page, participations set on the loan page, the
participating fund's loan book; and bounded queries whatever the number of syndicated loans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from fundapp import clock
from fundapp.cofinancing import services
from fundapp.cofinancing.models import FinancingRound
from fundapp.loans import services as loan_services
from tests.factories import ACTOR, make_investee, make_loan
from tests.web.test_query_counts import _queries


def test_a_manager_records_a_round_on_the_investee_page_and_it_shows_there(client, db_session, world, login_as):
    login_as(world.user("manager_a"))
    path = f"/investees/{world.investee_a.id}/financing-rounds/new"
    assert client.get(path).status_code == 200
    form = {
        "name": "Groeironde 2026",
        "date": "2026-03-01",
        "fund_id_1": str(world.fund_a.id),
        "instrument_1": "loan",
        "amount_1": "150.000",
        "party_name_2": "Provincie Zuid-Holland",
        "party_kind_2": "province",
        "instrument_2": "grant",
        "amount_2": "25.000,50",
    }
    answer = client.post(path, data=form)
    assert answer.status_code == 303
    made = db_session.scalar(select(FinancingRound).where(FinancingRound.name == "Groeironde 2026"))
    assert [p.amount for p in made.participants] == [Decimal("150000.00"), Decimal("25000.50")]
    page = client.get(f"/investees/{world.investee_a.id}").get_data(as_text=True)
    assert "Groeironde 2026" in page and "Provincie Zuid-Holland" in page


def test_a_round_form_with_a_party_half_named_shows_the_error_beside_it_and_keeps_what_was_typed(
    client, world, login_as
):
    login_as(world.user("manager_a"))
    form = {"name": "Ronde", "date": "2026-03-01", "fund_id_1": str(world.fund_a.id), "instrument_1": "loan"}
    form |= {"amount_1": "100", "party_name_2": "Triodos", "instrument_2": "loan", "amount_2": "5"}
    answer = client.post(f"/investees/{world.investee_a.id}/financing-rounds/new", data=form)
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="f-party_kind_2-error"' in page and 'value="Triodos"' in page


def test_participations_not_summing_to_100_are_refused_on_the_loan_page(client, db_session, world, login_as):
    loan = make_loan(db_session, world.investee_a, status="approved")
    login_as(world.user("manager_a"))
    form = {"fund_id_1": str(world.fund_a.id), "percentage_1": "60", "fund_id_2": str(world.fund_b.id)}
    answer = client.post(f"/loans/{loan.id}/participations", data=form | {"percentage_2": "30"})
    assert answer.status_code == 422
    assert services.participations_of(db_session, loan) == []
    answer = client.post(f"/loans/{loan.id}/participations", data=form | {"percentage_2": "40"})
    assert answer.status_code == 303
    assert [p.percentage for p in services.participations_of(db_session, loan)] == [Decimal("60"), Decimal("40")]


def _syndicated(db_session, world, n):
    """n more loans of fund A, syndicated 70/30 with fund B, disbursed and partly repaid."""
    for i in range(n):
        investee = make_investee(db_session, world.fund_a, name=f"Samen {i:03d}")
        loan = make_loan(db_session, investee, status="approved", disbursement_date=date(2024, 3, 1))
        shares = [{"fund_id": world.fund_a.id, "percentage": Decimal("70")}]
        shares.append({"fund_id": world.fund_b.id, "percentage": Decimal("30")})
        services.set_participations(db_session, ACTOR, loan, shares)
        loan_services.disburse(db_session, ACTOR, loan, date(2024, 3, 1), loan.principal)
        loan_services.record_repayment(db_session, ACTOR, loan, date(2024, 4, 1), Decimal("100.00"), "part")
    db_session.flush()


def test_the_participating_fund_sees_its_share_in_its_loan_book_and_the_loan_read_only(
    client, db_session, world, login_as
):
    from fundapp.loans import portfolio
    from fundapp.loans.models import Loan

    _syndicated(db_session, world, 1)
    loan = db_session.scalar(select(Loan).join(Loan.investee).where(Loan.investee.has(name="Samen 000")))
    mine = portfolio.outstanding_on(db_session, world.fund_b.id, clock.today())[loan.id]
    assert mine == (Decimal("3000.00") - services_share(loan))
    login_as(world.user("manager_b"))
    book = client.get(f"/funds/{world.fund_b.id}/loans").get_data(as_text=True)
    assert loan.reference in book and f"{mine:,.2f}".translate(str.maketrans(",.", ".,")) in book
    page = client.get(f"/loans/{loan.id}").get_data(as_text=True)
    assert "Set participations" not in page and "Deelnames vastleggen" not in page
    assert f"/loans/{loan.id}/repay" not in page
    assert client.get(f"/funds/{world.fund_a.id}/loans").status_code == 404


def services_share(loan):
    """Fund B's 30 % of the principal repaid so far, half-up to the cent."""
    from fundapp.cofinancing.shares import share

    return share(loan.principal_repaid, Decimal("30"))


def test_the_portfolio_and_the_loan_book_issue_the_same_number_of_queries_for_few_and_many_syndicated_loans(
    app, client, db_session, world, login_as
):
    login_as(world.user("manager_b"))
    paths = [f"/funds/{world.fund_b.id}/loans?page_size=100", f"/api/v1/funds/{world.fund_b.id}/portfolio"]
    _syndicated(db_session, world, 2)
    few = [_queries(app, client, path) for path in paths]
    _syndicated(db_session, world, 10)
    assert [_queries(app, client, path) for path in paths] == few


def test_a_participating_fund_reads_the_syndicated_loan_but_not_the_lead_funds_shares_it_was_converted_into(
    client, db_session, world, login_as
):
    from fundapp.instruments import conversion
    from tests.equity_factories import CONVERTIBLE, TERMS

    loan = make_loan(db_session, world.investee_a, status="approved", **CONVERTIBLE)
    shares = [{"fund_id": world.fund_a.id, "percentage": Decimal("70")}]
    services.set_participations(db_session, ACTOR, loan, [*shares, {"fund_id": world.fund_b.id, "percentage": 30}])
    conversion.set_terms(db_session, ACTOR, loan, {**TERMS, "trigger": "qualified_round"})
    loan_services.disburse(db_session, ACTOR, loan, loan.disbursement_date, loan.principal)
    made = conversion.convert(db_session, ACTOR, loan, {"date": date(2026, 1, 2), "round_price": Decimal("2.50")})
    db_session.flush()
    converted = f"/equity/{made.id}"
    for role, sees in (("manager_a", True), ("member_a", True), ("manager_b", False)):
        login_as(world.user(role))
        page = client.get(f"/loans/{loan.id}")
        assert page.status_code == 200, role
        assert (converted in page.get_data(as_text=True)) is sees, role
        assert client.get(converted).status_code == (200 if sees else 404), role
