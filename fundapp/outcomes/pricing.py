"""Pricing engine for result financing: turns verified results into a claim.

Pure and deterministic: frozen dataclasses in and out, money is Decimal, no I/O.
The rules, including the edge cases decided here, are in docs/pricing_rules.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from functools import partial
from itertools import pairwise
from types import MappingProxyType
from typing import TypeGuard

from fundapp.gc_pause import paused_gc
from fundapp.money import CENT, ZERO, floor_cent, round_cent

HUNDRED = Decimal(100)

# Reasons an amount is lowered, as named in ClaimLine.deductions and ClaimLine.capped_by.
DEADWEIGHT = "deadweight"
DUPLICATE = "duplicate"
PREREQUISITE_MISSING = "prerequisite_missing"
PARTICIPANT_CAP = "participant_cap"
ITEM_UNITS_CAP = "item_units_cap"
ITEM_AMOUNT_CAP = "item_amount_cap"
CONTRACT_CAP = "contract_cap"
PAYER_COMMITMENT = "payer_commitment"
REJECTIONS = (DUPLICATE, PREREQUISITE_MISSING)

Problems = list[tuple[str, str]]


@dataclass(frozen=True)
class PriceBand:
    """The price for min..max months on a benefit before (both inclusive; max None = open-ended)."""

    min_months: int
    max_months: int | None
    price: Decimal

    @property
    def label(self) -> str:
        return f"{self.min_months}+" if self.max_months is None else f"{self.min_months}-{self.max_months}"

    def covers(self, months: int) -> bool:
        return self.min_months <= months and (self.max_months is None or months <= self.max_months)


@dataclass(frozen=True)
class RateItem:
    code: str
    name: str
    price: Decimal
    price_bands: tuple[PriceBand, ...] = ()
    prerequisite: str | None = None
    max_units: int | None = None
    max_amount: Decimal | None = None


@dataclass(frozen=True)
class Payer:
    name: str  # the key; callers may use ids as strings
    share_percent: Decimal
    commitment: Decimal | None = None


@dataclass(frozen=True)
class ContractTerms:
    items: tuple[RateItem, ...]
    payers: tuple[Payer, ...]
    participant_cap: Decimal | None = None
    contract_cap: Decimal | None = None
    deadweight_percent: Decimal = Decimal("0")
    currency: str = "EUR"


@dataclass(frozen=True)
class Result:
    """A participant result (participant ref, one unit) or a cohort result (participant None)."""

    item: str
    participant: str | None = None
    achieved_on: date | None = None  # for a cohort: its period's last day; None only in simulations
    months_on_benefit: int | None = None
    units: int = 1
    key: str | None = None  # the caller's id for the result


@dataclass(frozen=True)
class ClaimLine:
    result_key: str | None
    item: str
    participant: str | None
    achieved_on: date | None
    units: int
    units_paid: int
    price: Decimal
    band: str | None
    gross: Decimal
    deadweight: Decimal
    deductions: tuple[tuple[str, Decimal], ...]  # every reduction in order: gross - their sum = payable
    capped_by: str | None
    payable: Decimal
    by_payer: tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class Claim:
    lines: Sequence[ClaimLine]  # a tuple, or the fast path's columns (pricing_fast.ClaimLines)
    total_gross: Decimal
    total_deadweight: Decimal
    total_payable: Decimal
    by_payer: tuple[tuple[str, Decimal], ...]
    currency: str = "EUR"


@dataclass(frozen=True)
class PriorUsage:
    """What earlier approved claims used: caps count it, duplicates and prerequisites look at it."""

    participant_paid: Mapping[str, Decimal] = field(default_factory=dict)
    item_units: Mapping[str, int] = field(default_factory=dict)
    item_amount: Mapping[str, Decimal] = field(default_factory=dict)
    contract_paid: Decimal = ZERO
    payer_paid: Mapping[str, Decimal] = field(default_factory=dict)
    # (participant, item) -> date achieved, for each participant result already counted in a claim.
    paid_results: Mapping[tuple[str, str], date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read-only copies: neither the shared default nor a caller's dict can change underneath us.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                object.__setattr__(self, f.name, MappingProxyType(dict(value)))

    def including(self, claim: Claim) -> PriorUsage:
        """The usage once `claim` is approved too, to price the next claim with."""
        usage = _RunningUsage.from_prior(self)
        for line in claim.lines:
            usage.add(line)
        return PriorUsage(**vars(usage))


class ContractRuleError(ValueError):
    """The contract or the results break the rules; `problems` lists (field, message)."""

    def __init__(self, problems: Sequence[tuple[str, str]]):
        self.problems = list(problems)
        super().__init__("; ".join(f"{name}: {message}" for name, message in self.problems))


# --- validation -------------------------------------------------------------------------------


def validate_contract(terms: ContractTerms, results: Iterable[Result] = ()) -> Problems:
    """Every problem with the terms and results as (field, message); empty when valid."""
    codes = {item.code for item in terms.items}
    problems = _payer_problems(terms.payers) + _item_problems(terms.items, codes)
    problems += _amount_problems("participant_cap", terms.participant_cap, optional=True)
    problems += _amount_problems("contract_cap", terms.contract_cap, optional=True)
    if not _is_decimal(terms.deadweight_percent) or not ZERO <= terms.deadweight_percent <= HUNDRED:
        problems.append(("deadweight_percent", "must be a Decimal from 0 to 100"))
    for index, result in enumerate(results):
        if not _plainly_valid(result, codes):
            problems += _result_problems(f"results[{index}]", result, codes)
    return problems


def _is_decimal(value: object) -> TypeGuard[Decimal]:
    return isinstance(value, Decimal) and value.is_finite()  # floats are refused: money must be exact


def _is_count(value: object, minimum: int = 0) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _amount_problems(where: str, value: object, *, optional: bool = False) -> Problems:
    if value is None and optional:
        return []
    if not _is_decimal(value) or value < ZERO:
        return [(where, "must be a Decimal amount, not negative")]
    return []


def _payer_problems(payers: Sequence[Payer]) -> Problems:
    problems: Problems = []
    for index, payer in enumerate(payers):
        where = f"payers[{index}]"
        if payer.name in [earlier.name for earlier in payers[:index]]:
            problems.append((f"{where}.name", f"duplicate payer {payer.name!r}"))
        if not _is_decimal(payer.share_percent) or payer.share_percent <= ZERO:
            problems.append((f"{where}.share_percent", "must be a Decimal above 0"))
        problems += _amount_problems(f"{where}.commitment", payer.commitment, optional=True)
    shares = [payer.share_percent for payer in payers]
    if not all(_is_decimal(share) for share in shares) or sum(shares, ZERO) != HUNDRED:
        problems.append(("payers", "the payers' shares must sum to exactly 100"))
    return problems


def _item_problems(items: Sequence[RateItem], codes: set[str]) -> Problems:
    problems: Problems = []
    on_cycle = _items_on_a_cycle(items)
    for index, item in enumerate(items):
        where = f"items[{index}]"
        if item.code in [earlier.code for earlier in items[:index]]:
            problems.append(("items", f"duplicate item code {item.code!r}"))
        problems += _amount_problems(f"{where}.price", item.price)
        problems += _band_problems(f"{where}.price_bands", item.price_bands)
        if item.prerequisite is not None and item.prerequisite not in codes:
            problems.append((f"{where}.prerequisite", f"unknown item {item.prerequisite!r}"))
        elif item.code in on_cycle:
            problems.append((f"{where}.prerequisite", "circular prerequisite chain"))
        if item.max_units is not None and not _is_count(item.max_units):
            problems.append((f"{where}.max_units", "must be a whole number, not negative"))
        problems += _amount_problems(f"{where}.max_amount", item.max_amount, optional=True)
    return problems


def _items_on_a_cycle(items: Sequence[RateItem]) -> set[str]:
    """Codes whose prerequisite chain leads back to themselves (a self-reference included)."""
    needs = {item.code: item.prerequisite for item in items}
    on_cycle: set[str] = set()
    for code in needs:
        visited: set[str] = set()
        current = needs[code]
        while current in needs and current not in visited:
            if current == code:
                on_cycle.add(code)
                break
            visited.add(current)
            current = needs[current]
    return on_cycle


def _band_problems(where: str, bands: Sequence[PriceBand]) -> Problems:
    problems: Problems = []
    for band in bands:
        lower_ok = _is_count(band.min_months)
        upper_ok = band.max_months is None or (lower_ok and _is_count(band.max_months, minimum=band.min_months))
        if not lower_ok or not upper_ok:
            problems.append((where, f"malformed band {band.min_months}..{band.max_months}"))
        if not _is_decimal(band.price) or band.price < ZERO:
            problems.append((where, "a band's price must be a Decimal amount, not negative"))
    if problems:
        return problems
    ordered = sorted(bands, key=lambda band: band.min_months)
    for lower, upper in pairwise(ordered):
        if lower.max_months is None or lower.max_months >= upper.min_months:
            problems.append((where, f"bands {lower.label} and {upper.label} overlap"))
    return problems


def _plainly_valid(result: Result, codes: set[str]) -> bool:
    """The common case of _result_problems, checked quickly: True only when it would find nothing."""
    units, months, participant = result.units, result.months_on_benefit, result.participant
    return (
        type(units) is int
        and units >= 1
        and result.item in codes
        and (months is None or (type(months) is int and months >= 0))
        and (
            participant is None
            or (
                type(participant) is str and units == 1 and result.achieved_on is not None and participant.strip() != ""
            )
        )
    )


def _result_problems(where: str, result: Result, codes: set[str]) -> Problems:
    problems: Problems = []
    if result.item not in codes:
        problems.append((f"{where}.item", f"unknown item {result.item!r}"))
    if not _is_count(result.units, minimum=1):
        problems.append((f"{where}.units", "must be a whole number of at least 1"))
    if result.months_on_benefit is not None and not _is_count(result.months_on_benefit):
        problems.append((f"{where}.months_on_benefit", "must be a whole number, not negative"))
    if result.participant is None:
        return problems  # a cohort result
    if not isinstance(result.participant, str) or not result.participant.strip():
        problems.append((f"{where}.participant", "neither a participant (a ref) nor a cohort (None) result"))
    if result.units != 1:
        problems.append((f"{where}.units", "a participant result is one unit"))
    if result.achieved_on is None:
        problems.append((f"{where}.achieved_on", "a participant result needs the date it was achieved"))
    return problems


# --- the engine -------------------------------------------------------------------------------


def simulate(terms: ContractTerms, results: Iterable[Result]) -> Claim:
    """Price results as if nothing had been claimed before (drafts, what-ifs)."""
    return compute_claim(terms, results, PriorUsage())


def compute_claim(
    terms: ContractTerms,
    results: Iterable[Result],
    prior: PriorUsage = PriorUsage(),
    on_lines: Callable[[Sequence[ClaimLine], int, int], None] | None = None,
) -> Claim:
    """Price the verified, not yet claimed results against what earlier approved claims used.

    Prices in whole cents (pricing_fast), which gives the lines of compute_claim_by_rules in a fraction
    of the time. ``on_lines`` (lines, start, stop) is handed every line once, in order, in parts as they are
    priced (all at once where the rules price them); nothing before the results are found valid."""
    from fundapp.outcomes import pricing_fast  # it builds on this module's rules

    with paused_gc():  # pricing 100,000 results makes a million objects and no reference cycle
        results = tuple(results)
        _check(terms, results)
        ordered = pricing_fast.in_order(results)
        claim = pricing_fast.claim(terms, ordered, prior, on_lines)
        if claim is None:
            claim = _claim_by_rules(terms, ordered, prior)
            if claim.lines and on_lines is not None:
                on_lines(claim.lines, 0, len(claim.lines))
        return claim


def compute_claim_by_rules(terms: ContractTerms, results: Iterable[Result], prior: PriorUsage = PriorUsage()) -> Claim:
    """compute_claim, one result at a time as the rules read: the reference the fast path is tested against."""
    results = tuple(results)
    _check(terms, results)
    return _claim_by_rules(terms, sorted(results, key=_order), prior)


def _check(terms: ContractTerms, results: Sequence[Result]) -> None:
    problems = validate_contract(terms, results)
    if problems:  # an invalid contract cannot be priced deterministically
        raise ContractRuleError(problems)


def _claim_by_rules(terms: ContractTerms, ordered: Sequence[Result], prior: PriorUsage) -> Claim:
    items = {item.code: item for item in terms.items}
    usage = _RunningUsage.from_prior(prior)
    lines = []
    for result, verdict in zip(ordered, _participant_verdicts(ordered, items, prior), strict=True):
        line = _price_line(terms, items[result.item], result, verdict, usage)
        usage.add(line)
        lines.append(line)
    return _claim_of(terms, tuple(lines))


def _order(result: Result) -> tuple:
    """Date (undated last), participant (cohorts after people), item, units; then the other
    fields, so that results which differ at all never tie and input order cannot matter."""
    return (
        result.achieved_on is None,
        result.achieved_on or date.min,
        result.participant is None,
        result.participant or "",
        result.item,
        result.units,
        result.months_on_benefit is None,
        result.months_on_benefit or 0,
        result.key is None,
        result.key or "",
    )


def _participant_verdicts(
    ordered: Sequence[Result], items: Mapping[str, RateItem], prior: PriorUsage
) -> list[str | None]:
    """Per result: None if it counts, else DUPLICATE or PREREQUISITE_MISSING (cohorts always count)."""
    first_counted = _first_counted_dates(ordered, items, prior)
    verdicts: list[str | None] = []
    counted: set[tuple[str, str]] = set()
    for result in ordered:
        if result.participant is None:
            verdicts.append(None)
            continue
        assert result.achieved_on is not None  # validate_contract: a participant result is dated
        pair = (result.participant, result.item)
        first = first_counted[pair]
        if pair in prior.paid_results:
            verdicts.append(DUPLICATE)
        elif first is None or result.achieved_on < first:
            verdicts.append(PREREQUISITE_MISSING)  # the prerequisite came later than this result, or never
        elif pair in counted:
            verdicts.append(DUPLICATE)
        else:
            counted.add(pair)
            verdicts.append(None)
    return verdicts


def _first_counted_dates(
    ordered: Sequence[Result], items: Mapping[str, RateItem], prior: PriorUsage
) -> dict[tuple[str, str], date | None]:
    """When each (participant, item) first counts: its earliest result on or after the day its
    prerequisite counted. Resolved along the chain rather than in sort order, so a prerequisite
    achieved on the same day counts whatever the item codes are."""
    dates: dict[tuple[str, str], list[date]] = {}
    for result in ordered:
        if result.participant is not None:
            assert result.achieved_on is not None  # validate_contract: a participant result is dated
            pair = (result.participant, result.item)
            dates.setdefault(pair, []).append(result.achieved_on)
    known: dict[tuple[str, str], date | None] = dict(prior.paid_results)

    def counted_on(pair: tuple[str, str]) -> date | None:
        if pair not in known:
            prerequisite = items[pair[1]].prerequisite
            needed = None if prerequisite is None else counted_on((pair[0], prerequisite))
            eligible = [
                day for day in dates.get(pair, []) if prerequisite is None or (needed is not None and needed <= day)
            ]
            known[pair] = min(eligible, default=None)
        return known[pair]

    for pair in dates:  # prerequisite chains are acyclic (validated), so this recursion ends
        counted_on(pair)
    return known


def _band_price(item: RateItem, months: int | None) -> tuple[Decimal, str | None]:
    """The price of the band covering `months`; the base price if months is unknown or uncovered."""
    if months is not None:
        for band in item.price_bands:
            if band.covers(months):
                return band.price, band.label
    return item.price, None


@dataclass
class _RunningUsage:
    """PriorUsage plus the lines priced so far; mutable, internal. Field names match PriorUsage."""

    participant_paid: dict[str, Decimal]
    item_units: dict[str, int]
    item_amount: dict[str, Decimal]
    contract_paid: Decimal
    payer_paid: dict[str, Decimal]
    paid_results: dict[tuple[str, str], date]

    @classmethod
    def from_prior(cls, prior: PriorUsage) -> _RunningUsage:
        return cls(
            participant_paid=dict(prior.participant_paid),
            item_units=dict(prior.item_units),
            item_amount=dict(prior.item_amount),
            contract_paid=prior.contract_paid,
            payer_paid=dict(prior.payer_paid),
            paid_results=dict(prior.paid_results),
        )

    def add(self, line: ClaimLine) -> None:
        self.item_units[line.item] = self.item_units.get(line.item, 0) + line.units_paid
        self.item_amount[line.item] = self.item_amount.get(line.item, ZERO) + line.payable
        self.contract_paid += line.payable
        for name, part in line.by_payer:
            self.payer_paid[name] = self.payer_paid.get(name, ZERO) + part
        if line.participant is not None and line.capped_by not in REJECTIONS:
            self.participant_paid[line.participant] = self.participant_paid.get(line.participant, ZERO) + line.payable
            assert line.achieved_on is not None  # a participant line prices a dated result
            self.paid_results.setdefault((line.participant, line.item), line.achieved_on)


class _Reductions:
    """The amount on its way through the caps, with each deduction and the first cap that bound."""

    def __init__(self, amount: Decimal):
        self.amount = amount
        self.deductions: list[tuple[str, Decimal]] = []
        self.capped_by: str | None = None

    def lower_to(self, reason: str, amount: Decimal) -> None:
        if amount < self.amount:
            self.deductions.append((reason, self.amount - amount))
            self.amount = amount
            if self.capped_by is None and reason != DEADWEIGHT:
                self.capped_by = reason


def _headroom(cap: Decimal, used: Decimal) -> Decimal:
    """What is left under a cap, down to the cent: a cap is never exceeded."""
    return max(ZERO, floor_cent(cap - used))


def _price_line(
    terms: ContractTerms, item: RateItem, result: Result, verdict: str | None, usage: _RunningUsage
) -> ClaimLine:
    """One result priced: gross (price × units) and deadweight (gross × percent) each half-up to the cent."""
    price, band = _band_price(item, result.months_on_benefit)
    gross = round_cent(price * result.units)
    described = partial(
        ClaimLine,
        result_key=result.key,
        item=result.item,
        participant=result.participant,
        achieved_on=result.achieved_on,
        units=result.units,
        price=price,
        band=band,
        gross=gross,
    )
    if verdict is not None:  # a rejected result is not priced further: no deadweight, nothing paid
        return described(
            units_paid=0,
            deadweight=ZERO,
            deductions=((verdict, gross),) if gross else (),
            capped_by=verdict,
            payable=ZERO,
            by_payer=tuple((p.name, ZERO) for p in terms.payers),
        )
    amount = _Reductions(gross)
    deadweight = round_cent(gross * terms.deadweight_percent / HUNDRED)
    amount.lower_to(DEADWEIGHT, gross - deadweight)
    units_paid = _apply_caps(terms, item, result, amount, usage)
    by_payer = _apply_payer_commitments(terms.payers, amount, usage)
    return described(
        units_paid=units_paid if amount.amount else 0,
        deadweight=deadweight,
        deductions=tuple(amount.deductions),
        capped_by=amount.capped_by,
        payable=amount.amount,
        by_payer=by_payer,
    )


def _apply_caps(terms: ContractTerms, item: RateItem, result: Result, amount: _Reductions, usage: _RunningUsage) -> int:
    """The participant, item units, item amount and contract caps, in that order; returns units paid.

    Headroom under a cap is floored to the cent; the pro-rata amount for the units left is half-up to the cent.
    """
    if result.participant is not None and terms.participant_cap is not None:
        used = usage.participant_paid.get(result.participant, ZERO)
        amount.lower_to(PARTICIPANT_CAP, min(amount.amount, _headroom(terms.participant_cap, used)))
    units_paid = result.units
    if item.max_units is not None:
        units_paid = min(result.units, max(0, item.max_units - usage.item_units.get(item.code, 0)))
        # Only the remaining units are paid, so the amount shrinks pro rata.
        amount.lower_to(ITEM_UNITS_CAP, round_cent(amount.amount * units_paid / result.units))
    if item.max_amount is not None:
        headroom = _headroom(item.max_amount, usage.item_amount.get(item.code, ZERO))
        amount.lower_to(ITEM_AMOUNT_CAP, min(amount.amount, headroom))
    if terms.contract_cap is not None:
        amount.lower_to(CONTRACT_CAP, min(amount.amount, _headroom(terms.contract_cap, usage.contract_paid)))
    return units_paid


def _apply_payer_commitments(
    payers: Sequence[Payer], amount: _Reductions, usage: _RunningUsage
) -> tuple[tuple[str, Decimal], ...]:
    """Split the amount by share; each part is capped by its own payer's remaining commitment
    (another payer does not make up for it)."""
    parts = []
    for payer, part in zip(payers, split_by_share(amount.amount, payers), strict=True):
        if payer.commitment is not None:
            part = min(part, _headroom(payer.commitment, usage.payer_paid.get(payer.name, ZERO)))
        parts.append((payer.name, part))
    amount.lower_to(PAYER_COMMITMENT, sum((part for _, part in parts), ZERO))
    return tuple(parts)


def split_by_share(amount: Decimal, payers: Sequence[Payer]) -> list[Decimal]:
    """Split a whole-cent amount by share so the parts sum exactly to it (largest remainder).

    Each part is floored to the cent; the cents left over go one each to the parts floored
    the most, ties to the payer listed first. Unlike "the last payer takes the remainder",
    no part can turn negative and every part is within a cent of its exact share. Where
    every part is a tie, the half cents round up in the payers' order while cents are left:
    1,000.20 split 12.5 % / 87.5 % is 125.025 / 875.175, paid as 125.03 / 875.17.
    """
    exact = [amount * payer.share_percent / HUNDRED for payer in payers]
    parts = [floor_cent(share) for share in exact]
    leftover_cents = int((amount - sum(parts, ZERO)) / CENT)
    for index in sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], i))[:leftover_cents]:
        parts[index] += CENT
    return parts


def _claim_of(terms: ContractTerms, lines: tuple[ClaimLine, ...]) -> Claim:
    by_payer = {payer.name: ZERO for payer in terms.payers}
    for line in lines:
        for name, part in line.by_payer:
            by_payer[name] += part
    return Claim(
        lines=lines,
        total_gross=sum((line.gross for line in lines), ZERO),
        total_deadweight=sum((line.deadweight for line in lines), ZERO),
        total_payable=sum((line.payable for line in lines), ZERO),
        by_payer=tuple(by_payer.items()),
        currency=terms.currency,
    )
