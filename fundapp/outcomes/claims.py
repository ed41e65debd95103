"""Claims: computed by the pricing engine from verified, unclaimed results; decided by the payers' officers; paid.

A claim moves draft → submitted → approved / partly approved / rejected → paid.
Above the dual-approval amount two different officers sign. Approved claims
never change: a correction is a new claim with negative lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from itertools import repeat
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.orm import Session

from fundapp import audit, bulk
from fundapp.auth.models import User
from fundapp.auth.policy import Scope, payer_rows_of
from fundapp.db import utcnow
from fundapp.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from fundapp.gc_pause import paused_gc
from fundapp.impact.periods import Period, PeriodError
from fundapp.messages import N_
from fundapp.money import ZERO
from fundapp.outcomes import pricing, pricing_fast, signals
from fundapp.outcomes.claim_totals import (
    approvable_amounts,
    approvals_needed_of,
    line_counts,
    payer_amounts,
    rejected_total,
)
from fundapp.outcomes.models import (
    Claim,
    ClaimApproval,
    ClaimLine,
    ClaimPayerSplit,
    ClaimStatus,
    ContractStatus,
    LineStatus,
    OutcomeContract,
    OutcomeResult,
    ResultStatus,
    claiming_lines,
)
from fundapp.outcomes.pricing_fast import frozen
from fundapp.outcomes.terms import contract_terms, rule_errors

TRANSITIONS = {
    (ClaimStatus.DRAFT, "submit"): ClaimStatus.SUBMITTED,
    (ClaimStatus.SUBMITTED, "approve"): ClaimStatus.APPROVED,
    (ClaimStatus.SUBMITTED, "approve_partly"): ClaimStatus.PARTLY_APPROVED,
    (ClaimStatus.SUBMITTED, "reject"): ClaimStatus.REJECTED,
    (ClaimStatus.SUBMITTED, "decide_line"): ClaimStatus.SUBMITTED,
    (ClaimStatus.SUBMITTED, "sign"): ClaimStatus.SUBMITTED,
    (ClaimStatus.APPROVED, "pay"): ClaimStatus.PAID,
    (ClaimStatus.PARTLY_APPROVED, "pay"): ClaimStatus.PAID,
}
# Claims whose lines use up caps: what the payer has been asked for or has agreed to pay.
COUNTING = (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.PAID)


# Whole sentences per action, so that a page can show them in the reader's language.
REFUSALS = {
    "submit": N_("Only a draft claim can be submitted."),
    "approve": N_("Only a submitted claim can be approved."),
    "approve_partly": N_("Only a submitted claim can be approved in part."),
    "reject": N_("Only a submitted claim can be rejected."),
    "decide_line": N_("The lines of a claim can only be decided while the claim is submitted."),
    "sign": N_("Only a submitted claim can be signed."),
    "pay": N_("Only an approved claim can be paid."),
}


def next_status(current: ClaimStatus, action: str) -> ClaimStatus:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        if action == "pay" and current == ClaimStatus.PAID:
            raise Conflict("This claim has already been paid.") from None
        raise InvalidTransition(REFUSALS[action]) from None


def approvals_needed(session: Session, claim: Claim, threshold: Decimal) -> int:
    """How many officers sign the claim (the rule is in ``claim_totals.approvals_needed_of``)."""
    return approvals_needed_of(session, [claim], threshold)[claim.id]


def prior_usage(session: Session, contract: OutcomeContract, exclude_claim_id: int | None = None) -> pricing.PriorUsage:
    """What earlier claims of the contract (submitted and later, all providers) already used."""
    query = (
        select(ClaimLine, Claim.investee_id)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(Claim.contract_id == contract.id, Claim.status.in_(COUNTING), ClaimLine.status != LineStatus.REJECTED)
    )
    if exclude_claim_id is not None:
        query = query.where(Claim.id != exclude_claim_id)
    participant_paid: dict[str, Decimal] = {}
    item_units: dict[str, int] = {}
    item_amount: dict[str, Decimal] = {}
    payer_paid: dict[str, Decimal] = {}
    paid_results: dict[tuple[str, str], date] = {}
    contract_paid = ZERO
    for line, investee_id in session.execute(query):
        who = _key(investee_id, line.participant)
        if who:
            participant_paid[who] = participant_paid.get(who, ZERO) + line.payable
            if line.payable >= 0 and line.corrects_line_id is None and line.capped_by not in pricing_refusals():
                assert line.achieved_on is not None  # a participant line prices a dated result (pricing checks it)
                paid_results.setdefault((who, line.item_code), line.achieved_on)
            elif line.corrects_line_id is not None:
                paid_results.pop((who, line.item_code), None)
        item_units[line.item_code] = item_units.get(line.item_code, 0) + line.units_paid
        item_amount[line.item_code] = item_amount.get(line.item_code, ZERO) + line.payable
        contract_paid += line.payable
        for payer, amount in line.by_payer or []:
            payer_paid[payer] = payer_paid.get(payer, ZERO) + Decimal(amount)
    return pricing.PriorUsage(participant_paid, item_units, item_amount, contract_paid, payer_paid, paid_results)


def pricing_refusals() -> set[str]:
    return {"duplicate", "prerequisite_missing"}


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as exc:
        raise ValidationFailed.field("period", str(exc)) from exc


def _key(investee_id: int, participant: str | None) -> str | None:
    """Each provider chooses its own participant references: the engine sees them per provider."""
    return None if participant is None else f"{investee_id}/{participant}"


def _plain(participant: str | None) -> str | None:
    return None if participant is None else participant.split("/", 1)[1]


def compute_claim(
    session: Session, actor: audit.Who, contract: OutcomeContract, investee_id: int, period_text: str
) -> Claim:
    """A draft claim of the provider's verified, unclaimed results achieved in the period."""
    if contract.status == ContractStatus.DRAFT:
        raise InvalidTransition("A draft contract has no claims; simulate it instead.")
    if investee_id not in contract.provider_ids:
        raise ValidationFailed.field("investee_id", "This investee does not provide under the contract.")
    period = _period(period_text)
    # Claims of one contract are computed one at a time (a row lock on PostgreSQL; SQLite has one writer), so
    # two at once cannot both find a result unclaimed: the second reads the first's lines once it has committed.
    _lock_contract(session, contract.id)
    claim = Claim(
        contract_id=contract.id,
        investee_id=investee_id,
        period=str(period),
        status=ClaimStatus.DRAFT,
        created_by_id=getattr(actor, "id", None),
    )
    with paused_gc():  # reading, pricing and storing 100,000 results makes millions of objects and no cycle
        count = _claim_results(session, claim, contract, period)
    audit.record(
        session,
        actor,
        "claim.computed",
        claim,
        {
            "contract_id": [None, contract.id],
            "period": [None, claim.period],
            "results": [None, count],
            "total_payable": [None, claim.total_payable],
        },
    )
    return claim


