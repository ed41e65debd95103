"""Shared marshmallow fields and validators: one validation layer for API and forms."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import marshmallow as ma
from flask import Request

from fundapp.errors import ValidationFailed
from fundapp.money import MoneyError, to_decimal

KVK_RE = re.compile(r"^[0-9]{8}$", re.ASCII)


def normalize_kvk(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_kvk(value: str) -> None:
    # KvK numbers are 8 digits. The KvK dropped the old eleven-test for new
    # numbers, so the format is what can be checked (plus: not all zeros).
    if not KVK_RE.match(value):
        raise ma.ValidationError("A KvK number has exactly 8 digits.")
    if value == "00000000":
        raise ma.ValidationError("00000000 is not a KvK number.")


class KvkNumber(ma.fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = normalize_kvk(super()._deserialize(value, attr, data, **kwargs))
        validate_kvk(text)
        return text


# Whole sentences (not f-strings), so that the pages can show them in the reader's language.
DECIMALS_MESSAGES = {2: "Use at most two decimals.", 4: "Use at most 4 decimals.", 6: "Use at most six decimals."}


class MoneyField(ma.fields.Field):
    """Money as a decimal string in and out ("1234.50"); floats are refused."""

    def __init__(
        self,
        *,
        min_value: Decimal | None = Decimal("0"),
        max_value: Decimal | None = Decimal("1e13"),
        places: int = 2,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("metadata", {}).setdefault("example", "1234.50")
        super().__init__(**kwargs)
        self.min_value, self.max_value, self.places = min_value, max_value, places

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return f"{Decimal(value).quantize(Decimal(1).scaleb(-self.places)):f}"

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, float):
            raise ma.ValidationError('Send amounts as a decimal string, e.g. "1234.50", not as a number.')
        if isinstance(value, str):
            value = value.strip().replace(",", ".") if value.count(",") == 1 and "." not in value else value.strip()
        try:
            amount = to_decimal(value)
        except MoneyError as exc:
            raise ma.ValidationError("Enter an amount such as 1234.50.") from exc
        if amount.as_tuple().exponent < -self.places:  # type: ignore[operator]
            raise ma.ValidationError(DECIMALS_MESSAGES.get(self.places, "Use fewer decimals."))
        if self.min_value is not None and amount < self.min_value:
            raise ma.ValidationError(self._too_small_message())
        if self.max_value is not None and amount > self.max_value:
            raise ma.ValidationError("This amount is too large.")
        return amount

    def _too_small_message(self) -> str:
        if self.min_value == 0:
            return "Must not be negative."
        if self.min_value == Decimal("0.01"):
            return "Must be more than zero."
        return "This amount is too small."

    def _jsonschema_type_mapping(self) -> dict[str, Any]:
        return {"type": "string"}


class PercentField(MoneyField):
    def __init__(self, *, places: int = 4, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal("100"))
        kwargs.setdefault("metadata", {}).setdefault("example", "2.5")
        super().__init__(places=places, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return f"{Decimal(value).normalize():f}"


FIRST_DAY, LAST_DAY = date(1800, 1, 1), date(2199, 12, 31)


class Day(ma.fields.Date):
    """A date the app can calculate with: years far off (0001, 9999) make date arithmetic overflow."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ma.ValidationError("Use a date between the years 1800 and 2199.")
        return day


class RatioField(ma.fields.Decimal):
    """A ratio out of the API (PAR30 0.052300, an XIRR) as a decimal string of six places, exact like money."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {}).update(example="0.052300", pattern=r"^-?[0-9]+\.[0-9]{6}$")
        super().__init__(places=6, rounding=ROUND_HALF_UP, as_string=True, **kwargs)


class TrimmedString(ma.fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if any(ord(ch) < 32 and ch not in "\n\r\t" for ch in text):
            raise ma.ValidationError("Contains control characters.")
        return text


def load_or_fail(schema: ma.Schema, data: Any, partial: bool = False) -> dict[str, Any]:
    try:
        return schema.load(data, partial=partial)
    except ma.ValidationError as exc:
        raise ValidationFailed.from_messages(exc.messages) from exc


DUTCH_AMOUNT = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


def normalize_form_amount(text: str, locale: str) -> str:
    """What a person typed into an amount field, as a plain decimal: 1.250.000,00 (nl) or 1,250,000.00 (en)."""
    text = text.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    if locale == "nl":
        if DUTCH_AMOUNT.match(text):
            return text.replace(".", "").replace(",", ".")
        if text.count(",") == 1 and "." not in text:
            return text.replace(",", ".")
        return text
    return text.replace(",", "") if re.match(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$", text) else text


def _form_locale() -> str:
    try:
        from fundapp.i18n import locale_name

        return locale_name()
    except RuntimeError:
        return "nl"


def form_to_data(schema: ma.Schema, form: Any) -> dict[str, Any]:
    """An HTML form post as the dict the schema loads: lists for list fields, empty optional fields dropped."""
    data: dict[str, Any] = {}
    for name, field in schema.fields.items():
        if field.dump_only:
            continue
        key = field.data_key or name
        if isinstance(field, ma.fields.List):
            values = [v for v in form.getlist(key) if v.strip() != ""]
            if values or key in form or f"{key}__present" in form:
                data[key] = values
            continue
        if isinstance(field, ma.fields.Boolean):
            if f"{key}__present" in form or key in form:
                data[key] = form.get(key) in {"on", "true", "1", "yes"}
            continue
        if key not in form:
            continue
        value = form.get(key, "")
        if value.strip() == "" and not field.required:
            # An empty optional field means "no value": None where allowed, else the default.
            if field.allow_none:
                data[key] = None
            continue
        if isinstance(field, MoneyField):
            data[key] = normalize_form_amount(value, _form_locale())
            continue
        if isinstance(field, ma.fields.Integer) and value.strip().lstrip("-").isdigit():
            # A form posts text; the API's strict integers take the number it means.
            data[key] = int(value.strip())
            continue
        data[key] = value
    return data


def request_json(req: Request) -> Any:
    data = req.get_json(silent=True)
    if data is None:
        raise ValidationFailed(
            "Send a JSON object with Content-Type: application/json.", [{"field": "_body", "message": "not JSON"}]
        )
    return data
