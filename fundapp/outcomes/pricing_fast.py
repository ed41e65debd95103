"""The pricing engine's fast path: the rules of pricing.py carried in whole cents, for claims of many results.

Every amount the rules produce is a whole number of cents (each one is rounded or floored to the cent), so
plain ints carry them here and a claim of 100,000 results prices in a fraction of the time. Where a rule
rounds a Decimal (a band's price times units, deadweight, a payer's share, a pro-rata unit cap) the rules'
own function is called, once per distinct amount. tests/unit/test_pricing_fast.py compares both on random
contracts: same lines, same cents.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from datetime import date
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any, overload

from fundapp.money import floor_cent, round_cent
from fundapp.outcomes import pricing as rules
from fundapp.outcomes.pricing import (
    CONTRACT_CAP,
    DEADWEIGHT,
    DUPLICATE,
    HUNDRED,
    ITEM_AMOUNT_CAP,
    ITEM_UNITS_CAP,
    PARTICIPANT_CAP,
    PAYER_COMMITMENT,
    PREREQUISITE_MISSING,
    Claim,
    ClaimLine,
    ContractTerms,
    PriorUsage,
    RateItem,
    Result,
)

Pair = tuple[str, str]


def _cents(amount: Decimal) -> int | None:
    """The amount in cents; None when it holds a fraction of a cent (the rules then price it)."""
    cents = amount * 100
    return int(cents) if cents == cents.to_integral_value() else None


class _Money(dict[int, Decimal]):
    """Cents back to Decimal with the exponent the rules give (-2: 800 -> Decimal('8.00')), each made once."""

    def __missing__(self, cents: int) -> Decimal:
        self[cents] = value = Decimal(cents).scaleb(-2)
        return value


class _Memo(dict):
    """A pure function's results by argument, so that each distinct amount is worked out once."""

    def __init__(self, function: Callable):
        super().__init__()
        self.function = function

    def __missing__(self, key: Any) -> Any:
        self[key] = value = self.function(key)
        return value


def frozen(cls: type, fields: dict) -> Any:
    """An instance of a frozen dataclass given every field: a frozen dataclass sets each field through
    object.__setattr__; giving the instance its dict at once makes the same object (equal, hashed and shown
    alike) in a tenth of the time. The caller passes every field, in the class's order."""
    made: Any = object.__new__(cls)
    object.__setattr__(made, "__dict__", fields)
    return made


def in_order(results: Sequence[Result]) -> list[Result]:
    """Sorted as pricing._order sorts, compared in C when no field compared is None."""
    # Results are grouped by day, then each day sorted on the other fields: a key led by a text compares in
    # C's fast path for text, where a key led by a date would compare each pair through the date type. Each key
    # is a tuple of the fields read in this loop (attrgetter does not take the interpreter's fast path), the
    # result last: results equal in every field compared are equal, so a result is never compared by order.
    by_day: dict[date, list[tuple]] = {}
    for r in results:
        by_day.setdefault(r.achieved_on, []).append((r.participant, r.item, r.units, r.months_on_benefit, r.key, r))  # type: ignore[arg-type]
    try:
        # A None beside a value cannot be compared and raises; two Nones are equal in both keys, and values
        # compare as in _order. So where this sort finishes, it is _order's.
        ordered: list[Result] = []
        for day in sorted(by_day):
            keyed = by_day[day]
            keyed.sort()
            ordered += map(_LAST, keyed)
        return ordered
    except TypeError:
        return sorted(results, key=rules._order)


_LAST = itemgetter(-1)


# Lines per part handed to claim()'s on_lines: small enough that the database stores the first part soon after
# pricing starts, large enough that a part's own work (a call, the columns of a part) is small beside its lines.
# The first part is smaller still: the database waits for it with nothing else to do.
PART = 5_000
FIRST_PART = 1_000


def part_bounds(count: int) -> list[tuple[int, int]]:
    """Where each part of ``count`` lines starts and stops: FIRST_PART lines (PART if that is smaller), then
    PART at a time."""
    first = min(FIRST_PART, PART, count)
    return [(0, first)] * bool(count) + [(start, min(start + PART, count)) for start in range(first, count, PART)]


# Called with the lines, and where a part of them starts and stops: each line once, in order.
OnLines = Callable[[Sequence[ClaimLine], int, int], None]


