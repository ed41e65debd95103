"""The payment-batch and ledger-account forms: what is posted is what is stored."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from fundapp import clock
from fundapp.banking.models import BatchKind, LedgerAccount, PaymentBatch
from fundapp.banking.target2 import next_business_day
from tests.batch_factories import collecting_fund, investee_account, mandate, payer_account
from tests.factories import make_investee, make_loan
from tests.web.round_trip import FormCase, assert_round_trip

DAY = clock.today() + timedelta(days=3)
# What is stored: the typed day, or the next TARGET2 business day when the banks are closed on it.
STORED = next_business_day(DAY)


def _collecting(session, world):
    collecting_fund(session, world.fund_a)
    mandate(session, world.loan_a)
    return SimpleNamespace()


def _disbursing(session, world):
    collecting_fund(session, world.fund_a)
    loan = make_loan(session, make_investee(session, world.fund_a), status="approved")
    investee_account(session, loan.investee)
    return SimpleNamespace(loan=loan)


def _paying(session, world):
    from fundapp.auth.models import Role
    from tests.factories import make_user
    from tests.outcome_factories import add_verified_results, make_claim, make_contract

    officer = world.user("officer_a")
    other = make_user(session, Role.PAYER_OFFICER, world.payer_a.id)
    contract = make_contract(session, [(world.payer_a, "100", None)], [world.investee_a])
    add_verified_results(session, contract, world.investee_a, 2)
    make_claim(session, contract, world.investee_a, approve_by=[other])
    investee_account(session, world.investee_a)
    payer_account(session, world.payer_a)
    return SimpleNamespace(officer=officer)


def _batch(session, owner_column, owner_id):
    batch = session.scalar(select(PaymentBatch).where(owner_column == owner_id).order_by(PaymentBatch.id.desc()))
    return {"kind": batch.kind, "execution_date": batch.execution_date, "transactions": batch.transactions > 0}


LEDGER = {
    "bank_code": "1110",
    "bank_name": "Triodos – rekening-courant",
    "bank_rgs_code": "BLimBanRba",
    "loans_receivable_code": "0330",
    "loans_receivable_name": "Achtergestelde leningen",
    "loans_receivable_rgs_code": "BFvaLenLen",
    "interest_income_code": "8400",
    "interest_income_name": "Rente ü",
    "interest_income_rgs_code": "WOvtRofRov",
    "write_off_expense_code": "8450",
    "write_off_expense_name": "Afboeking",
    "write_off_expense_rgs_code": "WWfaBwvFva",
    "recoveries_code": "8460",
    "recoveries_name": "Opbrengst afgeboekt",
    "recoveries_rgs_code": "WWfaBwvTwf",
    "provision_expense_code": "8470",
    "provision_expense_name": "Dotatie",
    "provision_expense_rgs_code": "WWfaBwvFva",
    "loan_loss_provision_code": "0339",
    "loan_loss_provision_name": "Voorziening",
    "loan_loss_provision_rgs_code": "BFvaOvrOvc",
    **{
        f"{role}_{what}": value
        for number, role in enumerate(
            (
                "equity_investments",
                "other_receivables",
                "paid_in_capital",
                "distributions",
                "unrealised_result",
                "realised_result",
                "dividend_income",
                "grant_expense",
                "guarantee_fee_income",
                "fund_expenses",
            )
        )
        for what, value in (("code", f"9{number:03d}"), ("name", f"Rekening {number} – é"), ("rgs_code", "BVorOvr"))
    },
}


def _ledger(session, ctx):
    rows = session.scalars(select(LedgerAccount).where(LedgerAccount.fund_id == ctx.world.fund_a.id))
    stored = {}
    for row in rows:
        role = row.role.value
        stored.update({f"{role}_code": row.code, f"{role}_name": row.name, f"{role}_rgs_code": row.rgs_code})
    return stored


CASES = [
    FormCase(
        "new direct debit",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/direct-debit-batches/new?collection_date={DAY.isoformat()}",
        lambda ctx: {"collection_date": DAY.isoformat()},
        lambda s, ctx: _batch(s, PaymentBatch.fund_id, ctx.world.fund_a.id),
        lambda ctx: {"kind": BatchKind.DIRECT_DEBIT, "execution_date": STORED, "transactions": True},
        setup=_collecting,
    ),
    FormCase(
        "new disbursement transfer",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/credit-transfer-batches/new?execution_date={DAY.isoformat()}",
        lambda ctx: {"execution_date": DAY.isoformat()},
        lambda s, ctx: _batch(s, PaymentBatch.fund_id, ctx.world.fund_a.id),
        lambda ctx: {"kind": BatchKind.DISBURSEMENTS, "execution_date": STORED, "transactions": True},
        setup=_disbursing,
    ),
    FormCase(
        "new outcome payment transfer",
        "officer_a",
        lambda ctx: f"/payers/{ctx.world.payer_a.id}/credit-transfer-batches/new?execution_date={DAY.isoformat()}",
        lambda ctx: {"execution_date": DAY.isoformat()},
        lambda s, ctx: _batch(s, PaymentBatch.payer_id, ctx.world.payer_a.id),
        lambda ctx: {"kind": BatchKind.OUTCOME_PAYMENTS, "execution_date": STORED, "transactions": True},
        setup=_paying,
    ),
    FormCase(
        "ledger accounts",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/ledger-accounts",
        lambda ctx: LEDGER,
        _ledger,
        lambda ctx: LEDGER,
        resaved=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_batch_and_ledger_forms_is_stored_as_typed(db_session, world, login_as, case):
    assert_round_trip(case, db_session, world, login_as)