def _claim_results(session: Session, claim: Claim, contract: OutcomeContract, period: Period) -> int:
    """Price the provider's verified, unclaimed results of the period into the new claim; how many there were.
    What it reads and makes is freed when it returns, before the collector looks at the objects made meanwhile."""
    r = OutcomeResult
    rows = bulk.read_rows(
        session,
        select(*_PRICED).where(
            r.contract_id == contract.id,
            r.investee_id == claim.investee_id,
            r.status == ResultStatus.VERIFIED,
            ~claiming_lines().where(ClaimLine.result_id == r.id).exists(),
            r.achieved_on >= period.start,
            r.achieved_on <= period.end,
        ),
    )
    if not rows:
        raise ValidationFailed.field("period", "There are no verified, unclaimed results in this period.")
    session.add(claim)
    session.flush()
    _price_and_store(session, claim, contract, rows)
    return len(rows)


# What the engine needs of a result, read as plain rows: a claim may price 100,000 of them.
_PRICED = (
    OutcomeResult.id,
    OutcomeResult.item_code,
    OutcomeResult.participant,
    OutcomeResult.achieved_on,
    OutcomeResult.months_on_benefit,
    OutcomeResult.units,
)
LINES_TABLE = cast(Table, ClaimLine.__table__)


def _price_and_store(session: Session, claim: Claim, contract: OutcomeContract, rows: Sequence[Any]) -> None:
    """Price the results (rows of _PRICED) with what other claims already use, and store the lines in bulk."""
    prefix = f"{claim.investee_id}/"  # as _key makes it
    expected = [
        frozen(
            pricing.Result,
            {
                "item": item,
                "participant": None if who is None else prefix + who,
                "achieved_on": on,
                "months_on_benefit": months,
                "units": units,
                "key": str(result_id),
            },
        )
        for result_id, item, who, on, months, units in rows
    ]
    terms, prior = contract_terms(contract), prior_usage(session, contract, claim.id)
    # The lines are stored part by part as they are priced: on PostgreSQL the server stores (and checks the
    # foreign keys of) one part while the next is priced. The JSON is written once per distinct list, and every
    # line's status is "open" as stored (an enum's value).
    as_stored = ("deductions", "by_payer", "status")
    with bulk.column_writer(session, LINES_TABLE, _LINE_COLUMNS, as_stored=as_stored) as write:
        columns = _LineColumns(claim.id)
        try:
            priced = pricing.compute_claim(terms, expected, prior, lambda *part: write(columns.of(*part)))
        except pricing.ContractRuleError as exc:  # raised before any line is priced
            raise rule_errors(exc) from exc
    claim.total_gross, claim.total_deadweight = priced.total_gross, priced.total_deadweight
    claim.total_payable = priced.total_payable
    session.expire(claim, ["lines"])