def claim(
    terms: ContractTerms, ordered: Sequence[Result], prior: PriorUsage, on_lines: OnLines | None = None
) -> Claim | None:
    """The claim of valid results already in the engine's order; None when an amount that earlier claims
    used is not whole cents (the caller prices by the rules then), before any line is priced. ``on_lines`` is
    handed the lines part by part (see part_bounds()) as they are priced: a caller stores a part while the next
    is priced."""
    usage = _usage_in_cents(prior)
    if usage is None:
        return None
    participant_paid, item_units, item_amount, contract_paid, payer_paid = usage
    paid_before, payers_before = contract_paid, dict(payer_paid)
    money = _Money()
    items = {item.code: item for item in terms.items}

    deadweight_of = _Memo(lambda gross: _cents(round_cent(money[gross] * terms.deadweight_percent / HUNDRED)))
    deductions_of = _Memo(lambda cut: tuple((reason, money[cents]) for reason, cents in cut))

    def priced(key: tuple[str, int | None, int]) -> tuple[tuple[Decimal, str | None, int], int, int, tuple]:
        """What a result of the item, months and units is priced at before any cap: (price, band, gross),
        deadweight, the amount after it, and the deductions of a line no cap lowers."""
        code, months, units = key
        price, band = rules._band_price(items[code], months)
        gross: int = _cents(round_cent(price * units))  # type: ignore[assignment]  # rounded: whole cents
        deadweight = deadweight_of[gross]
        return (price, band, gross), deadweight, gross - deadweight, deductions_of[_deducted(gross, (), deadweight)]

    priced_of = _Memo(priced)
    names = tuple(payer.name for payer in terms.payers)
    split_of = _Memo(lambda cents: tuple(_cents(part) for part in rules.split_by_share(money[cents], terms.payers)))
    payers_of = _Memo(lambda parts: tuple(zip(names, [money[part] for part in parts], strict=True)))
    split_payers_of = _Memo(lambda cents: payers_of[split_of[cents]])
    commitments = [None if payer.commitment is None else _cents(floor_cent(payer.commitment)) for payer in terms.payers]
    bound_payers = any(commitment is not None for commitment in commitments)
    participant_cap = None if terms.participant_cap is None else _cents(floor_cent(terms.participant_cap))
    contract_cap = None if terms.contract_cap is None else _cents(floor_cent(terms.contract_cap))
    # Only the items with a cap keep count of their units or amount: nothing else reads those counts.
    unit_caps = {item.code: item.max_units for item in terms.items if item.max_units is not None}
    amount_caps = {
        item.code: _cents(floor_cent(item.max_amount)) for item in terms.items if item.max_amount is not None
    }
    nothing = payers_of[(0,) * len(names)]
    # The lines as columns (a list per field worked out here): a line is made only when it is read.
    lines = ClaimLines(ordered, money)
    add_priced, add_units_paid = lines.priced.append, lines.units_paid.append
    add_deadweight, add_deductions = lines.deadweight.append, lines.deductions.append
    add_capped_by, add_payable, add_by_payer = lines.capped_by.append, lines.payable.append, lines.by_payer.append
    needs = {code: item.prerequisite for code, item in items.items() if item.prerequisite is not None}
    # The rules' verdicts (pricing._participant_verdicts) as results are read, where that gives the same: results
    # are ordered by day, then participant, then item, so where each prerequisite's code sorts before its item's,
    # every result that could make a prerequisite count by a result's day comes before that result.
    looked_ahead = None
    if any(need >= code for code, need in needs.items()):
        looked_ahead = _verdicts_looking_ahead(ordered, items, prior)
    # The day each pair counted: in an earlier claim, or in this one (then on or before the day of any result
    # read after it). A pair counted before is a duplicate whatever its prerequisite.
    counted: dict[Pair, date] = dict(prior.paid_results)
    for start, stop in part_bounds(len(ordered)):
        for at, result in enumerate(ordered[start:stop], start):
            code, units, participant = result.item, result.units, result.participant
            priced_as, deadweight, amount, deductions = priced_of[(code, result.months_on_benefit, units)]
            if participant is None:
                verdict = None
            elif looked_ahead is not None:
                verdict = looked_ahead[at]
            elif (participant, code) in counted:
                verdict = DUPLICATE
            elif code in needs and (
                (since := counted.get((participant, needs[code]))) is None or result.achieved_on < since  # type: ignore[operator]
            ):
                verdict = PREREQUISITE_MISSING
            else:
                counted[participant, code] = result.achieved_on  # type: ignore[assignment]
                verdict = None
            if verdict is not None:  # rejected: not priced further, nothing paid
                gross = priced_as[2]
                add_priced(priced_as)
                add_units_paid(0)
                add_deadweight(0)
                add_deductions(deductions_of[((verdict, gross),)] if gross else ())
                add_capped_by(verdict)
                add_payable(0)
                add_by_payer(nothing)
                continue
            # Each cap that lowers the amount as (reason, the amount it lowers to); the first one is what capped.
            cuts: tuple[tuple[str, int], ...] = ()
            if participant_cap is not None and participant is not None:
                paid = participant_paid.get(participant, 0)
                if amount and participant_cap - paid < amount:  # a headroom below 0 is 0: it cannot lower 0
                    amount = participant_cap - paid if participant_cap > paid else 0
                    cuts = ((PARTICIPANT_CAP, amount),)
            units_paid = units
            if code in unit_caps:
                units_paid = min(units, max(0, unit_caps[code] - item_units.get(code, 0)))
                pro_rata = _pro_rata(amount, units_paid, units, money)
                if pro_rata < amount:
                    cuts += ((ITEM_UNITS_CAP, pro_rata),)
                    amount = pro_rata
            if code in amount_caps:
                headroom = max(0, amount_caps[code] - item_amount.get(code, 0))
                if headroom < amount:
                    cuts += ((ITEM_AMOUNT_CAP, headroom),)
                    amount = headroom
            if contract_cap is not None and amount and contract_cap - contract_paid < amount:
                amount = contract_cap - contract_paid if contract_cap > contract_paid else 0
                cuts += ((CONTRACT_CAP, amount),)
            if bound_payers:
                parts = _committed(split_of[amount], names, commitments, payer_paid)
                by_payer = payers_of[parts]
                if sum(parts) < amount:
                    amount = sum(parts)
                    cuts += ((PAYER_COMMITMENT, amount),)
            else:
                by_payer = split_payers_of[amount]
            add_priced(priced_as)
            add_units_paid(units_paid if amount else 0)
            add_deadweight(deadweight)
            # Uncapped, a line's deductions are its price's (deadweight alone): most lines, worked out once.
            add_deductions(deductions_of[_deducted(priced_as[2], cuts, deadweight)] if cuts else deductions)
            add_capped_by(cuts[0][0] if cuts else None)
            add_payable(amount)
            add_by_payer(by_payer)
            if amount:
                contract_paid += amount
                if code in unit_caps:
                    item_units[code] = item_units.get(code, 0) + units_paid
                if code in amount_caps:
                    item_amount[code] = item_amount.get(code, 0) + amount
                if bound_payers:
                    for name, part in zip(names, parts, strict=True):
                        payer_paid[name] = payer_paid.get(name, 0) + part
                if participant is not None:
                    participant_paid[participant] = participant_paid.get(participant, 0) + amount
        if on_lines is not None:  # this part is priced: the caller stores it while the next is priced
            on_lines(lines, start, len(lines))
    if bound_payers:
        paid_now = [payer_paid.get(name, 0) - payers_before.get(name, 0) for name in names]
    else:  # each line's parts are its amount's split: summed once per distinct amount
        paid_now = [0] * len(names)
        for amount, count in Counter(lines.payable).items():
            paid_now = [paid + part * count for paid, part in zip(paid_now, split_of[amount], strict=True)]
    return frozen(
        Claim,
        {
            "lines": lines,
            "total_gross": money[sum(map(itemgetter(2), lines.priced))],
            "total_deadweight": money[sum(lines.deadweight)],
            "total_payable": money[contract_paid - paid_before],
            "by_payer": tuple(zip(names, map(money.__getitem__, paid_now), strict=True)),
            "currency": terms.currency,
        },
    )


