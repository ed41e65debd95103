"""Helpers for server-rendered pages: forms loaded by the same schemas as the API, flashes, lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import marshmallow as ma
from flask import current_app, flash, g, redirect, request

from fundapp import clock
from fundapp.errors import AppError, ValidationFailed, flatten_messages
from fundapp.i18n import gettext as _
from fundapp.listing import int_arg


class FormResult:
    """What a posted form gave: the loaded data, or the errors per field (and what was typed)."""

    def __init__(self, data: dict[str, Any] | None, errors: dict[str, list[str]], raw: Any) -> None:
        self.data = data
        self.errors = errors
        self.raw = raw

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.errors

    @property
    def loaded(self) -> dict[str, Any]:
        """The loaded data of a form that is ``ok``."""
        if self.data is None or self.errors:
            raise ValueError("the form did not load")
        return self.data


def load_form(schema: ma.Schema, partial: bool = False) -> FormResult:
    from fundapp.validation import form_to_data

    raw = request.form
    try:
        data = schema.load(form_to_data(schema, raw), partial=partial)
    except ma.ValidationError as exc:
        return FormResult(None, errors_by_field(flatten_messages(exc.messages)), raw)
    return FormResult(data, {}, raw)


def errors_by_field(details: list[dict[str, str]]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for detail in details:
        field = detail.get("field", "_schema").split(".")[0]
        errors.setdefault(field, []).append(detail.get("message", ""))
    return errors


def app_error_to_form(exc: AppError) -> dict[str, list[str]]:
    """A service's error (409 duplicate, 422 unknown theme) shown beside its field."""
    errors = errors_by_field([d for d in exc.details if isinstance(d, dict) and "field" in d])
    if not errors:
        errors["_schema"] = [exc.message]
    return errors


def remember_label(name: str, label: Any) -> None:
    """A form field's visible label, noted while the form is drawn, for the error summary above it."""
    g.setdefault("field_labels", {})[name] = str(label)


def field_labels() -> dict[str, str]:
    """The labels of the form being drawn: the summary names each field as its <label> does."""
    return g.setdefault("field_labels", {})


def done(message: str, url: str, category: str = "success") -> Any:
    """After a change (or a page whose action no longer applies, category "warning"): say so, and go on."""
    flash(message, category)
    return redirect(url, code=303)


def no_longer(why: str | None, url: str) -> Any | None:
    """The page of an action that no longer applies (``why`` says why, None when it applies): a GET goes back to
    the object with a warning. A POST goes on to the service, which refuses it with its own error."""
    if why is None or request.method != "GET":
        return None
    return done(why, url, "warning")


def as_of_arg() -> date:
    """The date asked for in ?as_of=, today without one; a date the app cannot read or reach is a 422 saying so."""
    from fundapp.validation import Day

    text = request.args.get("as_of", "").strip()
    if not text:
        return clock.today()
    try:
        return Day().deserialize(text)
    except ma.ValidationError as exc:
        raise ValidationFailed.from_messages({"as_of": exc.messages}) from exc


def list_args(default_sort: str) -> dict[str, Any]:
    return {
        "page": int_arg(request.args, "page", 1),
        "page_size": int_arg(request.args, "page_size", current_app.config["PAGE_SIZE"], 5, 200),
        "sort": request.args.get("sort") or default_sort,
        "q": (request.args.get("q") or "").strip()[:200] or None,
    }


__all__ = ["FormResult", "_", "app_error_to_form", "done", "errors_by_field", "list_args", "load_form", "no_longer"]


def as_typed_values(values: Any) -> Any:
    """A form's prefilled numbers (stored values, defaults) as a person types them in the reader's language."""
    from fundapp.validation import as_typed

    if isinstance(values, dict) and any(isinstance(v, Decimal) for v in values.values()):
        return {key: as_typed(v) if isinstance(v, Decimal) else v for key, v in values.items()}
    return values


def handle_form(schema: ma.Schema, values: Any, save: Any, template: str, **context: Any) -> Any:
    """GET shows the form; POST loads it with the schema and calls ``save(data)``, which answers a response.

    Errors (the schema's, or a service's 409/422) are shown beside their fields
    with what was typed kept; the response is then 422, so nothing is committed.
    Stored numbers are shown as a person types them in the reader's language.
    """
    from flask import render_template

    from fundapp.errors import Conflict, ValidationFailed

    errors: dict[str, list[str]] = {}
    values = as_typed_values(values)
    if request.method == "POST":
        form = load_form(schema)
        values, errors = form.raw, form.errors
        if form.ok:
            try:
                return save(form.loaded)
            except (ValidationFailed, Conflict) as exc:
                errors = app_error_to_form(exc)
    return render_template(template, values=values, errors=errors, **context), (422 if errors else 200)


def confirm_with_reason(schema: ma.Schema, act: Any, message: str, back: str, reason_label: str, **page: Any) -> Any:
    """An irreversible step that needs a reason: GET asks, POST with a valid reason does ``act(reason)``.

    ``page`` holds the confirmation page's title, question and button; a missing
    or too short reason shows the page again (422) with what was typed and the problem beside it.
    """
    from flask import render_template

    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = load_form(schema)
        errors = form.errors
        if form.ok:
            act(form.loaded["reason"])
            return done(message, back)
    return render_template(
        "confirm.html",
        back=back,
        action=request.path,
        reason_field=reason_label,
        reason=request.form.get("reason", ""),
        reason_errors=[m for ms in errors.values() for m in ms],
        **page,
    ), (422 if errors else 200)