class _LineColumns:
    """The stored columns of a claim's lines, a part at a time; each distinct JSON text and participant worked
    out once for the whole claim."""

    def __init__(self, claim_id: int):
        self.claim_id = claim_id
        self.texts = _TextMemo()
        self.plain = _PlainMemo()

    def of(self, lines: Sequence[pricing.ClaimLine], start: int, stop: int) -> dict[str, Iterable[Any]]:
        """The columns of the lines from start to stop, read off them in C (attrgetter, map) rather than line
        by line."""
        part, count = slice(start, stop), stop - start

        def field(name: str) -> Iterable[Any]:
            return pricing_fast.column(lines, name, part)

        return {
            "claim_id": repeat(self.claim_id, count),
            "position": range(start, stop),
            "result_id": map(int, field("result_key")),  # _price_and_store keys every result by its id
            "corrects_line_id": repeat(None, count),
            "item_code": field("item"),
            "participant": map(self.plain.__getitem__, field("participant")),
            "achieved_on": field("achieved_on"),
            "units": field("units"),
            "units_paid": field("units_paid"),
            "price": field("price"),
            "band": field("band"),
            "gross": field("gross"),
            "deadweight": field("deadweight"),
            "deductions": self.as_json(field("deductions")),
            "capped_by": field("capped_by"),
            "payable": field("payable"),
            "by_payer": self.as_json(field("by_payer")),
            "status": repeat(LineStatus.OPEN.value, count),
            "rejection_reason": repeat("", count),
        }

    def as_json(self, pairs_of_lines: Iterable[tuple[tuple[str, Decimal], ...]]) -> Iterable[str]:
        """Each line's list of (name, amount) pairs as the JSON text the column stores. A claim's lines repeat
        few of them (the engine hands the same tuple to every line with the same amounts): each distinct tuple
        is written once, and every line's text looked up by the tuple's id in C."""
        column = list(pairs_of_lines)  # holds every tuple until the texts are read, so no id is reused meanwhile
        distinct = dict(zip(map(id, column), column, strict=True))
        # Keyed by the amounts' text (1.0 and 1.00 are equal Decimals but not the same JSON), for lines priced
        # by the rules, which do not share their tuples.
        texts = self.texts
        text_of = {at: texts[tuple((name, str(amount)) for name, amount in pairs)] for at, pairs in distinct.items()}
        return map(text_of.__getitem__, map(id, column))


