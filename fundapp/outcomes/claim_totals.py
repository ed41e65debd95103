"""Totals over claim lines, added up by the database: a claim may have 100,000 lines, and no page, answer or
budget loads them all to add them up."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from fundapp.money import ZERO
from fundapp.outcomes.models import Claim, ClaimLine, ClaimStatus, LineStatus

APPROVED = (ClaimStatus.APPROVED, ClaimStatus.PARTLY_APPROVED, ClaimStatus.PAID)
CLAIMED = (ClaimStatus.SUBMITTED, *APPROVED)
NOT_REJECTED = ClaimLine.status != LineStatus.REJECTED


def line_counts(session: Session, claim_ids: list[int]) -> dict[int, int]:
    rows = session.execute(
        select(ClaimLine.claim_id, func.count()).where(ClaimLine.claim_id.in_(claim_ids)).group_by(ClaimLine.claim_id)
    )
    return dict.fromkeys(claim_ids, 0) | dict(rows.all())


def approvable_amounts(session: Session, claim_ids: list[int]) -> dict[int, Decimal]:
    """What each claim asks for: the payable amounts of its lines the payer has not rejected."""
    rows = session.execute(
        select(ClaimLine.claim_id, func.sum(ClaimLine.payable))
        .where(ClaimLine.claim_id.in_(claim_ids), NOT_REJECTED)
        .group_by(ClaimLine.claim_id)
    )
    return dict.fromkeys(claim_ids, ZERO) | {claim_id: amount or ZERO for claim_id, amount in rows}


def rejected_total(session: Session, claim_id: int) -> tuple[int, Decimal]:
    """How many of the claim's lines the payer rejected, and the payable amount they would have had."""
    count, amount = session.execute(
        select(func.count(), func.sum(ClaimLine.payable)).where(
            ClaimLine.claim_id == claim_id, ClaimLine.status == LineStatus.REJECTED
        )
    ).one()
    return count, amount or ZERO


def payer_amounts(session: Session, key: Any, *where: Any) -> dict[Any, dict[str, Decimal]]:
    """Each payer's part (keyed by payer id, as the lines store it) of the lines matching ``where``, per ``key``
    (a column of ClaimLine or Claim). The database groups the lines by their split and counts them; each distinct
    split is then multiplied by its count in exact decimals (no database adds decimal text exactly on SQLite)."""
    split = cast(ClaimLine.by_payer, Text)
    rows = session.execute(
        select(key, split, func.count())
        .select_from(ClaimLine)
        .join(Claim, Claim.id == ClaimLine.claim_id)
        .where(*where)
        .group_by(key, split)
    )
    totals: dict[Any, dict[str, Decimal]] = defaultdict(dict)
    for owner, text, count in rows:
        for payer, amount in json.loads(text or "null") or []:
            totals[owner][payer] = totals[owner].get(payer, ZERO) + Decimal(amount) * count
    return totals


def approvals_needed_of(session: Session, claims: Iterable[Claim], threshold: Decimal) -> dict[int, int]:
    """Two officers sign when a claim, added to what is already approved for the same contract, provider and period,
    exceeds the threshold: splitting a claim never avoids the second signature. A requirement fixed at submission
    (under the threshold then in force) never goes down. Three queries for any number of claims."""
    claims = list(claims)
    approvable = approvable_amounts(session, [c.id for c in claims])
    alongside = _approved_alongside(session, claims)
    return {
        c.id: max(c.approvals_required or 1, 2 if abs(approvable[c.id]) + alongside[c.id] > threshold else 1)
        for c in claims
    }


def _approved_alongside(session: Session, claims: list[Claim]) -> dict[int, Decimal]:
    """What is already approved for each claim's contract, provider and period (other claims, positive amounts)."""
    if not claims:
        return {}
    rows = session.execute(
        select(Claim.id, Claim.contract_id, Claim.investee_id, Claim.period, Claim.approved_amount).where(
            Claim.contract_id.in_({c.contract_id for c in claims}),
            Claim.investee_id.in_({c.investee_id for c in claims}),
            Claim.period.in_({c.period for c in claims}),
            Claim.status.in_(APPROVED),
        )
    )
    approved: dict[tuple[int, int, str], list[tuple[int, Decimal]]] = defaultdict(list)
    for claim_id, contract_id, investee_id, period, amount in rows:
        if amount is not None and amount > 0:
            approved[(contract_id, investee_id, period)].append((claim_id, amount))
    return {
        c.id: sum(
            (amount for other, amount in approved[(c.contract_id, c.investee_id, c.period)] if other != c.id), ZERO
        )
        for c in claims
    }
