"""Messages from libraries that a user sees (marshmallow's validation errors), marked for translation.

The pages translate an error message when they show it (``_(message)``); listing
the library's fixed messages here puts them in the Dutch catalog. Messages with
numbers in them (lengths, ranges) stay as the library words them.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional name of gettext's no-op marker
    return message


LIBRARY_MESSAGES = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid string."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid boolean."),
    N_("Not a valid email address."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Invalid value."),
    N_("Invalid input type."),
    N_("Unknown field."),
    N_("Must be greater than or equal to 1."),
    N_("The request is not valid."),
)