class _TextMemo(dict[tuple[tuple[str, str], ...], str]):
    def __missing__(self, pairs: tuple[tuple[str, str], ...]) -> str:
        self[pairs] = text = json.dumps([list(pair) for pair in pairs])
        return text


class _PlainMemo(dict[str | None, str | None]):
    """Each provider's participant reference back as the provider wrote it (see _key), worked out once."""

    def __missing__(self, participant: str | None) -> str | None:
        self[participant] = plain = _plain(participant)
        return plain


# The columns a claim's lines are stored in, in the order _LineColumns gives them.
_LINE_COLUMNS = tuple(_LineColumns(0).of((), 0, 0))


def _reprice(session: Session, claim: Claim) -> None:
    """Price a draft again against the caps as they stand now (another claim may have used them since)."""
    _lock_contract(session, claim.contract_id)  # as compute_claim: its lines are replaced
    with paused_gc():  # as compute_claim
        _reprice_results(session, claim)


def _reprice_results(session: Session, claim: Claim) -> None:
    of_claim = OutcomeResult.id.in_(select(ClaimLine.result_id).where(ClaimLine.claim_id == claim.id))
    rows = bulk.read_rows(session, select(*_PRICED).where(of_claim).order_by(OutcomeResult.id))
    if not rows:
        return
    session.execute(delete(ClaimLine).where(ClaimLine.claim_id == claim.id))
    session.expire(claim, ["lines"])
    _price_and_store(session, claim, claim.contract, rows)


def discard_draft(session: Session, actor: audit.Who, claim: Claim) -> None:
    if claim.status != ClaimStatus.DRAFT:
        raise InvalidTransition("Only a draft claim can be discarded.")
    audit.record(session, actor, "claim.discarded", claim, {"status": ["draft", None]})
    session.delete(claim)
    session.flush()


def _lock_contract(session: Session, contract_id: int) -> None:
    session.execute(select(OutcomeContract.id).where(OutcomeContract.id == contract_id).with_for_update())


def _reject_results(session: Session, lines: Sequence[ClaimLine]) -> None:
    """The results of lines an officer rejected are rejected too, each with the officer's reason."""
    reasons = {line.result_id: line.rejection_reason for line in lines if line.result_id is not None}
    for result in session.scalars(select(OutcomeResult).where(OutcomeResult.id.in_(list(reasons)))):
        result.status = ResultStatus.REJECTED
        result.rejection_reason = reasons[result.id]


def submit(session: Session, actor: audit.Who, claim: Claim, threshold: Decimal) -> Claim:
    next_status(claim.status, "submit")
    if claim.corrects_claim_id is None:
        # Caps count submitted claims: price again, in case another claim was submitted since this one was drafted.
        _reprice(session, claim)
    claim.status = ClaimStatus.SUBMITTED
    claim.submitted_at = utcnow()
    # The threshold in force when the claim reaches the payer decides at least how many officers sign it.
    claim.approvals_required = approvals_needed(session, claim, threshold)
    session.flush()
    audit.record(
        session,
        actor,
        "claim.submitted",
        claim,
        {"status": ["draft", "submitted"], "total_payable": [None, claim.total_payable]},
    )
    signals.claim_submitted.send(claim, session=session)
    return claim


