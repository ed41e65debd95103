"""The :86: field of an MT940 statement line, as each Dutch bank writes it.

Structured (MT940S) banks write code words between slashes: ING and Triodos
``/EREF/../CNTP/iban/bic/name/city/../REMI/USTD//text/``, Rabobank
``/EREF/../BENM//NAME/../REMI/../ISDT/..``, ABN AMRO and Knab
``/TRTP/SEPA OVERBOEKING/IBAN/../BIC/../NAME/../REMI/../EREF/..``. The others
write text: de Volksbank (SNS, ASN, RegioBank) and bunq begin with the
counterparty's IBAN and name, Knab's older export ends in ``REK: iban/NAAM: name``,
ABN AMRO's older one has ``IBAN:``, ``NAAM:``, ``OMSCHRIJVING:`` labels, and
Triodos's older one numbers its parts (``>20`` to ``>29`` the description). What is not recognised stays whole in the remittance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The code words of the structured :86: of ING, Rabobank, ABN AMRO, Knab and Triodos.
KEYWORDS = frozenset(
    {
        *("ACCW", "ADDR", "BENM", "BIC", "BUSP", "CDTRREF", "CDTRREFTP", "CHGS", "CNTP", "CREF", "CSID", "EREF"),
        *("EXCH", "IBAN", "ID", "INIT", "IREF", "ISDT", "MARF", "NAME", "NRTX", "OCMT", "ORDP", "PREF", "PURP"),
        *("REMI", "RTRN", "RTYP", "SUM", "SVCL", "TRCD", "TRTP", "ULTB", "ULTC", "ULTD"),
    }
)
# Code words that name a party; the NAME, ID and ADDR after them belong to that party.
PARTIES = frozenset({"BENM", "ORDP", "ULTB", "ULTC", "ULTD", "INIT"})
PARTY_PARTS = frozenset({"NAME", "ID", "ADDR", "ACCW"})

_KEYWORD = re.compile(r"/(" + "|".join(sorted(KEYWORDS, key=len, reverse=True)) + r")/")
_IBAN_LIKE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")
_ACCOUNT_LIKE = re.compile(r"(?:[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}|P?[0-9]{5,10})")
_REASON_CODE = re.compile(r"[A-Z]{2}[0-9]{2}")
_LEADING_IBAN = re.compile(r"(?P<iban>[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30})(?:\s+(?P<name>.*))?")
_KNAB = re.compile(r"REK:\s*(?P<iban>\S+?)\s*/\s*NAAM:\s*(?P<name>.*)$", re.DOTALL)
_ABN_LABELS = re.compile(
    r"(IBAN|BIC|NAAM|OMSCHRIJVING|KENMERK|MACHTIGING|INCASSANT|BETALINGSKENM\.|ID DEBITEUR|ID BEGUNSTIGDE):\s*"
)
_TRIODOS_START = re.compile(r"\d{3}>\d{2}")
_TRIODOS_PART = re.compile(r">(\d{2})")
_ABN_CREDITOR_REF = re.compile(r"ISSUER:\s*\S+\s+REF:\s*(?P<ref>\S+)")
LINE_WIDTH = 65  # a SWIFT line; a full line was wrapped, a shorter one was ended on purpose


@dataclass(frozen=True)
class Details:
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    counterparty_bic: str | None = None
    remittance: str | None = None
    creditor_reference: str | None = None
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    return_reason: str | None = None


def clean(text: str | None) -> str | None:
    text = " ".join((text or "").split())
    return text or None


def join_lines(lines: list[str], first_prefix_width: int = 4) -> str:
    """The :86: lines as one text. A structured field is one text cut into lines, so its
    lines are joined as they are; a text field keeps a space where a short line ended."""
    if lines and lines[0].startswith("/"):
        return "".join(lines)
    joined = ""
    for number, line in enumerate(lines):
        width = len(line) + (first_prefix_width if number == 0 else 0)
        joined += line if width >= LINE_WIDTH else line + " "
    return joined


def split_keywords(text: str) -> list[tuple[str, str]]:
    """``/EREF/x/BENM//NAME/y`` into [("EREF", "x"), ("BENM.NAME", "y")]; [] when not structured."""
    matches = list(_KEYWORD.finditer(text))
    if not matches or matches[0].start() != 0:
        return []
    fields: list[tuple[str, str]] = []
    party = ""
    for number, match in enumerate(matches):
        end = matches[number + 1].start() if number + 1 < len(matches) else len(text)
        key, value = match.group(1), text[match.end() : end]
        if key in PARTIES:
            party = key
        elif key in PARTY_PARTS and party:
            key = f"{party}.{key}"
        else:
            party = ""
        fields.append((key, value))
    return fields


def _first(fields: dict[str, str], *keys: str) -> str | None:
    for key in keys:
        value = clean(fields.get(key, "").strip("/"))
        if value:
            return value
    return None


