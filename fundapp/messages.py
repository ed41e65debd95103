"""Messages from libraries that a user sees (marshmallow's validation errors), marked for translation.

The pages translate an error message when they show it (``_(message)``); listing
the library's fixed messages here puts them in the Dutch catalog. Messages with
numbers in them (lengths, ranges, choices) are listed as templates: the page
finds the template a message fits and fills in the Dutch one (``localized``).
"""

from __future__ import annotations

import re
from collections.abc import Callable


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

# marshmallow's validators word these with the numbers filled in.
LIBRARY_TEMPLATES = (
    N_("Length must be between %(min)s and %(max)s."),
    N_("Length must be %(equal)s."),
    N_("Shorter than minimum length %(min)s."),
    N_("Longer than maximum length %(max)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be greater than %(min)s."),
    N_("Must be less than or equal to %(max)s."),
    N_("Must be one of: %(choices)s."),
)
# fundapp's own messages with values in them; a date in one (ISO, as the API gives it) is shown the reader's way.
CONTRACT_RUNS = N_("The contract runs from %(start)s to %(end)s.")
BANK_AMOUNT_DIFFERS = N_("The statement shows %(amount)s; the batch line %(line)s is for %(line_amount)s.")
BANK_CREDIT_FOR_DEBIT = N_(
    "The statement shows a credit of %(amount)s; the batch line %(line)s is a debit of %(line_amount)s."
)
BANK_DEBIT_FOR_CREDIT = N_(
    "The statement shows a debit of %(amount)s; the batch line %(line)s is a credit of %(line_amount)s."
)
PASSWORD_TOO_SHORT = N_("Use at least %(min)s characters.")
DOCUMENT_TOO_LARGE = N_("The file is larger than the limit of %(mb)s MB.")
DOCUMENT_NO_ENDING = N_("The file name needs an ending that says its type (%(endings)s).")
DOCUMENT_UNKNOWN_TYPE = N_("The contents are not a file type we accept (%(endings)s).")
DOCUMENT_REFUSED_TYPE = N_("The contents are a .%(found)s file, which is not accepted (%(endings)s).")
DOCUMENT_NAME_DIFFERS = N_("The name says .%(said)s, but the contents are a .%(found)s file.")
EVIDENCE_NEEDED = N_("This result needs a document of the kind %(kind)s before it can be verified.")
APP_TEMPLATES = (
    PASSWORD_TOO_SHORT,
    CONTRACT_RUNS,
    BANK_AMOUNT_DIFFERS,
    BANK_CREDIT_FOR_DEBIT,
    BANK_DEBIT_FOR_CREDIT,
    DOCUMENT_TOO_LARGE,
    DOCUMENT_NO_ENDING,
    DOCUMENT_UNKNOWN_TYPE,
    DOCUMENT_REFUSED_TYPE,
    DOCUMENT_NAME_DIFFERS,
    EVIDENCE_NEEDED,
)
_PATTERNS = [
    (re.compile("^" + re.sub(r"%\\\((\w+)\\\)s", r"(?P<\1>.+?)", re.escape(template)) + "$"), template)
    for template in LIBRARY_TEMPLATES + APP_TEMPLATES
]
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


# A page words these for a person; the API keeps the library's words.
PAGE_WORDING = {
    "Missing data for required field.": N_("This field is required."),
}


def localized(message: str, gettext: Callable[[str], str], day: Callable[[str], str] = str) -> str:
    """The message in the reader's language: from the catalog, or through the template it fits.

    ``day`` writes a date found among a template's values the reader's way.
    """
    message = PAGE_WORDING.get(message, message)
    translated = gettext(message)
    if translated != message:
        return translated
    for pattern, template in _PATTERNS:
        match = pattern.match(message)
        if match:
            values = {k: day(v) if _ISO_DAY.fullmatch(v) else v for k, v in match.groupdict().items()}
            return gettext(template) % values
    return message