def officer_payer(claim: Claim, scope: Scope) -> int:
    rows = [row for row in payer_rows_of(scope, claim.contract) if row.accepted_at is not None]
    if not rows:
        raise Forbidden("Only an officer of a payer of this contract decides on its claims.")
    return rows[0].payer_id


def reject_line(session: Session, actor: User, scope: Scope, claim: Claim, line: ClaimLine, reason: str) -> Claim:
    next_status(claim.status, "decide_line")
    officer_payer(claim, scope)
    if claim.approvals:
        raise Conflict("An officer has already signed this claim; lines cannot change now.")
    if line.status == LineStatus.REJECTED:
        raise Conflict("This line is already rejected.")
    line.status = LineStatus.REJECTED
    line.rejection_reason = reason
    # What the claim asks the payers for leaves the rejected line out, on every page and in every answer.
    claim.total_payable -= line.payable
    claim.decided_at = utcnow()  # touches the claim, so its version guards against concurrent decisions
    session.flush()
    audit.record(
        session,
        actor,
        "claim.line_rejected",
        claim,
        {
            "line_id": [None, line.id],
            "reason": [None, reason],
            "total_payable": [claim.total_payable + line.payable, claim.total_payable],
        },
    )
    return claim


def approve(session: Session, actor: User, scope: Scope, claim: Claim, threshold: Decimal) -> Claim:
    """An officer's signature; the claim is approved once enough different officers have signed."""
    next_status(claim.status, "sign")
    payer_id = officer_payer(claim, scope)
    if any(a.user_id == actor.id for a in claim.approvals):
        raise Conflict("You have already signed this claim; a second, different officer must co-sign.")
    # Approvals of one contract take turns (a row lock on PostgreSQL), so two claims for the same provider and
    # period cannot each pass alone with one signature at the same moment.
    _lock_contract(session, claim.contract_id)
    claim.approvals.append(ClaimApproval(user_id=actor.id, payer_id=payer_id))
    needed = approvals_needed(session, claim, threshold)
    before = claim.status
    if len(claim.approvals) >= needed:
        _finish_approval(session, claim)
    claim.decided_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "claim.signed",
        claim,
        {
            "status": [before, claim.status],
            "signatures": [len(claim.approvals) - 1, len(claim.approvals)],
            "needed": [None, needed],
        },
    )
    if claim.status != before:
        signals.claim_decided.send(claim, session=session)
    return claim


def _finish_approval(session: Session, claim: Claim) -> None:
    """The claim approved (or partly): its open lines approved and its payers' splits made, in the database. A
    claim may have 100,000 lines: loading and changing them one by one took 9 s."""
    rejected_count, _amount = rejected_total(session, claim.id)
    if rejected_count == line_counts(session, [claim.id])[claim.id]:
        raise InvalidTransition("Every line is rejected: reject the claim instead of approving it.")
    _set_line_status(session, claim, LineStatus.APPROVED, ClaimLine.status == LineStatus.OPEN)
    claim.status = next_status(claim.status, "approve_partly" if rejected_count else "approve")
    claim.approved_amount = approvable_amounts(session, [claim.id])[claim.id]
    # The provider sees on each result why the payer refused it: the officer's own words on its line. The
    # officer rejects lines one by one, so these are few.
    rejected = select(ClaimLine).where(ClaimLine.claim_id == claim.id, ClaimLine.status == LineStatus.REJECTED)
    _reject_results(session, session.scalars(rejected).all())
    claim.splits = _splits(session, claim)


def _set_line_status(session: Session, claim: Claim, status: LineStatus, *where: Any) -> None:
    """Every line of the claim (matching ``where``) given ``status`` by one UPDATE; lines already loaded follow."""
    session.execute(update(ClaimLine).where(ClaimLine.claim_id == claim.id, *where).values(status=status))


