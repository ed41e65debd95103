"""Who may see and do what, one definition per rule (see ``core``). Named sets of rows first, then the rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from fundapp.auth.policy.core import ids_in, rule
from fundapp.auth.policy.scope import Scope
from fundapp.banking.models import (
    BankAccount,
    BankStatement,
    BankTransaction,
    Mandate,
    PaymentBatch,
    TransactionStatus,
)
from fundapp.capital.models import CapitalCall, Investor
from fundapp.cofinancing.models import FinancingRound, LoanParticipation, RoundParticipant
from fundapp.funds.models import Fund
from fundapp.impact.models import Indicator, Submission
from fundapp.investees.models import Investee, Label
from fundapp.loans.models import Loan, LoanEvent
from fundapp.outcomes.models import (
    Claim,
    ContractPayer,
    ContractProvider,
    ContractStatus,
    OutcomeContract,
    OutcomeResult,
    PaymentAssignment,
    RateCard,
)
from fundapp.payers.models import OutcomePayer
from fundapp.portfolio_import.models import PortfolioImport
from fundapp.reports.models import ReportFile

# --- named sets (subqueries) ------------------------------------------------------------------------------------


def own_investees(scope: Scope) -> Any:
    """Investees the user acts for: as a manager of their fund or as their own member."""
    return select(Investee.id).where(
        or_(ids_in(Investee.fund_id, scope.fund_ids), ids_in(Investee.id, scope.investee_ids))
    )


def named_payer_contracts(scope: Scope) -> Any:
    """Contracts that name one of the user's payers, accepted or still an invitation."""
    return select(ContractPayer.contract_id).where(ids_in(ContractPayer.payer_id, scope.payer_ids))


def accepted_payer_contracts(scope: Scope) -> Any:
    """Contracts in which one of the user's payers accepted its share: their claims and results are its business."""
    return select(ContractPayer.contract_id).where(
        ids_in(ContractPayer.payer_id, scope.payer_ids), ContractPayer.accepted_at.is_not(None)
    )


def named_provider_contracts(scope: Scope) -> Any:
    return select(ContractProvider.contract_id).where(ContractProvider.investee_id.in_(own_investees(scope)))


def accepted_provider_contracts(scope: Scope) -> Any:
    return select(ContractProvider.contract_id).where(
        ContractProvider.investee_id.in_(own_investees(scope)), ContractProvider.accepted_at.is_not(None)
    )


def contracted_investees(scope: Scope) -> Any:
    """Investees linked to one of the user's payers: both accepted a contract that has started. A draft, or a
    party that has not accepted, grants nothing."""
    return (
        select(ContractProvider.investee_id)
        .join(ContractPayer, ContractPayer.contract_id == ContractProvider.contract_id)
        .join(OutcomeContract, OutcomeContract.id == ContractProvider.contract_id)
        .where(
            ids_in(ContractPayer.payer_id, scope.payer_ids),
            ContractPayer.accepted_at.is_not(None),
            ContractProvider.accepted_at.is_not(None),
            OutcomeContract.status != ContractStatus.DRAFT,
        )
    )


# --- funds, investees, payers -----------------------------------------------------------------------------------


@rule(Fund, "view")
@rule(Fund, "edit")
def _fund(scope: Scope) -> ColumnElement[bool]:
    return ids_in(Fund.id, scope.fund_ids)


@rule(Fund, "loosen_controls")
def _fund_loosen_controls(scope: Scope) -> ColumnElement[bool]:
    """Raising or removing the disbursement threshold (maker-checker) is not for the managers it holds back: an
    administrator's. The fund's managers may set it or lower it (``fundapp.funds.services``)."""
    return false()


@rule(ReportFile, "view", admin_bypass=False)
def _report_file(scope: Scope) -> ColumnElement[bool]:
    """A report file, its progress and its download are for who asked for it, while they may read the fund's report."""
    return and_(ids_in(ReportFile.fund_id, scope.fund_ids), ReportFile.requested_by_id == scope.user_id)


# A portfolio import is seen by whoever may import into its fund (the Fund "edit" rule): its managers.
@rule(PortfolioImport, "view")
def _portfolio_import(scope: Scope) -> ColumnElement[bool]:
    return ids_in(PortfolioImport.fund_id, scope.fund_ids)


@rule(Investee, "view")
def _investee_view(scope: Scope) -> ColumnElement[bool]:
    return or_(
        ids_in(Investee.fund_id, scope.fund_ids),
        ids_in(Investee.id, scope.investee_ids),
        Investee.id.in_(contracted_investees(scope)),
    )


