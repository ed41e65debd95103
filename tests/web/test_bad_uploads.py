"""The bad-input corpus (tests/data/bad): every malformed upload is refused with a clear message, nothing stored."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fundapp.audit import AuditEntry
from fundapp.impact.models import Participant, Submission, SubmissionValue
from fundapp.impact.spreadsheets import container, marking, parse
from tests.factories import filled_workbook, make_plan

CORPUS = sorted((Path(__file__).parents[1] / "data" / "bad").iterdir())


def test_the_corpus_holds_at_least_twenty_malformed_uploads():
    assert len([p for p in CORPUS if p.is_file()]) >= 20


@pytest.fixture()
def uploader(client, world, api_headers, db_session):
    make_plan(db_session, world.investee_a)
    db_session.flush()
    return client, api_headers(world.user("member_a")), world.investee_a.id


def _counts(db_session):
    db_session.expire_all()
    return tuple(
        db_session.scalar(select(func.count()).select_from(m))
        for m in (Submission, SubmissionValue, Participant, AuditEntry)
    )


def test_every_file_of_the_corpus_is_refused_through_the_api_with_a_message_and_stores_nothing(uploader, db_session):
    client, headers, investee_id = uploader
    before = _counts(db_session)
    for path in (p for p in CORPUS if p.is_file()):
        response = client.post(
            f"/api/v1/investees/{investee_id}/kpi-submissions",
            headers=headers,
            data={"file": (io.BytesIO(path.read_bytes()), path.name)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422, path.name
        error = response.get_json()["error"]
        assert error["code"] == "invalid_spreadsheet", path.name
        assert error["details"] and all(len(d["message"]) > 10 for d in error["details"]), path.name
        assert {"sheet", "cell", "message"} <= set(error["details"][0]), path.name
    assert _counts(db_session) == before


def test_a_bad_file_uploaded_on_the_web_page_lists_the_problems_and_stores_nothing(
    uploader, login_as, world, db_session
):
    client, _headers, investee_id = uploader
    login_as(world.user("member_a"))
    before = _counts(db_session)
    truncated = next(p for p in CORPUS if "trunc" in p.name)
    response = client.post(
        f"/investees/{investee_id}/kpi/upload",
        data={"file": (io.BytesIO(truncated.read_bytes()), truncated.name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "<td>" in page
    assert _counts(db_session) == before


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(uploader, db_session, monkeypatch):
    client, headers, investee_id = uploader
    monkeypatch.setitem(client.application.config, "MAX_CONTENT_LENGTH", 50_000)
    monkeypatch.setitem(client.application.config, "MAX_UPLOAD_BYTES", 40_000)
    before = _counts(db_session)
    response = client.post(
        f"/api/v1/investees/{investee_id}/kpi-submissions",
        headers=headers,
        data={"file": (io.BytesIO(b"PK" + b"\0" * 200_000), "big.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_spreadsheet"
    assert "larger than" in response.get_json()["error"]["details"][0]["message"]
    assert _counts(db_session) == before


def _with_part_prefixed(data: bytes, part: str, prefix: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                end = content.index(b"?>") + 2 if content.startswith(b"<?xml") else 0
                content = content[:end] + prefix + content[end:]
            target.writestr(info.filename, content)
    return out.getvalue()


# Nine levels of ten: a billion "lol"s, which Python's XML parser refuses with an error of its own.
BILLION_LAUGHS = (
    b'<!DOCTYPE lol [<!ENTITY lol0 "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (n, b"&lol%d;" % (n - 1) * 10) for n in range(1, 10))
    + b"]>"
)


@pytest.fixture()
def entity_upload(uploader, db_session, world):
    """A workbook with one bad cell (so that the page would mark it) and entities declared in its core properties."""
    data = filled_workbook(db_session, world.investee_a, values={"LP-EMPLOYED-HEADCOUNT": "veel"})
    return _with_part_prefixed(data, "docProps/core.xml", BILLION_LAUGHS)


def test_a_declaration_of_entities_is_refused_with_422_naming_the_part_through_the_api(
    uploader, entity_upload, db_session
):
    client, headers, investee_id = uploader
    before = _counts(db_session)
    response = client.post(
        f"/api/v1/investees/{investee_id}/kpi-submissions",
        headers=headers,
        data={"file": (io.BytesIO(entity_upload), "kpi.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    [detail] = response.get_json()["error"]["details"]
    assert "(docProps/core.xml)" in detail["message"] and "DOCTYPE" in detail["message"]
    assert _counts(db_session) == before


def test_a_declaration_of_entities_is_refused_with_422_naming_the_part_on_the_web_page(
    uploader, entity_upload, login_as, world, db_session
):
    client, _headers, investee_id = uploader
    login_as(world.user("member_a"))
    before = _counts(db_session)
    response = client.post(
        f"/investees/{investee_id}/kpi/upload",
        data={"file": (io.BytesIO(entity_upload), "kpi.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "(docProps/core.xml)" in page and "data:application/vnd.openxmlformats" not in page
    assert _counts(db_session) == before


def _count_whole_file_checks(monkeypatch) -> list[int]:
    """Every call of the whole-file check, wherever the spreadsheet package calls it from."""
    calls: list[int] = []
    original = container.inspect_container

    def counting(data, limits):
        calls.append(len(data))
        return original(data, limits)

    for module in (container, parse, marking):
        if hasattr(module, "inspect_container"):
            monkeypatch.setattr(module, "inspect_container", counting)
    return calls


def test_the_web_page_checks_a_refused_file_once_and_still_marks_its_cells(
    uploader, login_as, world, db_session, monkeypatch
):
    client, _headers, investee_id = uploader
    login_as(world.user("member_a"))
    data = filled_workbook(db_session, world.investee_a, values={"LP-EMPLOYED-HEADCOUNT": "veel"})
    calls = _count_whole_file_checks(monkeypatch)
    response = client.post(
        f"/investees/{investee_id}/kpi/upload",
        data={"file": (io.BytesIO(data), "kpi.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "data:application/vnd.openxmlformats" in response.get_data(as_text=True)
    assert calls == [len(data)]


def test_an_accepted_file_is_checked_once(uploader, db_session, world, monkeypatch):
    client, headers, investee_id = uploader
    data = filled_workbook(db_session, world.investee_a)
    calls = _count_whole_file_checks(monkeypatch)
    response = client.post(
        f"/api/v1/investees/{investee_id}/kpi-submissions",
        headers=headers,
        data={"file": (io.BytesIO(data), "kpi.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    assert calls == [len(data)]


def _far_cell(data: bytes, sheet: str, row: int = 1_048_576, column: int = 16_384) -> bytes:
    """The workbook with one more cell, far out on ``sheet``: a few bytes that a reader spreading the sheet out as a
    grid would turn into rows x columns cells (Excel's last cell: 17 billion)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    book[sheet].cell(row=row, column=column, value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("sheet", ["KPI", "Deelnemers", "_fundapp"])
def test_a_cell_far_out_on_a_sheet_is_refused_before_the_sheet_is_read_and_stores_nothing(
    uploader, db_session, world, sheet
):
    client, headers, investee_id = uploader
    upload = _far_cell(filled_workbook(db_session, world.investee_a), sheet)
    assert len(upload) < 100_000
    before = _counts(db_session)
    response = client.post(
        f"/api/v1/investees/{investee_id}/kpi-submissions",
        headers=headers,
        data={"file": (io.BytesIO(upload), "kpi.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_spreadsheet"
    assert any(sheet in d["message"] and "16384" in d["message"] for d in error["details"]), error["details"]
    assert _counts(db_session) == before


def test_a_sheet_as_wide_as_the_template_and_as_long_as_allowed_is_still_read(uploader, db_session, world):
    client, headers, investee_id = uploader
    upload = _far_cell(filled_workbook(db_session, world.investee_a), "Deelnemers", row=2_000, column=17)
    response = client.post(
        f"/api/v1/investees/{investee_id}/kpi-submissions",
        headers=headers,
        data={"file": (io.BytesIO(upload), "kpi.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (201, 422), response.get_json()  # the row itself may be refused, not the sheet
    assert "meer cellen dan fundapp leest" not in response.get_data(as_text=True)