def _remittance(value: str | None) -> tuple[str | None, str | None]:
    """ING's ``USTD//text/`` and ``STRD/CUR/ref/``; other banks' plain text (ABN AMRO's acceptgiro kenmerk)."""
    if not value:
        return None, None
    if value.startswith("USTD/"):
        return clean(value[5:].strip("/")), None
    if value.startswith("STRD/"):
        parts = [part for part in value[5:].split("/") if part.strip()]
        return None, clean(parts[-1]) if parts else None
    text = clean(value.rstrip("/"))
    found = _ABN_CREDITOR_REF.search(text or "")
    return text, found.group("ref") if found else None


def _reason(value: str | None) -> str | None:
    """The SEPA reason code (MS02, AC04, ...) at the start of /RTRN/; the bank's own code otherwise."""
    value = clean((value or "").strip("/"))
    if not value:
        return None
    match = _REASON_CODE.match(value)
    return match.group(0) if match else value.split("/")[0]


def parse_structured(fields_list: list[tuple[str, str]]) -> Details:
    fields: dict[str, str] = {}
    for key, value in fields_list:
        fields.setdefault(key, value)
    counterparty = fields.get("CNTP", "").split("/")  # ING and Triodos: account/BIC/name/city
    cntp = [part.strip() or None for part in counterparty] + [None] * 4
    remittance, creditor_reference = _remittance(fields.get("REMI"))
    creditor_reference = _first(fields, "CDTRREF") or creditor_reference
    return Details(
        counterparty_name=cntp[2] or _first(fields, "NAME", "BENM.NAME", "ORDP.NAME"),
        counterparty_iban=cntp[0] or _first(fields, "IBAN", "BENM.ACCW", "ORDP.ACCW", "ACCW"),
        counterparty_bic=cntp[1] or _first(fields, "BIC"),
        remittance=remittance,
        creditor_reference=creditor_reference,
        end_to_end_id=_first(fields, "EREF"),
        mandate_id=_first(fields, "MARF"),
        return_reason=_reason(fields.get("RTRN")),
    )


def _labelled(text: str) -> dict[str, str]:
    """ABN AMRO's older text: ``IBAN: NL.. BIC: ABNANL2A NAAM: .. OMSCHRIJVING: ..``."""
    matches = list(_ABN_LABELS.finditer(text))
    found: dict[str, str] = {}
    for number, match in enumerate(matches):
        end = matches[number + 1].start() if number + 1 < len(matches) else len(text)
        found.setdefault(match.group(1), text[match.end() : end].strip())
    return found


def parse_text(text: str, first_line: str) -> Details:
    """The unstructured :86: of de Volksbank, bunq, Knab and ABN AMRO (older export)."""
    knab = _KNAB.search(text)
    if knab:
        before = text[: knab.start()]
        return Details(
            counterparty_iban=knab.group("iban"),
            counterparty_name=clean(knab.group("name")),
            remittance=clean(before),
        )
    labels = _labelled(text)
    if "IBAN" in labels or "NAAM" in labels:
        return Details(
            counterparty_iban=clean(labels.get("IBAN")),
            counterparty_bic=clean(labels.get("BIC")),
            counterparty_name=clean(labels.get("NAAM")),
            remittance=clean(labels.get("OMSCHRIJVING")),
            creditor_reference=clean(labels.get("BETALINGSKENM.")),
            end_to_end_id=clean(labels.get("KENMERK")),
            mandate_id=clean(labels.get("MACHTIGING")),
        )
    leading = _LEADING_IBAN.fullmatch(first_line.strip())
    if leading:
        rest = text.strip()[len(first_line.strip()) :]
        return Details(
            counterparty_iban=leading.group("iban"),
            counterparty_name=clean(leading.group("name")),
            remittance=clean(rest),
        )
    return Details(remittance=clean(text))


def parse_details(lines: list[str]) -> Details:
    if lines and _TRIODOS_START.match(lines[0]):
        # Triodos cuts its text into fixed-width parts (>20, >21, ...), words and all.
        pieces = _TRIODOS_PART.split("".join(lines))
        described = [value for code, value in zip(pieces[1::2], pieces[2::2], strict=False) if code.startswith("2")]
        return Details(remittance=clean("".join(described)))
    text = join_lines(lines)
    fields = split_keywords(text)
    if fields:
        return parse_structured(fields)
    return parse_text(text, lines[0] if lines else "")


def leading_reason_code(remittance: str | None) -> str | None:
    """ING's unstructured returns begin with the reason: ``AC04 NL20INGB...``."""
    match = _REASON_CODE.match(remittance or "")
    return match.group(0) if match and (remittance or "")[4:5] in ("", " ") else None


def looks_like_account(text: str | None) -> bool:
    return bool(text and _ACCOUNT_LIKE.fullmatch(text.strip()))


def looks_like_iban(text: str | None) -> bool:
    return bool(text and _IBAN_LIKE.fullmatch(text.strip()))