@rule(Investee, "participants", admin_bypass=False)
def _investee_participants(scope: Scope) -> ColumnElement[bool]:
    """Participant rows are personal data: the investee, its fund's managers, the payers it provides for."""
    return _investee_view(scope)


@rule(Investee, "edit")
def _investee_edit(scope: Scope) -> ColumnElement[bool]:
    return ids_in(Investee.fund_id, scope.fund_ids)


@rule(Investee, "invite")
def _investee_invite(scope: Scope) -> ColumnElement[bool]:
    """Who invites the investee's members: its fund's managers (and an administrator)."""
    return ids_in(Investee.fund_id, scope.fund_ids)


@rule(Investee, "report")
def _investee_report(scope: Scope) -> ColumnElement[bool]:
    """Who uploads and submits the investee's KPI reports: its members and its fund's managers."""
    return Investee.id.in_(own_investees(scope))


@rule(Investee, "support")
def _investee_support(scope: Scope) -> ColumnElement[bool]:
    """Its growth levels and the support it got: the fund's business and the investee's own, not a payer's."""
    return Investee.id.in_(own_investees(scope))


@rule(Label, "view")
def _label_view(scope: Scope) -> ColumnElement[bool]:
    return Label.investee_id.in_(select(Investee.id).where(_investee_view(scope)))


@rule(Label, "edit")
def _label_edit(scope: Scope) -> ColumnElement[bool]:
    return Label.investee_id.in_(select(Investee.id).where(_investee_edit(scope)))


@rule(OutcomePayer, "view")
@rule(OutcomePayer, "edit")
def _payer(scope: Scope) -> ColumnElement[bool]:
    return ids_in(OutcomePayer.id, scope.payer_ids)


@rule(OutcomePayer, "invite")
def _payer_invite(scope: Scope) -> ColumnElement[bool]:
    """An officer invites colleagues of their own payer; an administrator invites a new payer's first officer."""
    return ids_in(OutcomePayer.id, scope.payer_ids)


# --- loans --------------------------------------------------------------------------------------------------------


@rule(Loan, "view")
def _loan_view(scope: Scope) -> ColumnElement[bool]:
    """Its fund's managers, the enterprise's members, and the managers of a fund with a share of it (read-only:
    the lead fund services it)."""
    return or_(
        ids_in(Loan.fund_id, scope.fund_ids),
        ids_in(Loan.investee_id, scope.investee_ids),
        Loan.id.in_(select(LoanParticipation.loan_id).where(ids_in(LoanParticipation.fund_id, scope.fund_ids))),
    )


@rule(Loan, "edit")
def _loan_edit(scope: Scope) -> ColumnElement[bool]:
    return ids_in(Loan.fund_id, scope.fund_ids)


@rule(LoanEvent, "view")
def _loan_event_view(scope: Scope) -> ColumnElement[bool]:
    return LoanEvent.loan_id.in_(select(Loan.id).where(_loan_view(scope)))


@rule(LoanEvent, "edit")
def _loan_event_edit(scope: Scope) -> ColumnElement[bool]:
    return LoanEvent.loan_id.in_(select(Loan.id).where(_loan_edit(scope)))


# --- co-financing ---------------------------------------------------------------------------------------------


@rule(FinancingRound, "view")
def _round_view(scope: Scope) -> ColumnElement[bool]:
    """The funds named in it see the round, its parties' names and amounts (not their books); and the enterprise."""
    return or_(
        FinancingRound.id.in_(
            select(RoundParticipant.round_id).where(ids_in(RoundParticipant.fund_id, scope.fund_ids))
        ),
        ids_in(FinancingRound.investee_id, scope.investee_ids),
    )


# --- money through the bank ------------------------------------------------------------------------------------


def own_accounts(scope: Scope) -> Any:
    """The accounts whose statements and transactions are the user's work: its funds' (the managers', and an
    administrator's, as the funds' loans are), and its payers' (the officers' only, as the payer's batches are)."""
    return select(BankAccount.id).where(
        or_(
            ids_in(BankAccount.fund_id, scope.fund_ids),
            ids_in(BankAccount.payer_id, scope.payer_ids),
            BankAccount.fund_id.is_not(None) if scope.is_admin else false(),
        )
    )


