"""Participant references: one normal form, and never a BSN.

A reference is how a provider tells its participants apart (``D-0001``). One participant
must be one reference however it was typed - in a KPI workbook, through the API or on a
page - so a reference is normalised before it is stored or compared: Unicode NFKC
(full-width and other compatibility forms), invisible format characters removed (zero-width
spaces and joiners, the byte order mark, direction marks), every dash look-alike made "-",
every decimal digit of any script made its ASCII digit, white space collapsed, and upper
case (``d-0001`` is ``D-0001``, as the upload has always compared them).

A BSN (the Dutch citizen service number) is personal data that is never stored here. A
reference is refused when any nine digits in a row in it, with separators (space, dot,
dash, underscore, slash) allowed between them, pass the BSN eleven-test; so are eight
digits alone, a BSN whose leading zero a spreadsheet number cell dropped. About one in
eleven runs of nine digits passes the test, so references with nine digits or more are
best avoided altogether.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata

MAX_LENGTH = 64  # the width of the reference columns
# Dash look-alikes outside Unicode's dash punctuation (Pd): minus signs and the hyphen bullet.
_OTHER_DASHES = frozenset("\u2212\u2796\u02d7\u2043")
# Unicode's default-ignorable code points that are not format characters (Cf): invisible wherever they are.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_DIGIT_RUN = re.compile(r"[0-9](?:[ ._/-]*[0-9])*")
_NOT_DIGIT = re.compile(r"[^0-9]")
_NON_DIGITS = re.compile(r"[^0-9]+")
_ONLY_DIGITS_AND_SEPARATORS = re.compile(r"[0-9 ._/-]+")
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_PLAIN = re.compile(f"[!-~]{{1,{MAX_LENGTH}}}")  # printable ASCII without spaces: normalising only makes it upper case


class ReferenceRefused(ValueError):
    """A reference that may not be stored; reason is "empty", "too_long" or "bsn"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def normalise_reference(text: str) -> str:
    """The one form a reference is stored and compared in."""
    if not text.isascii():
        text = "".join(_normal_character(c) for c in unicodedata.normalize("NFKC", text))
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split()).upper()


def _normal_character(character: str) -> str:
    category = unicodedata.category(character)
    if category == "Cf" or _IGNORABLE.match(character):  # zero-width characters, BOM, direction marks
        return ""
    if category == "Pd" or character in _OTHER_DASHES:
        return "-"
    if category == "Nd":
        return str(unicodedata.decimal(character))
    return character


def contains_bsn(text: str) -> bool:
    """Whether the reference holds a number that passes the BSN eleven-test (see the module's rule)."""
    return _holds_bsn(normalise_reference(text))


def _holds_bsn(normal: str) -> bool:
    if len(_NON_DIGITS.sub("", normal)) < 8:  # the common case, decided fast: a BSN needs 8 or 9 digits
        return False
    return _holds_bsn_in_runs(normal)


def _holds_bsn_in_runs(normal: str) -> bool:
    runs = [_NOT_DIGIT.sub("", run) for run in _DIGIT_RUN.findall(normal)]
    if _ONLY_DIGITS_AND_SEPARATORS.fullmatch(normal) and len(runs) == 1 and len(runs[0]) == 8:
        runs = ["0" + runs[0]]
    return any(_passes_eleven_test(run[start : start + 9]) for run in runs for start in range(len(run) - 8))


def _passes_eleven_test(digits: str) -> bool:
    """9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11; all zeros is not a BSN."""
    if digits == "000000000":
        return False
    return sum(weight * int(digit) for weight, digit in zip(_WEIGHTS, digits, strict=True)) % 11 == 0


def plain_reference(text: str) -> str | None:
    """checked_reference's answer, decided fast, for a reference typed in printable ASCII without spaces and holding
    no BSN (nearly every one); None for any other text, which is then checked the full way."""
    if _PLAIN.fullmatch(text) is None:
        return None
    normal = text.upper()
    return None if _holds_bsn(normal) else normal


def checked_reference(text: str) -> str:
    """The reference in its normal form, or ReferenceRefused: empty, too long, or holding a BSN."""
    normal = normalise_reference(text)
    if not normal:
        raise ReferenceRefused("empty")
    if len(normal) > MAX_LENGTH:
        raise ReferenceRefused("too_long")
    if _holds_bsn(normal if normal.isascii() else normalise_reference(normal)):  # ASCII: normal already
        raise ReferenceRefused("bsn")
    return normal