class ClaimLines(Sequence[ClaimLine]):
    """A claim's lines kept as columns: the results' own fields, and a list per field the engine works out
    (amounts in cents). A line is made when it is read; a simulation of 100,000 results is mostly read for its
    totals, and a claim is stored column by column (column())."""

    def __init__(self, ordered: Sequence[Result], money: _Money):
        self.results, self.money = ordered, money
        self.priced: list[tuple[Decimal, str | None, int]] = []  # price, band, gross in cents
        self.units_paid: list[int] = []
        self.deadweight: list[int] = []
        self.deductions: list[tuple[tuple[str, Decimal], ...]] = []
        self.capped_by: list[str | None] = []
        self.payable: list[int] = []
        self.by_payer: list[tuple[tuple[str, Decimal], ...]] = []
        self._result_columns: tuple[tuple[int, int], dict[str, tuple[Any, ...]]] | None = None

    def column(self, name: str, part: slice | None = None) -> Iterable[Any]:
        """One field of every line (or of the lines of ``part`` only), in order, read in C (map) rather than
        line by line."""
        if name in _OF_RESULT:
            if part is None or part.stop - part.start > 1:  # parts have a start and a stop
                return self._of_results(slice(0, len(self.results)) if part is None else part)[name]
            return map(attrgetter(_OF_RESULT[name]), self.results[part])  # one line: no columns needed
        source: Sequence[Any] = self.priced if name in _OF_PRICE else getattr(self, name)
        values: Iterable[Any] = source if part is None else source[part]
        if name in _OF_PRICE:
            values = map(itemgetter(_OF_PRICE[name]), values)
        return map(self.money.__getitem__, values) if name in _IN_CENTS else values

    def _of_results(self, part: slice) -> dict[str, tuple[Any, ...]]:
        """The results' fields a line repeats, each as a column, for the lines of ``part``: a Python loop reads
        the attributes of many results faster than attrgetter, which does not take the interpreter's fast path.
        Read once per part (a caller asks for every field of the part it stores), and only for that part, so
        that the first part goes to the database without waiting for every result's columns."""
        key = (part.start, part.stop)
        if self._result_columns is None or self._result_columns[0] != key:
            rows = [(r.key, r.item, r.participant, r.achieved_on, r.units) for r in self.results[part]]
            columns = list(zip(*rows, strict=True)) or [()] * len(_OF_RESULT)
            self._result_columns = (key, dict(zip(_OF_RESULT, columns, strict=True)))
        return self._result_columns[1]

    def __len__(self) -> int:
        return len(self.priced)

    def __iter__(self) -> Iterator[ClaimLine]:
        new, set_fields = object.__new__, object.__setattr__  # as frozen() does, without a call per line
        for values in zip(*map(self.column, _FIELDS), strict=True):
            line = new(ClaimLine)
            set_fields(line, "__dict__", dict(zip(_FIELDS, values, strict=True)))
            yield line

    @overload
    def __getitem__(self, index: int) -> ClaimLine: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ClaimLine, ...]: ...

    def __getitem__(self, index: int | slice) -> ClaimLine | tuple[ClaimLine, ...]:
        if isinstance(index, slice):
            return tuple(self)[index]
        at = range(len(self))[index]  # an IndexError as a tuple raises it
        return frozen(ClaimLine, {name: next(iter(self.column(name, slice(at, at + 1)))) for name in _FIELDS})

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ClaimLines | tuple):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))  # as the rules' tuple of lines shows