@rule(BankAccount, "view")
def _bank_account_view(scope: Scope) -> ColumnElement[bool]:
    """A fund's accounts to its managers, an investee's to its fund's managers and its members, a payer's to
    its officers."""
    return or_(
        ids_in(BankAccount.fund_id, scope.fund_ids),
        BankAccount.investee_id.in_(own_investees(scope)),
        ids_in(BankAccount.payer_id, scope.payer_ids),
    )


@rule(BankAccount, "edit")
def _bank_account_edit(scope: Scope) -> ColumnElement[bool]:
    return or_(
        ids_in(BankAccount.fund_id, scope.fund_ids),
        BankAccount.investee_id.in_(select(Investee.id).where(ids_in(Investee.fund_id, scope.fund_ids))),
        ids_in(BankAccount.payer_id, scope.payer_ids),
    )


@rule(Mandate, "view")
def _mandate_view(scope: Scope) -> ColumnElement[bool]:
    """The fund's managers, and the investee that signed it."""
    return or_(
        ids_in(Mandate.fund_id, scope.fund_ids),
        Mandate.loan_id.in_(select(Loan.id).where(ids_in(Loan.investee_id, scope.investee_ids))),
    )


@rule(Mandate, "edit")
def _mandate_edit(scope: Scope) -> ColumnElement[bool]:
    return ids_in(Mandate.fund_id, scope.fund_ids)


@rule(BankStatement, "view", admin_bypass=False)
@rule(BankStatement, "edit", admin_bypass=False)
def _bank_statement(scope: Scope) -> ColumnElement[bool]:
    return BankStatement.bank_account_id.in_(own_accounts(scope))


@rule(BankTransaction, "view", admin_bypass=False)
def _bank_transaction_view(scope: Scope) -> ColumnElement[bool]:
    """The account's owners; an investee reads the installments collected from it (booked on its loans)."""
    return or_(
        BankTransaction.bank_account_id.in_(own_accounts(scope)),
        and_(
            BankTransaction.status == TransactionStatus.BOOKED,
            BankTransaction.proposal_loan_id.in_(select(Loan.id).where(ids_in(Loan.investee_id, scope.investee_ids))),
        ),
    )


@rule(BankTransaction, "edit", admin_bypass=False)
def _bank_transaction_edit(scope: Scope) -> ColumnElement[bool]:
    return BankTransaction.bank_account_id.in_(own_accounts(scope))


# --- impact -------------------------------------------------------------------------------------------------------


@rule(Submission, "view")
def _submission_view(scope: Scope) -> ColumnElement[bool]:
    return Submission.investee_id.in_(select(Investee.id).where(_investee_view(scope)))


@rule(Submission, "submit")
def _submission_submit(scope: Scope) -> ColumnElement[bool]:
    return Submission.investee_id.in_(own_investees(scope))


@rule(Submission, "review")
def _submission_review(scope: Scope) -> ColumnElement[bool]:
    return Submission.investee_id.in_(select(Investee.id).where(ids_in(Investee.fund_id, scope.fund_ids)))


@rule(Indicator, "view")
def _indicator_view(scope: Scope) -> ColumnElement[bool]:
    """The shared catalog, and the indicators of the user's funds (a member: of its enterprise's fund)."""
    return or_(
        Indicator.fund_id.is_(None),
        ids_in(Indicator.fund_id, scope.fund_ids),
        Indicator.fund_id.in_(select(Investee.fund_id).where(ids_in(Investee.id, scope.investee_ids))),
    )


@rule(Fund, "add_indicator")
def _fund_add_indicator(scope: Scope) -> ColumnElement[bool]:
    return ids_in(Fund.id, scope.fund_ids)


# --- result financing ---------------------------------------------------------------------------------------------


@rule(RateCard, "view")
@rule(RateCard, "edit")
def _rate_card(scope: Scope) -> ColumnElement[bool]:
    return ids_in(RateCard.payer_id, scope.payer_ids)


@rule(OutcomeContract, "view")
def _contract_view(scope: Scope) -> ColumnElement[bool]:
    """The parties named in it (to read an invitation before accepting it) and its validators."""
    return or_(
        OutcomeContract.id.in_(named_payer_contracts(scope)),
        OutcomeContract.id.in_(named_provider_contracts(scope)),
        ids_in(OutcomeContract.id, scope.contract_ids),
    )


@rule(OutcomeContract, "edit", admin_bypass=False)
def _contract_edit(scope: Scope) -> ColumnElement[bool]:
    """Start or close: an officer of a payer that accepted (closing further needs every payer, see services)."""
    return OutcomeContract.id.in_(accepted_payer_contracts(scope))


