"""What an uploaded file is, read from its bytes (filetype), never from its name; and a safe name to keep.

Pure: bytes and a name in, a verdict out. A refusal is a ``Refused`` with the sentence to show.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import filetype

from fundapp.messages import (
    DOCUMENT_NAME_DIFFERS,
    DOCUMENT_NO_ENDING,
    DOCUMENT_REFUSED_TYPE,
    DOCUMENT_TOO_LARGE,
    DOCUMENT_UNKNOWN_TYPE,
    N_,
)

# The content types we keep, and the name endings each may carry.
ACCEPTED: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ("docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ("xlsx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
}
ACCEPTED_ENDINGS = ", ".join(sorted({e for endings in ACCEPTED.values() for e in endings}))
_UNSAFE = re.compile(r"[^\w.\-–—(),+ ]+")  # letters of any script, digits and the punctuation of ordinary names
_MARKUP = re.compile(rb"^\s*(<\?xml|<!doctype|<html|<svg|<script|<)", re.IGNORECASE)


class Refused(ValueError):
    """The file is not kept; the message (from a template of fundapp.messages) says why."""

    def __init__(self, template: str, **params: object) -> None:
        super().__init__(template % params if params else template)


@dataclass(frozen=True)
class Verdict:
    content_type: str
    name: str


def safe_name(raw: str) -> str:
    """The last part of the name as sent, without path, control or shell characters, at most 200 characters."""
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", raw or "")[-1])
    cleaned = _UNSAFE.sub("_", base).strip(" ._")
    stem, dot, ending = cleaned.rpartition(".")
    if dot and len(cleaned) > 200:
        cleaned = stem[: 199 - len(ending)] + "." + ending
    return cleaned[:200]


def _ending(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def examine(data: bytes, raw_name: str, max_bytes: int) -> Verdict:
    if not data:
        raise Refused(N_("The file is empty."))
    if len(data) > max_bytes:
        raise Refused(DOCUMENT_TOO_LARGE, mb=max_bytes // (1024 * 1024))
    name = safe_name(raw_name)
    if not name or "." not in name:
        raise Refused(DOCUMENT_NO_ENDING, endings=ACCEPTED_ENDINGS)
    found = filetype.guess(data)
    if found is None:
        if _MARKUP.match(data[:512]):
            raise Refused(N_("HTML, SVG and other markup files are not accepted."))
        raise Refused(DOCUMENT_UNKNOWN_TYPE, endings=ACCEPTED_ENDINGS)
    if found.mime not in ACCEPTED:
        raise Refused(
            DOCUMENT_REFUSED_TYPE,
            found=found.extension,
            endings=ACCEPTED_ENDINGS,
        )
    if _ending(name) not in ACCEPTED[found.mime]:
        raise Refused(
            DOCUMENT_NAME_DIFFERS,
            said=_ending(name),
            found=found.extension,
        )
    return Verdict(found.mime, name)
