"""fundapp.db.ExactDecimal / Money / Rate: exact to the cent on SQLite and PostgreSQL, sums included; no floats."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import StatementError

from fundapp.capital.models import Investor, InvestorKind
from fundapp.db import ExactDecimal, Money, Quantity, Rate
from tests.factories import make_fund

D = Decimal


def _insert_sources(db_session, fund_id: int, amounts: list[Decimal]) -> None:
    db_session.execute(
        insert(Investor),
        [
            {
                "fund_id": fund_id,
                "name": f"Source {i}",
                "kind": InvestorKind.FOUNDATION,
                "commitment": amount,
                "notes": "",
            }
            for i, amount in enumerate(amounts)
        ],
    )


def _sum(db_session, fund_id: int, column=Investor.commitment) -> Decimal:
    return db_session.scalar(select(func.sum(column)).where(Investor.fund_id == fund_id))


def test_a_thousand_times_ten_cents_sums_to_exactly_one_hundred_euros(db_session):
    fund = make_fund(db_session)
    _insert_sources(db_session, fund.id, [D("0.10")] * 1000)
    total = _sum(db_session, fund.id)
    assert isinstance(total, Decimal)
    assert total == D("100.00")
    assert str(total) == "100.00"
    assert sum([0.1] * 1000) != 100.0  # what floats would have given


def test_awkward_amounts_sum_exactly(db_session):
    fund = make_fund(db_session)
    amounts = [D("1234567.89")] * 700 + [D("0.01")] * 299 + [D("9999999999.99")]
    _insert_sources(db_session, fund.id, amounts)
    total = _sum(db_session, fund.id)
    assert isinstance(total, Decimal)
    assert total == sum(amounts) == D("10864197525.98")
    assert str(total) == "10864197525.98"


def test_a_sum_of_mixed_cents_matches_python_decimal_arithmetic(db_session):
    fund = make_fund(db_session)
    amounts = [D(f"{i}.{i % 100:02d}") for i in range(1, 501)] + [D("0.07")] * 333
    _insert_sources(db_session, fund.id, amounts)
    assert _sum(db_session, fund.id) == sum(amounts)


def test_stored_values_read_back_as_two_decimal_decimals(db_session):
    fund = make_fund(db_session)
    amounts = [D("0.01"), D("0.1"), D("1"), D("1234567.89"), D("9999999999999.99"), D("0")]
    _insert_sources(db_session, fund.id, amounts)
    db_session.expire_all()
    rows = db_session.scalars(
        select(Investor.commitment).where(Investor.fund_id == fund.id).order_by(Investor.id)
    ).all()
    assert [str(v) for v in rows] == ["0.01", "0.10", "1.00", "1234567.89", "9999999999999.99", "0.00"]
    assert all(isinstance(v, Decimal) for v in rows)


def test_values_are_rounded_half_up_to_the_column_scale_when_stored(db_session):
    fund = make_fund(db_session)
    _insert_sources(db_session, fund.id, [D("0.005"), D("2.675"), D("0.0049")])
    rows = db_session.scalars(
        select(Investor.commitment).where(Investor.fund_id == fund.id).order_by(Investor.id)
    ).all()
    assert rows == [D("0.01"), D("2.68"), D("0.00")]


def test_a_rate_keeps_six_decimals_and_rounds_negative_values_half_up_away_from_zero(db_session):
    fund = make_fund(db_session)
    db_session.execute(
        insert(Investor),
        [
            {
                "fund_id": fund.id,
                "name": "a",
                "kind": "bank",
                "commitment": D("1"),
                "expected_return_percent": D("2.5"),
            },
            {
                "fund_id": fund.id,
                "name": "b",
                "kind": "bank",
                "commitment": D("1"),
                "expected_return_percent": D("-1.2345675"),
            },
            {
                "fund_id": fund.id,
                "name": "c",
                "kind": "bank",
                "commitment": D("1"),
                "expected_return_percent": D("3.1234564"),
            },
        ],
    )
    rows = db_session.scalars(
        select(Investor.expected_return_percent).where(Investor.fund_id == fund.id).order_by(Investor.name)
    ).all()
    assert [str(v) for v in rows] == ["2.500000", "-1.234568", "3.123456"]


def test_on_sqlite_money_is_stored_as_integer_cents_and_on_postgresql_as_numeric(db_session):
    fund = make_fund(db_session)
    _insert_sources(db_session, fund.id, [D("1234567.89")])
    raw = db_session.execute(text("SELECT commitment FROM investors WHERE fund_id = :f"), {"f": fund.id}).scalar_one()
    if db_session.get_bind().dialect.name == "sqlite":
        assert raw == 123456789
        assert isinstance(raw, int)
    else:
        assert raw == D("1234567.89")
        assert isinstance(raw, Decimal)


def test_comparisons_in_sql_use_the_exact_value(db_session):
    fund = make_fund(db_session)
    _insert_sources(db_session, fund.id, [D("0.10"), D("0.20"), D("0.30")])
    found = db_session.scalars(
        select(Investor.commitment).where(Investor.fund_id == fund.id, Investor.commitment == D("0.3"))
    ).all()
    assert found == [D("0.30")]
    bigger = db_session.scalar(select(func.count()).where(Investor.fund_id == fund.id, Investor.commitment > D("0.15")))
    assert bigger == 2


def test_a_float_is_refused_when_stored_through_the_orm(db_session):
    fund = make_fund(db_session)
    db_session.add(Investor(fund_id=fund.id, name="Float", kind=InvestorKind.BANK, commitment=0.1))
    with pytest.raises(StatementError) as info:
        db_session.flush()
    assert isinstance(info.value.orig, TypeError)
    assert "floats" in str(info.value.orig)


def test_a_float_is_refused_in_a_bulk_insert_and_in_a_where_clause(db_session):
    fund = make_fund(db_session)
    with pytest.raises(StatementError):
        _insert_sources(db_session, fund.id, [0.1])  # type: ignore[list-item]
    with pytest.raises(StatementError):
        db_session.scalars(select(Investor).where(Investor.commitment == 0.1)).all()


def test_exact_decimal_type_parameters():
    assert (Money().precision, Money().scale) == (18, 2)
    assert (Rate().precision, Rate().scale) == (12, 6)
    assert (Quantity().precision, Quantity().scale) == (18, 4)
    assert ExactDecimal(10, 3).process_bind_param(None, None) is None


@pytest.mark.parametrize("value", ["12.345", 12, D("12.3451")])
def test_exact_decimal_binds_strings_ints_and_decimals_and_rounds_to_its_scale(value):
    class PG:
        name = "postgresql"

    class Lite:
        name = "sqlite"

    kind = ExactDecimal(18, 3)
    expected = D(value).quantize(D("0.001")) if not isinstance(value, str) else D("12.345")
    assert kind.process_bind_param(value, PG()) == expected
    assert kind.process_bind_param(value, Lite()) == int(expected * 1000)
    assert kind.process_result_value(int(expected * 1000), Lite()) == expected