@rule(OutcomeContract, "claim")
def _contract_claim(scope: Scope) -> ColumnElement[bool]:
    """The providers' side (their fund's managers, their members) records results and computes claims."""
    return OutcomeContract.id.in_(accepted_provider_contracts(scope))


@rule(ContractPayer, "view")
def _payer_row_view(scope: Scope) -> ColumnElement[bool]:
    return ContractPayer.contract_id.in_(select(OutcomeContract.id).where(_contract_view(scope)))


@rule(ContractProvider, "view")
def _provider_row_view(scope: Scope) -> ColumnElement[bool]:
    return ContractProvider.contract_id.in_(select(OutcomeContract.id).where(_contract_view(scope)))


@rule(ContractPayer, "accept", admin_bypass=False)
def _payer_accept(scope: Scope) -> ColumnElement[bool]:
    return ids_in(ContractPayer.payer_id, scope.payer_ids)


@rule(ContractProvider, "accept", admin_bypass=False)
def _provider_accept(scope: Scope) -> ColumnElement[bool]:
    return ContractProvider.investee_id.in_(own_investees(scope))


def _outcome_parties(scope: Scope, model: Any) -> ColumnElement[bool]:
    """The one rule for a result and for a claim on it: the contract's accepted payers, the provider's side,
    the contract's validators."""
    return or_(
        model.contract_id.in_(accepted_payer_contracts(scope)),
        model.investee_id.in_(own_investees(scope)),
        ids_in(model.contract_id, scope.contract_ids),
    )


@rule(OutcomeResult, "view")
def _result_view(scope: Scope) -> ColumnElement[bool]:
    return _outcome_parties(scope, OutcomeResult)


@rule(Claim, "view")
def _claim_view(scope: Scope) -> ColumnElement[bool]:
    return _outcome_parties(scope, Claim)


@rule(OutcomeResult, "verify", admin_bypass=False)
def _result_verify(scope: Scope) -> ColumnElement[bool]:
    """Whoever pays verifies, or the contract's independent validator; never the lender alone."""
    return or_(
        OutcomeResult.contract_id.in_(accepted_payer_contracts(scope)),
        ids_in(OutcomeResult.contract_id, scope.contract_ids),
    )


@rule(Claim, "submit")
def _claim_submit(scope: Scope) -> ColumnElement[bool]:
    return Claim.investee_id.in_(own_investees(scope))


@rule(Claim, "decide", admin_bypass=False)
def _claim_decide(scope: Scope) -> ColumnElement[bool]:
    """Deciding on public money is for the officers of the contract's payers that accepted it."""
    return Claim.contract_id.in_(accepted_payer_contracts(scope))


@rule(Claim, "correct")
def _claim_correct(scope: Scope) -> ColumnElement[bool]:
    return or_(_claim_submit(scope), _claim_decide(scope))


@rule(PaymentAssignment, "view")
def _assignment_view(scope: Scope) -> ColumnElement[bool]:
    """A provider's payments assigned to its loan: the contract's payers (they consent and pay the fund), the
    provider's side, and whoever sees the loan. Another provider of the same contract, or a validator, does
    not see which loan of someone else's is repaid from the payments."""
    return or_(
        PaymentAssignment.contract_id.in_(named_payer_contracts(scope)),
        PaymentAssignment.investee_id.in_(own_investees(scope)),
        PaymentAssignment.loan_id.in_(select(Loan.id).where(_loan_view(scope))),
    )


# --- payment batches ------------------------------------------------------------------------------------------


@rule(OutcomePayer, "pay_claims", admin_bypass=False)
def _payer_pays_claims(scope: Scope) -> ColumnElement[bool]:
    """Paying out public money is for the payer's own officers: an administrator is not one."""
    return ids_in(OutcomePayer.id, scope.payer_ids)


@rule(PaymentBatch, "view", admin_bypass=False)
@rule(PaymentBatch, "edit", admin_bypass=False)
def _payment_batch(scope: Scope) -> ColumnElement[bool]:
    """A fund's batches are its managers' (and an administrator's, as its loans are); a payer's outcome
    payments are its officers' only."""
    return or_(
        ids_in(PaymentBatch.fund_id, scope.fund_ids),
        ids_in(PaymentBatch.payer_id, scope.payer_ids),
        PaymentBatch.fund_id.is_not(None) if scope.is_admin else false(),
    )


# --- roles (for routes without an object) ----------------------------------------------------------------------


def is_manager_or_admin(scope: Scope) -> bool:
    return scope.is_admin or scope.is_fund_manager


