"""The one error of the banking modules: an English message a page can translate.

The message is kept as its template (marked with ``N_`` so that it lands in the
Dutch catalog) and its parameters; ``str(error)`` is the English text and
``error.in_language(gettext)`` the reader's (a ``field`` parameter, the name
of the field at fault, is translated too).
"""

from __future__ import annotations

from collections.abc import Callable


class BankingError(ValueError):
    """Invalid banking input; the message says what is wrong."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)

    def in_language(self, gettext: Callable[[str], str]) -> str:
        params = dict(self.params)
        if isinstance(params.get("field"), str):
            params["field"] = gettext(str(params["field"]))
        translated = gettext(self.template)
        return translated % params if params else translated