_FIELDS = tuple(field.name for field in fields(ClaimLine))
# In the order ClaimLines._of_results reads them.
_OF_RESULT = {"result_key": "key", "item": "item", "participant": "participant", "achieved_on": "achieved_on"}
_OF_RESULT["units"] = "units"
_OF_PRICE = {"price": 0, "band": 1, "gross": 2}
_IN_CENTS = {"gross", "deadweight", "payable"}


def column(lines: Sequence[ClaimLine], name: str, part: slice | None = None) -> Iterable[Any]:
    """One field of each of a claim's lines (or of the lines of ``part``, a slice with start and stop), in
    order."""
    if isinstance(lines, ClaimLines):
        return lines.column(name, part)
    return map(attrgetter(name), lines if part is None else lines[part])


def _deducted(gross: int, cuts: tuple[tuple[str, int], ...], deadweight: int) -> tuple[tuple[str, int], ...]:
    """Each reduction's reason and size, deadweight first (when there is some), from the amounts it lowered to."""
    before = gross
    deducted = []
    for reason, after in ((DEADWEIGHT, gross - deadweight),) * bool(deadweight) + cuts:
        deducted.append((reason, before - after))
        before = after
    return tuple(deducted)


def _pro_rata(amount: int, units_paid: int, units: int, money: _Money) -> int:
    """The amount for the units left, half-up to the cent, as the rules work it out."""
    if units_paid == units:
        return amount
    if units_paid == 0:
        return 0
    return int(round_cent(money[amount] * units_paid / units) * 100)


