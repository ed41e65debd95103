"""What an uploaded document is, read from its bytes; the name it is kept under."""

from __future__ import annotations

import io

import openpyxl
import pytest

from fundapp.documents.intake import Refused, examine, safe_name
from tests.documents_files import EXE, HTML, JPEG, PDF, PNG, SVG, docx

LIMIT = 1024 * 1024


def xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (PDF, "a.pdf", "application/pdf"),
        (PNG, "a.PNG", "image/png"),
        (JPEG, "a.jpg", "image/jpeg"),
        (JPEG, "a.jpeg", "image/jpeg"),
        (docx(), "a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (xlsx(), "a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_an_accepted_file_gets_the_type_its_bytes_have(data: bytes, name: str, content_type: str) -> None:
    assert examine(data, name, LIMIT).content_type == content_type


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "a.pdf", "The file is empty."),
        (PDF + b"0" * LIMIT, "a.pdf", "The file is larger than the limit of 1 MB."),
        (PDF, "agreement", "The file name needs an ending that says its type"),
        (xlsx(), "a.docx", "The name says .docx, but the contents are a .xlsx file."),
        (EXE, "a.pdf", "The contents are a .exe file, which is not accepted"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "run.png", "The contents are a .elf file, which is not accepted"),
        (HTML, "a.html", "HTML, SVG and other markup files are not accepted."),
        (b"  \n" + SVG, "a.pdf", "HTML, SVG and other markup files are not accepted."),
        (b"plain words", "a.pdf", "The contents are not a file type we accept"),
    ],
)
def test_a_file_that_is_not_what_it_should_be_is_refused_with_the_reason(data: bytes, name: str, message: str) -> None:
    with pytest.raises(Refused) as refused:
        examine(data, name, LIMIT)
    assert str(refused.value).startswith(message)


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("jaarverslag 2025.pdf", "jaarverslag 2025.pdf"),
        ("C:\\Users\\ik\\loonstrook.pdf", "loonstrook.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..pdf", "pdf"),
        ("uittreksel\x00\x1b[31m.pdf", "uittreksel_31m.pdf"),
        ("Überweisung café.pdf", "Überweisung café.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_a_name_is_kept_without_path_control_or_shell_characters(raw: str, kept: str) -> None:
    assert safe_name(raw) == kept