def is_officer_or_admin(scope: Scope) -> bool:
    return scope.is_admin or scope.is_payer_officer


def is_provider_side(scope: Scope) -> bool:
    return scope.is_admin or scope.is_fund_manager or scope.is_investee_member


def verifies_results(scope: Scope) -> bool:
    return scope.is_payer_officer or scope.is_validator


def sees_results(scope: Scope) -> bool:
    return scope.is_admin or scope.is_fund_manager or scope.is_payer_officer or scope.is_validator


def acting_payers(scope: Scope) -> ColumnElement[bool]:
    """The payers a user may act for when setting something up (an administrator: any)."""
    return OutcomePayer.id.is_not(None) if scope.is_admin else ids_in(OutcomePayer.id, scope.payer_ids)


def acting_providers(scope: Scope, contract: OutcomeContract) -> list[ContractProvider]:
    """The contract's accepted providers the user acts for: their own enterprise, or their fund's."""
    return [
        p
        for p in contract.providers
        if p.accepted_at is not None
        and (scope.is_admin or p.investee_id in scope.investee_ids or p.investee.fund_id in scope.fund_ids)
    ]


def payer_rows_of(scope: Scope, contract: OutcomeContract) -> list[ContractPayer]:
    """The contract's payer rows an officer acts for (an officer may serve two payers of one contract)."""
    return [p for p in contract.payers if p.payer_id in scope.payer_ids]


def provider_rows_of(scope: Scope, contract: OutcomeContract) -> list[ContractProvider]:
    """The contract's provider rows a fund manager or member answers for."""
    return [
        p for p in contract.providers if p.investee_id in scope.investee_ids or p.investee.fund_id in scope.fund_ids
    ]


def attached_it(scope: Scope, uploaded_by_id: int | None) -> bool:
    """Whether the user attached this document, or is an administrator: on an object several parties share (a
    contract, a result, a claim) only they take a document away (fundapp.documents.services.may_delete)."""
    return scope.is_admin or (uploaded_by_id is not None and uploaded_by_id == scope.user_id)


def payers_represented(scope: Scope, payer_ids: Iterable[int]) -> set[int]:
    """Which of these payers the user is an officer of (an administrator represents none)."""
    return set(payer_ids) & scope.payer_ids


def may_set_up_contract(scope: Scope, payer_ids: Iterable[int]) -> bool:
    """A contract an officer sets up includes their own payer; an administrator may set one up for any payers."""
    return scope.is_admin or bool(payers_represented(scope, payer_ids))


def takes_part(scope: Scope, fund_ids: Iterable[int]) -> bool:
    """Who records a financing round: a manager of a fund named in it (an administrator: any round)."""
    return scope.is_admin or bool(set(fund_ids) & scope.fund_ids)


def sees_the_whole_system(scope: Scope) -> bool:
    """The administrator's view: counts of everything, for running the installation."""
    return scope.is_admin


def may_add_shared_indicator(scope: Scope) -> bool:
    """The shared catalog is the administrator's; a fund manager adds to their own fund's catalog."""
    return scope.is_admin


def memberships(scope: Scope, model: Any) -> ColumnElement[bool]:
    """The funds, payers, investees or validated contracts the user belongs to (for their own dashboard; not what an
    admin may see)."""
    column, ids = {
        Fund: (Fund.id, scope.fund_ids),
        OutcomePayer: (OutcomePayer.id, scope.payer_ids),
        Investee: (Investee.id, scope.investee_ids),
        OutcomeContract: (OutcomeContract.id, scope.contract_ids),
    }[model]
    return ids_in(column, ids)


def investee_choices(scope: Scope) -> ColumnElement[bool]:
    """Investees the user may open a loan or an impact plan for (its fund's)."""
    return Investee.id.is_not(None) if scope.is_admin else ids_in(Investee.fund_id, scope.fund_ids)


def fund_choices(scope: Scope) -> ColumnElement[bool]:
    return Fund.id.is_not(None) if scope.is_admin else ids_in(Fund.id, scope.fund_ids)


# --- the fund's capital: its managers only --------------------------------------------------------------------


@rule(Investor, "view")
@rule(Investor, "edit")
def _investor(scope: Scope) -> ColumnElement[bool]:
    return ids_in(Investor.fund_id, scope.fund_ids)


@rule(CapitalCall, "view")
def _capital_call(scope: Scope) -> ColumnElement[bool]:
    return ids_in(CapitalCall.fund_id, scope.fund_ids)
