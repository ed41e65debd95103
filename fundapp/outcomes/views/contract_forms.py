"""The contract and rate-card forms: their inputs as the dict the schemas load, the errors beside the inputs.

The pages name inputs flatly (``share2_percent``, ``item3_max_units``, ``item3_bands``), the schemas
nest (``payers[1].share_percent``, ``items[0].max_units``); both directions are mapped here, so the
numbers are read by the same fields as on the API and every error shows beside what was typed.
"""

from __future__ import annotations

import re
from typing import Any

import marshmallow as ma
from werkzeug.datastructures import MultiDict

from fundapp.errors import AppError, flatten_messages
from fundapp.messages import N_
from fundapp.outcomes.contract_schemas import (
    ContractCreateSchema,
    ContractPayerInSchema,
    ItemRowSchema,
    RateCardCreateSchema,
)
from fundapp.validation import WholeNumberField, form_to_data
from fundapp.web import FormResult

ITEM_ROWS = 8
# The input of a rate-card row (item{n}_<input>) for each item key of the schema.
ITEM_INPUTS = {
    **{
        key: key
        for key in ("code", "name", "price", "max_units", "max_amount", "prerequisite", "evidence", "evidence_kind")
    },
    "price_bands": "bands",
}
# The inputs of the first and the second payer of a contract.
PAYER_INPUTS = (
    {"payer_id": "payer_id", "share_percent": "share_percent", "commitment": "commitment"},
    {"payer_id": "payer2_id", "share_percent": "share2_percent", "commitment": "commitment2"},
)
BANDS_MESSAGE = N_("Write price bands as 0-11: 1000; 12-35: 1500.50; 36+: 2000 (one band per line, or separated by ;).")
BOTH_MESSAGE = N_("Apply a rate card or fill in the items, not both.")
NO_ITEMS_MESSAGE = N_("Give at least one rate-card item (code, name, price).")
PARTICIPANTS_MESSAGE = N_("Enter a whole number of participants.")

# A band: months (from-to, from+ or from alone, meaning from and up), a colon, the price as typed.
BAND = re.compile(r"(?P<low>[^:+-]+?)\s*(?:-\s*(?P<high>[^:]+?)|\+)?\s*:\s*(?P<price>.+)")
# The old notation separated bands by commas; a comma is a band separator only when a band follows it,
# so that a Dutch decimal comma in a price (0-11: 1000,50) stays part of the price.
OLD_SEPARATOR = re.compile(r",(?=\s*[0-9]+\s*(?:-\s*[0-9]+\s*|\+\s*)?:)")


def band_texts(text: str) -> list[dict[str, str | None]] | None:
    """'0-11: 1.000; 12-35: 1.500,50; 36+: 2.000' as bands of typed text (the schema reads the numbers).

    None when a part is not a band at all.
    """
    parts = [part for chunk in re.split(r"[;\n]", text) for part in OLD_SEPARATOR.split(chunk)]
    bands: list[dict[str, str | None]] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        match = BAND.fullmatch(part)
        if match is None:
            return None
        bands.append({"min_months": match["low"], "max_months": match["high"], "price": match["price"].strip()})
    return bands