def _splits(session: Session, claim: Claim) -> list[ClaimPayerSplit]:
    """Each payer's part of the approved lines (every payer of the contract, 0 where it has none)."""
    totals: dict[int, Decimal] = {p.payer_id: ZERO for p in claim.contract.payers}
    approved = ClaimLine.claim_id == claim.id, ClaimLine.status == LineStatus.APPROVED
    for payer, amount in payer_amounts(session, ClaimLine.claim_id, *approved).get(claim.id, {}).items():
        totals[int(payer)] = totals.get(int(payer), ZERO) + amount
    return [ClaimPayerSplit(payer_id=payer_id, amount=amount) for payer_id, amount in totals.items()]


def reject(session: Session, actor: User, scope: Scope, claim: Claim, reason: str) -> Claim:
    next_status(claim.status, "reject")
    officer_payer(claim, scope)
    claim.status = ClaimStatus.REJECTED
    asked = claim.total_payable
    claim.rejection_reason = reason
    claim.decided_at = utcnow()
    _set_line_status(session, claim, LineStatus.REJECTED)
    claim.total_payable = ZERO  # every line is rejected (its results are free to claim again): nothing is asked
    session.flush()
    audit.record(
        session,
        actor,
        "claim.rejected",
        claim,
        {"status": ["submitted", "rejected"], "reason": [None, reason], "total_payable": [asked, ZERO]},
    )
    signals.claim_decided.send(claim, session=session)
    return claim


def correct(session: Session, actor: audit.Who, claim: Claim, line_ids: list[int], reason: str) -> Claim:
    """A new draft claim with negative lines that take back approved lines of an approved or paid claim."""
    if claim.status not in (ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.PAID):
        raise InvalidTransition(
            "Only an approved or paid claim is corrected; change a draft or reject a submitted one."
        )
    # The chosen lines only, in the claim's order: a claim may have 100,000 lines.
    chosen = select(ClaimLine).where(ClaimLine.claim_id == claim.id, ClaimLine.id.in_(set(line_ids)))
    lines = session.scalars(chosen.order_by(ClaimLine.position)).all()
    if len(lines) != len(set(line_ids)) or any(line.status != LineStatus.APPROVED for line in lines):
        raise ValidationFailed.field("line_ids", "Choose approved lines of this claim.")
    corrected = session.scalars(select(ClaimLine.corrects_line_id).where(ClaimLine.corrects_line_id.in_(line_ids)))
    already = {line_id for line_id in corrected if line_id is not None}
    if already:
        raise Conflict(
            "Some of these lines were already corrected.", [{"field": "line_ids", "message": str(sorted(already))}]
        )
    correction = Claim(
        contract_id=claim.contract_id,
        investee_id=claim.investee_id,
        period=claim.period,
        status=ClaimStatus.DRAFT,
        corrects_claim_id=claim.id,
        note=reason,
        created_by_id=getattr(actor, "id", None),
    )
    correction.lines = [
        ClaimLine(
            position=i,
            result_id=None,
            corrects_line_id=line.id,
            item_code=line.item_code,
            participant=line.participant,
            achieved_on=line.achieved_on,
            units=-line.units,
            units_paid=-line.units_paid,
            price=line.price,
            band=line.band,
            gross=-line.gross,
            deadweight=-line.deadweight,
            deductions=[["correction", reason]],
            capped_by=None,
            payable=-line.payable,
            by_payer=[[p, str(-Decimal(a))] for p, a in line.by_payer or []],
            status=LineStatus.OPEN,
        )
        for i, line in enumerate(lines)
    ]
    correction.total_gross = sum((line.gross for line in correction.lines), ZERO)
    correction.total_deadweight = sum((line.deadweight for line in correction.lines), ZERO)
    correction.total_payable = sum((line.payable for line in correction.lines), ZERO)
    session.add(correction)
    session.flush()
    audit.record(
        session,
        actor,
        "claim.correction_drafted",
        correction,
        {"corrects_claim_id": [None, claim.id], "lines": [None, line_ids], "reason": [None, reason]},
    )
    return correction