def _committed(
    parts: tuple[int, ...], names: Sequence[str], commitments: Sequence[int | None], paid: Mapping[str, int]
) -> tuple[int, ...]:
    """Each part capped by its own payer's remaining commitment."""
    return tuple(
        part if commitment is None else min(part, max(0, commitment - paid.get(name, 0)))
        for part, name, commitment in zip(parts, names, commitments, strict=True)
    )


def _usage_in_cents(prior: PriorUsage) -> tuple[dict, dict, dict, int, dict] | None:
    amounts: list[dict[str, int]] = []
    for amounts_of in (prior.participant_paid, prior.item_amount, prior.payer_paid):
        in_cents = {key: _cents(value) for key, value in amounts_of.items()}
        if None in in_cents.values():
            return None
        amounts.append(in_cents)  # type: ignore[arg-type]  # no None left
    contract_paid = _cents(prior.contract_paid)
    if contract_paid is None:
        return None
    participant_paid, item_amount, payer_paid = amounts
    return participant_paid, dict(prior.item_units), item_amount, contract_paid, payer_paid


def _verdicts_looking_ahead(
    ordered: Sequence[Result], items: Mapping[str, RateItem], prior: PriorUsage
) -> list[str | None]:
    """The rules' verdicts (pricing._participant_verdicts) where a prerequisite may count later in the order on
    the same day: each pair's dates looked up, not scanned."""
    # Only a result whose item has a prerequisite looks ahead (to the day its prerequisite counts): the dates
    # of the pairs of such items and of their prerequisites are all that is indexed.
    looked_at = {code for code, item in items.items() if item.prerequisite is not None}
    looked_at |= {items[code].prerequisite for code in looked_at}  # type: ignore[misc]  # not None here
    days: dict[Pair, list[date]] = {}
    for result in ordered:
        if result.item in looked_at and result.participant is not None:
            days.setdefault((result.participant, result.item), []).append(result.achieved_on)  # type: ignore[arg-type]
    paid = prior.paid_results
    first: dict[Pair, date | None] = dict(paid)
    verdicts: list[str | None] = []
    counted: set[Pair] = set()
    for result in ordered:
        if result.participant is None:
            verdicts.append(None)
            continue
        pair = (result.participant, result.item)
        # A pair counted before (in this claim or an earlier one) is a duplicate whatever its prerequisite: it
        # counted on a day on or after the day its prerequisite counted, and this result is not earlier.
        if pair in paid or pair in counted:
            verdicts.append(DUPLICATE)
        elif items[result.item].prerequisite is not None and (
            (since := _counted_on(pair, items, days, first)) is None or result.achieved_on < since  # type: ignore[operator]
        ):
            verdicts.append(PREREQUISITE_MISSING)
        else:  # without a prerequisite, a pair counts on its first day: this one, as none came before
            counted.add(pair)
            verdicts.append(None)
    return verdicts


def _counted_on(
    pair: Pair, items: Mapping[str, RateItem], days: Mapping[Pair, list[date]], first: dict[Pair, date | None]
) -> date | None:
    """The day the pair first counts, remembered in ``first`` (a function of the module, not a closure: a
    closure calling itself is a reference cycle, and the dates it holds would wait for the collector)."""
    # Days are in the engine's order, so ascending: the first day on or after the prerequisite counts.
    if pair not in first:
        prerequisite = items[pair[1]].prerequisite
        dates = days.get(pair, [])
        if prerequisite is None:
            first[pair] = dates[0] if dates else None
        else:
            needed = _counted_on((pair[0], prerequisite), items, days, first)
            at = len(dates) if needed is None else bisect_left(dates, needed)
            first[pair] = dates[at] if at < len(dates) else None
    return first[pair]
