"""Human labels (translated) for the enum values shown on pages and in reports."""

from __future__ import annotations

from enum import Enum
from typing import Any

from fundapp.i18n import lazy_gettext as _l

LABELS: dict[str, Any] = {
    # investor kinds
    "foundation": _l("Foundation (vermogensfonds)"),
    "municipality": _l("Municipality"),
    "province": _l("Province"),
    "eu_fund": _l("EU fund (e.g. EFRO)"),
    "bank": _l("Bank"),
    "private_investor": _l("Private investor"),
    "national": _l("National government"),
    "other": _l("Other"),
    # legal forms
    "bv": _l("BV (private limited company)"),
    "bv_maatschappelijk_doel": _l("BV with a social purpose (BVm)"),
    "nv": _l("NV (public limited company)"),
    "stichting": _l("Stichting (foundation)"),
    "vereniging": _l("Vereniging (association)"),
    "cooperatie": _l("Coöperatie (cooperative)"),
    "eenmanszaak": _l("Eenmanszaak (sole proprietorship)"),
    "vof": _l("VOF (general partnership)"),
    "cv": _l("CV (limited partnership)"),
    # labels
    "pso": _l("PSO (Prestatieladder Socialer Ondernemen)"),
    "code_sociale_ondernemingen": _l("Code Sociale Ondernemingen (register)"),
    "social_enterprise_nl": _l("Social Enterprise NL member"),
    "cedris_leerwerkbedrijf": _l("Cedris leerwerkbedrijf"),
    "b_corp": _l("B Corp"),
    # PSO levels
    "aspirant": _l("Aspirant"),
    "basistrede": _l("Basistrede"),
    "trede_1": _l("Trede 1"),
    "trede_2": _l("Trede 2"),
    "trede_3": _l("Trede 3"),
    "pso_30_plus": _l("PSO 30+"),
    # impact orientation, Impactpad growth levels, kinds of support
    "impact_first": _l("Impact first"),
    "finance_first": _l("Finance first"),
    "basic": _l("Level 1: basic"),
    "advanced": _l("Level 2: advanced"),
    "expert": _l("Level 3: expert"),
    "coaching": _l("Coaching"),
    "network": _l("Network introductions"),
    "expertise": _l("Expertise (legal, financial, ...)"),
    "training": _l("Training"),
    # loans
    "draft": _l("draft"),
    "approved": _l("approved"),
    "active": _l("active"),
    "repaid": _l("repaid"),
    "written_off": _l("written off"),
    "converted": _l("converted into shares"),
    "monthly": _l("monthly"),
    "quarterly": _l("quarterly"),
    "semiannual": _l("half-yearly"),
    "annual": _l("yearly"),
    "annuity": _l("annuity"),
    "linear": _l("linear"),
    "bullet": _l("bullet (all at the end)"),
    "planned": _l("planned"),
    "paid": _l("paid"),
    "due": _l("due"),
    "overdue": _l("overdue"),
    "future": _l("to come"),
    "restructured": _l("restructured"),
    "lower_installments": _l("lower the installments"),
    "shorten_term": _l("shorten the term"),
    "disbursement": _l("disbursement"),
    "repayment": _l("repayment"),
    "write_off": _l("write-off"),
    "recovery": _l("recovery"),
    "restructure": _l("restructuring"),
    "rate_change": _l("rate change"),
    "adjustment": _l("adjustment at import"),
    "installment": _l("installment"),
    "prepayment": _l("prepayment"),
    "overpayment": _l("overpayment"),
    "current": _l("current"),
    "provision_change": _l("provision change"),
    "capital_call": _l("capital call"),
    "distribution": _l("distribution"),
    "fund_expense": _l("fund expense"),
    "equity_purchase": _l("purchase of shares"),
    "valuation": _l("valuation"),
    "dividend": _l("dividend"),
    "equity_exit": _l("exit"),
    "conversion": _l("conversion"),
    "grant_payment": _l("grant payment"),
    "grant_clawback": _l("clawback"),
    "guarantee_fee": _l("guarantee fee"),
    "guarantee_call": _l("guarantee call"),
    "receivable_payment": _l("payment on a receivable"),
    # equity: valuation methods and conversion triggers
    "cost": _l("cost"),
    "financing_round": _l("last financing round"),
    "multiples": _l("multiples"),
    "dcf": _l("discounted cash flow (DCF)"),
    "qualified_round": _l("a qualified financing round"),
    "maturity": _l("maturity"),
    "sale": _l("sale of the company"),
    # payment batches
    "direct_debit": _l("direct debit"),
    "disbursements": _l("disbursements"),
    "outcome_payments": _l("outcome payments"),
    "created": _l("made"),
    "downloaded": _l("downloaded"),
    "cancelled": _l("cancelled"),
    # impact
    "half_yearly": _l("half-yearly"),
    "yearly": _l("yearly"),
    "output": _l("output"),
    "outcome": _l("outcome"),
    "impact": _l("impact"),
    "integer": _l("whole number"),
    "decimal": _l("decimal number"),
    "percentage": _l("percentage"),
    "sum": _l("sum"),
    "average": _l("average"),
    "latest": _l("latest value"),
    "submitted": _l("submitted"),
    "returned": _l("returned"),
    "superseded": _l("superseded"),
    "not_due_yet": _l("not due yet"),
    "awaiting_review": _l("awaiting review"),
    "changed_much": _l("more than half above or below the previous period"),
    "from_zero": _l("was zero in the previous period"),
    "far_below_target": _l("far below the target"),
    "far_above_target": _l("far above the target"),
    # result financing
    "pending": _l("awaiting verification"),
    "verified": _l("verified"),
    "rejected": _l("rejected"),
    "partly_approved": _l("partly approved"),
    "open": _l("open"),
    "closed": _l("closed"),
    "participant_cap": _l("participant cap"),
    "item_units_cap": _l("unit cap of the item"),
    "item_amount_cap": _l("amount cap of the item"),
    "contract_cap": _l("contract cap"),
    "payer_commitment": _l("payer's commitment"),
    "duplicate": _l("already paid for this participant"),
    "prerequisite_missing": _l("prerequisite not achieved first"),
    "deadweight": _l("deadweight"),
    "correction": _l("correction"),
    # money through the bank
    "proposed": _l("proposed"),
    "unmatched": _l("unmatched"),
    "booked": _l("booked"),
    "set_aside": _l("set aside"),
    "credit": _l("credit"),
    "debit": _l("debit"),
    "return": _l("returned direct debit"),
    "outcome_payment": _l("outcome payment"),
    "revoked": _l("revoked"),
    "matched_end_to_end_id": _l("by the end-to-end id of our direct debit or transfer"),
    "matched_reference": _l("by the loan's reference in the description"),
    "matched_iban_amount": _l("by the investee's account and the amount due"),
    "matched_manual": _l("assigned by hand"),
    "collection_matched": _l(
        "not proposed: another credit of this statement with the same end-to-end id was matched to the collection"
    ),
    "assigned_unpaid": _l(
        "an assigned outcome payment: it is linked to the loan's repayment once the payer records its payment"
    ),
    # roles
    "admin": _l("Administrator"),
    "fund_manager": _l("Fund manager"),
    "payer_officer": _l("Payer officer"),
    "investee_member": _l("Investee"),
}


def label(value: Any) -> str:
    key = value.value if isinstance(value, Enum) else value
    found = LABELS.get(str(key))
    return str(found) if found is not None else str(key)


def options(members: list[Any]) -> list[tuple[str, str]]:
    return [(m.value if isinstance(m, Enum) else m, label(m)) for m in members]


def register(values: dict[str, Any]) -> None:
    """Add an area's labels. A value has one label whatever imports first: another label for it is refused."""
    clashes = {k: (LABELS[k], v) for k, v in values.items() if k in LABELS and _msgid(LABELS[k]) != _msgid(v)}
    if clashes:
        raise ValueError(f"labels registered twice with different texts: {clashes}")
    LABELS.update(values)


def _msgid(text: Any) -> str:
    return str(getattr(text, "_args", (text,))[0])
