"""Shared marshmallow fields and validators: one validation layer for API and forms."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import marshmallow as ma
from babel.numbers import format_decimal
from flask import Request, has_request_context, request

from fundapp.errors import ValidationFailed
from fundapp.messages import N_
from fundapp.money import CENT, MoneyError, money_str, to_decimal

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
DECIMALS_MESSAGES = {
    2: N_("Use at most two decimals."),
    4: N_("Use at most 4 decimals."),
    6: N_("Use at most six decimals."),
}


def typed_in_a_page() -> bool:
    """Whether a value comes from a form a person filled in on a page, not from an API client."""
    return has_request_context() and not request.path.startswith("/api/")


class DecimalTextField(ma.fields.Field):
    """A decimal number as text: exactly ``-?[0-9]+(.[0-9]{1,places})?`` in ASCII from an API client.

    "1e2", "1_000", "NaN", "Infinity", spaces, full-width or Arabic-Indic digits and floats are
    refused (``Decimal()`` would read most of them); a JSON integer is exact and accepted. On a
    page, what a person typed in the reader's locale ("1.000,50" in Dutch) is first turned into
    that plain text, and anything else is refused the same way.
    """

    float_message = N_('Send the value as a decimal string, e.g. "12.5".')
    invalid_message = N_("Enter a number.")
    too_small_message = N_("This number is too small.")
    too_large_message = N_("This number is too large.")

    def __init__(
        self, *, min_value: Decimal | None = None, max_value: Decimal | None = None, places: int = 4, **kwargs: Any
    ) -> None:
        kwargs.setdefault("metadata", {}).setdefault("pattern", f"^-?[0-9]+(\\.[0-9]{{1,{places}}})?$")
        super().__init__(**kwargs)
        self.min_value, self.max_value, self.places = min_value, max_value, places

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, float):
            raise ma.ValidationError(self.float_message)
        if isinstance(value, str) and typed_in_a_page():
            value = normalize_form_amount(value, _form_locale())
        try:
            number = to_decimal(value)
        except MoneyError as exc:
            raise ma.ValidationError(self.invalid_message) from exc
        if number.as_tuple().exponent < -self.places:  # type: ignore[operator]
            raise ma.ValidationError(DECIMALS_MESSAGES.get(self.places, N_("Use fewer decimals.")))
        if self.min_value is not None and number < self.min_value:
            raise ma.ValidationError(self._too_small_message())
        if self.max_value is not None and number > self.max_value:
            raise ma.ValidationError(self.too_large_message)
        return number

    def _too_small_message(self) -> str:
        if self.min_value == 0:
            return N_("Must not be negative.")
        if self.min_value == CENT:
            return N_("Must be more than zero.")
        return self.too_small_message

    def _jsonschema_type_mapping(self) -> dict[str, Any]:
        return {"type": "string"}


class MoneyField(DecimalTextField):
    """Money as a decimal string in and out ("1234.50"), rounded half-up when dumped; floats are refused."""

    float_message = N_('Send amounts as a decimal string, e.g. "1234.50", not as a number.')
    invalid_message = N_("Enter an amount such as 1234.50.")
    too_small_message = N_("This amount is too small.")
    too_large_message = N_("This amount is too large.")

    def __init__(
        self,
        *,
        min_value: Decimal | None = Decimal("0"),
        max_value: Decimal | None = Decimal("1e13"),
        places: int = 2,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("metadata", {}).setdefault("example", "1234.50")
        super().__init__(min_value=min_value, max_value=max_value, places=places, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else money_str(to_decimal(value), self.places)


class PercentField(MoneyField):
    """A percentage as a decimal string ("2.5"), up to 4 decimals, from 0 to 100 unless told otherwise."""

    float_message = N_('Send percentages as a decimal string, e.g. "2.5", not as a number.')
    invalid_message = N_("Enter a percentage such as 2.5.")
    too_small_message = N_("This percentage is too small.")
    too_large_message = N_("This percentage is too large.")

    def __init__(self, *, places: int = 4, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", Decimal("100"))
        kwargs.setdefault("metadata", {}).setdefault("example", "2.5")
        super().__init__(places=places, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return f"{to_decimal(value).normalize():f}"


class RatioField(DecimalTextField):
    """A ratio or rate given out as a decimal string with a fixed number of decimals, half-up ("0.123457")."""

    def __init__(self, *, places: int = 6, **kwargs: Any) -> None:
        super().__init__(places=places, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else money_str(to_decimal(value), self.places)


FIRST_DAY, LAST_DAY = date(1800, 1, 1), date(2199, 12, 31)


class Day(ma.fields.Date):
    """A date the app can calculate with: years far off (0001, 9999) make date arithmetic overflow."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ma.ValidationError("Use a date between the years 1800 and 2199.")
        return day


class WholeNumberField(ma.fields.Integer):
    """A whole number (a count, months, years): as marshmallow's Integer from an API client.

    On a page, what a person typed in the reader's locale ("1.000" in Dutch, "1,000" in English) is read
    as the number it means; anything else ("1,5", "12x", other scripts' digits) is refused with the
    field's message, never taken as "no value".
    """

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str) and typed_in_a_page():
            text = normalize_form_amount(value, _form_locale())
            if not WHOLE_NUMBER.fullmatch(text):
                raise self.make_error("invalid")
            value = int(text)
        return super()._deserialize(value, attr, data, **kwargs)


WHOLE_NUMBER = re.compile(r"-?[0-9]+", re.ASCII)


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


DUTCH_AMOUNT = re.compile(r"-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]+)?")
ENGLISH_AMOUNT = re.compile(r"-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?")


def normalize_form_amount(text: str, locale: str) -> str:
    """What a person typed into a number field, as plain decimal text: 1.250.000,50 (nl) or 1,250,000.50 (en).

    Spaces and a euro sign are dropped; a lone comma is a decimal comma in either language.
    Anything else is left as typed, for the field to refuse.
    """
    text = re.sub(r"[\s€]", "", text)  # \s: also the (narrow) no-break space
    if locale == "nl" and DUTCH_AMOUNT.fullmatch(text):
        return text.replace(".", "").replace(",", ".")
    if locale != "nl" and ENGLISH_AMOUNT.fullmatch(text):
        return text.replace(",", "")
    if text.count(",") == 1 and "." not in text:
        return text.replace(",", ".")
    return text


def as_typed(value: Decimal) -> str:
    """A number as a person types it in the reader's language (2,75 or 1.000.000,5 in Dutch), read back exactly.

    A form shows stored numbers so: "2.750000" would be refused (too many decimals) and
    "2.125" would read as 2125 in Dutch.
    """
    return format_decimal(value, locale=_form_locale(), decimal_quantization=False)


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
        if value.strip() == "":
            # An empty required field is a missing one ("This field is required"); an empty optional
            # field means "no value": None where allowed, else the default.
            if field.allow_none and not field.required:
                data[key] = None
            continue
        if isinstance(field, ma.fields.Integer) and not isinstance(field, WholeNumberField):
            # A form posts text; the API's strict integers (ids chosen in a list) take the number it means.
            data[key] = int(value.strip()) if WHOLE_NUMBER.fullmatch(value.strip()) else value
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