def items_from_form(form: Any, rows: list[int], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Every row with anything typed in it, as the item the schema loads (a half-filled row is refused, not lost).

    ``rows`` receives the number of the row each item came from: items[i] is row rows[i].
    """
    items = []
    for n in range(ITEM_ROWS):
        typed = {key: (form.get(f"item{n}_{name}") or "") for key, name in ITEM_INPUTS.items()}
        if not any(value.strip() for value in typed.values()):
            continue
        bands_text = typed.pop("price_bands")
        item = form_to_data(ItemRowSchema(), _filled(typed))
        if bands_text.strip():
            bands = band_texts(bands_text)
            if bands is None:
                errors[f"item{n}_bands"] = [BANDS_MESSAGE]
            else:
                item["price_bands"] = bands
        rows.append(n)
        items.append(item)
    return items


def _payers_from_form(form: Any) -> list[dict[str, Any]]:
    payers = []
    for index, inputs in enumerate(PAYER_INPUTS):
        typed = {key: form.get(name) or "" for key, name in inputs.items()}
        if index == 0 or any(value.strip() for value in typed.values()):
            payers.append(form_to_data(ContractPayerInSchema(), _filled(typed)))
    return payers


def _filled(typed: dict[str, str]) -> MultiDict:
    """The inputs of a row that hold something: an empty required one is then "missing", not "not a number"."""
    return MultiDict({key: value for key, value in typed.items() if value.strip()})


def load_contract_form(form: Any) -> tuple[FormResult, list[int]]:
    rows: list[int] = []
    errors: dict[str, list[str]] = {}
    raw = form_to_data(ContractCreateSchema(), form)
    raw["payers"] = _payers_from_form(form)
    items = items_from_form(form, rows, errors)
    if items and raw.get("rate_card_id"):
        errors["rate_card_id"] = [BOTH_MESSAGE]
    raw["items"] = items or None
    return _load(ContractCreateSchema(), raw, rows, errors), rows


def load_rate_card_form(form: Any) -> tuple[FormResult, list[int]]:
    rows: list[int] = []
    errors: dict[str, list[str]] = {}
    raw = form_to_data(RateCardCreateSchema(), form)
    raw["items"] = items_from_form(form, rows, errors)
    if not raw["items"]:
        errors["items"] = [NO_ITEMS_MESSAGE]
    return _load(RateCardCreateSchema(), raw, rows, errors), rows


def _load(schema: ma.Schema, raw: dict[str, Any], rows: list[int], errors: dict[str, list[str]]) -> FormResult:
    try:
        data = schema.load(raw)
    except ma.ValidationError as exc:
        data = None
        for name, messages in errors_beside_inputs(flatten_messages(exc.messages), rows).items():
            errors.setdefault(name, []).extend(messages)
    return FormResult(None if errors else data, errors, None)


def service_errors(exc: AppError, rows: list[int]) -> dict[str, list[str]]:
    """A service's refusal (a duplicate reference, a band overlap) beside the inputs it concerns."""
    details = [d for d in exc.details if isinstance(d, dict) and "field" in d]
    return errors_beside_inputs(details, rows) or {"_schema": [exc.message]}


def errors_beside_inputs(details: list[dict[str, str]], rows: list[int]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for detail in details:
        errors.setdefault(_input_name(detail.get("field", "_schema"), rows), []).append(detail.get("message", ""))
    return errors


def _input_name(path: str, rows: list[int]) -> str:
    """'items[2].price_bands[0].price' or 'items.2.max_units' (the schema's way) as the input's name."""
    head, *rest = re.sub(r"\[(\d+)\]", r".\1", path).split(".")
    index = int(rest[0]) if rest and rest[0].isdigit() else None
    key = rest[1] if len(rest) > 1 else ""
    if head == "payers" and index is not None and index < len(PAYER_INPUTS):
        return PAYER_INPUTS[index].get(key, PAYER_INPUTS[index]["payer_id"])
    if head == "items" and index is not None and index < len(rows):
        return f"item{rows[index]}_{ITEM_INPUTS.get(key, 'code')}"
    return head


def simulation_schema(codes: list[str]) -> ma.Schema:
    """The what-if form: the expected participants per item, and their months on a benefit (for the bands)."""
    fields: dict[str, ma.fields.Field] = {
        f"count_{code}": WholeNumberField(
            load_default=0,
            validate=ma.validate.Range(min=0, max=100_000, error=PARTICIPANTS_MESSAGE),
            error_messages={"invalid": PARTICIPANTS_MESSAGE},
        )
        for code in codes
    }
    fields["months"] = WholeNumberField(load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=1200))
    return ma.Schema.from_dict(fields)()
