"""The fund's journal: one balanced entry per event, on RGS-coded accounts, reconciling with the portfolio."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundapp.banking.journal import (
    DEFAULT_CHART,
    Account,
    Disbursement,
    EventKind,
    JournalEntry,
    JournalError,
    JournalLine,
    Posting,
    ProvisionChange,
    Recovery,
    Repayment,
    WriteOff,
    balances,
    entries_for,
    role_balances,
    summarise,
    totals,
)

DAY = dt.date(2025, 3, 1)
C = DEFAULT_CHART


def lines_of(event):
    (entry,) = entries_for([event])
    return [(line.account, line.debit, line.credit) for line in entry.lines]


def d(text):
    return Decimal(text)


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            Disbursement(DAY, "L-1", d("25000.00")),
            [(C.loans_receivable, d("25000.00"), d("0")), (C.bank, d("0"), d("25000.00"))],
        ),
        (
            Repayment(DAY, "L-1", d("400.00"), d("62.50")),
            [
                (C.bank, d("462.50"), d("0")),
                (C.loans_receivable, d("0"), d("400.00")),
                (C.interest_income, d("0"), d("62.50")),
            ],
        ),
        (
            WriteOff(DAY, "L-1", d("1200.00")),
            [(C.write_off_expense, d("1200.00"), d("0")), (C.loans_receivable, d("0"), d("1200.00"))],
        ),
        (Recovery(DAY, "L-1", d("300.00")), [(C.bank, d("300.00"), d("0")), (C.recoveries, d("0"), d("300.00"))]),
        (
            ProvisionChange(DAY, "L-1", d("150.00")),
            [(C.provision_expense, d("150.00"), d("0")), (C.loan_loss_provision, d("0"), d("150.00"))],
        ),
        (
            ProvisionChange(DAY, "L-1", d("-40.00")),
            [(C.loan_loss_provision, d("40.00"), d("0")), (C.provision_expense, d("0"), d("40.00"))],
        ),
    ],
)
def test_each_event_is_booked_by_the_rule_of_the_domain(event, expected):
    assert lines_of(event) == expected


def test_a_repayment_of_principal_only_has_no_interest_line():
    assert lines_of(Repayment(DAY, "L-1", d("400.00"), d("0.00"))) == [
        (C.bank, d("400.00"), d("0")),
        (C.loans_receivable, d("0"), d("400.00")),
    ]


def test_entries_come_in_date_order_with_their_event_and_reference():
    entries = entries_for([Recovery(DAY, "L-2", d("1.00")), Disbursement(dt.date(2025, 1, 2), "L-1", d("5.00"))])
    assert [(entry.date, entry.event, entry.reference) for entry in entries] == [
        (dt.date(2025, 1, 2), EventKind.DISBURSEMENT, "L-1"),
        (DAY, EventKind.RECOVERY, "L-2"),
    ]


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        (Disbursement(DAY, "L-1", d("10.005")), "whole cents"),
        (Disbursement(DAY, "L-1", d("-10.00")), "must be positive"),
        (WriteOff(DAY, "L-1", d("0.00")), "must be positive"),
        (Repayment(DAY, "L-1", d("0.00"), d("0.00")), "repayment of L-1 is zero"),
        (ProvisionChange(DAY, "L-1", d("0.00")), "must be non-zero"),
        (Recovery(DAY, "L-1", 5), "must be a Decimal"),
    ],
)
def test_an_event_the_journal_cannot_book_is_refused(event, problem):
    with pytest.raises(JournalError, match=problem):
        entries_for([event])


def test_an_entry_that_does_not_balance_cannot_exist():
    with pytest.raises(JournalError, match=r"does not balance: debit 10\.00, credit 9\.99"):
        JournalEntry(
            DAY,
            EventKind.DISBURSEMENT,
            "L-1",
            (JournalLine(C.loans_receivable, d("10.00"), d("0")), JournalLine(C.bank, d("0"), d("9.99"))),
        )


def test_a_fund_books_on_its_own_accounts_when_it_changes_the_chart():
    chart = replace(DEFAULT_CHART, bank=Account("1110", "Triodos zakelijk", "BLimBanRba", True))
    (entry,) = entries_for([Recovery(DAY, "L-1", d("5.00"))], chart)
    assert entry.lines[0].account.code == "1110"


def test_the_default_chart_carries_the_documented_rgs_codes_on_the_right_side_of_the_books():
    assert {account.code: account.rgs_code for account in C.accounts()} == {
        "1100": "BLimBanRba",
        "0320": "BFvaLenLen",
        "0329": "BFvaOvrOvc",
        "8310": "WOvtRofRov",
        "8360": "WWfaBwvFva",
        "8361": "WWfaBwvFva",
        "8367": "WWfaBwvTwf",
        "0310": "BFvaDee",
        "1300": "BVorOvr",
        "0500": "BEivGok",
        "0510": None,
        "8320": None,
        "8330": None,
        "8340": None,
        "4600": None,
        "8350": None,
        "4000": "WBedAlk",
    }
    # In RGS a code starting with B is a balance sheet item and one starting with W a profit-and-loss item.
    coded = [account for account in C.accounts() if account.rgs_code]
    assert all(account.balance_sheet == account.rgs_code.startswith("B") for account in coded)
    assert len({account.code for account in C.accounts()}) == len(C.accounts())


cents = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))
references = st.sampled_from(["L-1", "L-2", "L-2025-017"])
events = st.one_of(
    st.builds(Disbursement, days, references, cents),
    st.builds(Repayment, days, references, cents, st.one_of(st.just(Decimal("0.00")), cents)),
    st.builds(WriteOff, days, references, cents),
    st.builds(Recovery, days, references, cents),
    st.builds(ProvisionChange, days, references, st.one_of(cents, cents.map(lambda amount: -amount))),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(events, max_size=40))
def test_every_entry_balances_to_the_cent_and_the_journal_reconciles_with_the_events(history):
    entries = entries_for(history)
    assert len(entries) == len(history)
    for entry in entries:
        assert entry.total_debit == entry.total_credit
        assert all((line.debit == 0) != (line.credit == 0) for line in entry.lines)
        assert all(line.debit >= 0 and line.credit >= 0 for line in entry.lines)
    debit, credit = totals(entries)
    assert debit == credit
    assert sum(balances(entries).values(), Decimal(0)) == 0

    def total(kind, attribute):
        return sum((getattr(event, attribute) for event in history if isinstance(event, kind)), Decimal(0))

    summary = summarise(entries)
    assert summary.disbursed == total(Disbursement, "amount")
    assert summary.principal_received == total(Repayment, "principal")
    assert summary.interest_received == total(Repayment, "interest")
    assert summary.written_off == total(WriteOff, "amount")
    assert summary.recoveries == total(Recovery, "amount")
    assert summary.provision_change == total(ProvisionChange, "change")
    ledger = balances(entries)
    # The receivable on the books is the outstanding principal the portfolio reports.
    assert ledger.get(C.loans_receivable.code, 0) == summary.outstanding_change
    assert ledger.get(C.bank.code, 0) == (
        summary.principal_received + summary.interest_received + summary.recoveries - summary.disbursed
    )
    assert -ledger.get(C.loan_loss_provision.code, 0) == summary.provision_change


def test_a_posting_is_booked_on_the_roles_it_names():
    call = Posting(
        EventKind.CAPITAL_CALL, DAY, "CALL-1", (("bank", d("250000.00")),), (("paid_in_capital", d("250000.00")),)
    )
    assert lines_of(call) == [
        (C.bank, d("250000.00"), d("0")),
        (C.paid_in_capital, d("0"), d("250000.00")),
    ]


def test_a_posting_splits_one_side_over_several_roles():
    conversion = Posting(
        EventKind.CONVERSION,
        DAY,
        "CL-1",
        (("equity_investments", d("10400.00")),),
        (("loans_receivable", d("10000.00")), ("interest_income", d("400.00"))),
    )
    (entry,) = entries_for([conversion])
    assert entry.total_debit == entry.total_credit == d("10400.00")
    assert entry.event is EventKind.CONVERSION


@pytest.mark.parametrize(
    ("debits", "credits", "problem"),
    [
        ((("bank", "100.00"),), (("paid_in_capital", "99.99"),), "does not balance"),
        ((("bank", "100.00"),), (("capital", "100.00"),), "unknown account role"),
        ((("bank", "100.001"),), (("paid_in_capital", "100.001"),), "whole cents"),
        ((("bank", "-5.00"),), (("paid_in_capital", "-5.00"),), "positive"),
        ((), (), "needs a debit and a credit"),
        ((("accounts", "1.00"),), (("bank", "1.00"),), "unknown account role"),
    ],
)
def test_a_posting_the_journal_cannot_book_is_refused(debits, credits, problem):
    def side(pairs):
        return tuple((role, d(amount)) for role, amount in pairs)

    with pytest.raises(JournalError, match=problem):
        entries_for([Posting(EventKind.FUND_EXPENSE, DAY, "X-1", side(debits), side(credits))])


def test_role_balances_name_every_role_and_sum_to_zero():
    made = entries_for(
        [
            Posting(
                EventKind.CAPITAL_CALL, DAY, "C-1", (("bank", d("1000.00")),), (("paid_in_capital", d("1000.00")),)
            ),
            Disbursement(DAY, "L-1", d("600.00")),
            Repayment(DAY, "L-1", d("100.00"), d("5.00")),
        ]
    )
    figures = role_balances(made)
    assert set(figures) == set(C.__dataclass_fields__)
    assert figures["bank"] == d("505.00")
    assert figures["loans_receivable"] == d("500.00")
    assert figures["interest_income"] == d("-5.00")
    assert figures["paid_in_capital"] == d("-1000.00")
    assert figures["equity_investments"] == d("0")
    assert sum(figures.values()) == 0
