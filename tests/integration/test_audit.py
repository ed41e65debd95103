"""The audit trail: every change of state is recorded with who, what, from what, to what; and it cannot be rewritten."""

from __future__ import annotations

import itertools
import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import JSON, bindparam, func, select, text

from fundapp import audit
from fundapp.audit import AuditEntry
from fundapp.auth import services as auth_services
from fundapp.auth.models import Role
from fundapp.auth.policy import Scope
from fundapp.capital import services as capital_services
from fundapp.capital.models import InvestorKind
from fundapp.funds import services as fund_services
from fundapp.investees import services as investee_services
from fundapp.investees.models import LabelKind, LegalForm
from fundapp.payers import services as payer_services
from fundapp.payers.models import PayerKind
from tests.factories import ADMIN_SCOPE, PASSWORD, kvk, make_user


@pytest.fixture()
def admin(db_session):
    return make_user(db_session, Role.ADMIN, email="auditor.admin@test.example")


def _last(db_session, action: str | None = None) -> AuditEntry:
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    return db_session.scalars(query.limit(1)).one()


def _entries_since(db_session, entry_id: int) -> list[AuditEntry]:
    return list(db_session.scalars(select(AuditEntry).where(AuditEntry.id > entry_id).order_by(AuditEntry.id)))


def _max_id(db_session) -> int:
    return db_session.scalar(select(func.max(AuditEntry.id))) or 0


def _verify(app):
    """verify_chain in a session of its own (it expunges what it reads), seeing the test's data."""
    session = app.extensions["fundapp.db"].new_session()
    try:
        return audit.verify_chain(session)
    finally:
        session.close()


def _assert_entry(entry: AuditEntry, actor, action: str, entity, changes: dict) -> None:
    assert entry.action == action
    assert entry.actor == actor.email
    assert entry.actor_id == actor.id
    assert entry.entity_type == type(entity).__name__
    assert entry.entity_id == str(entity.id)
    assert entry.changes == changes
    assert entry.at is not None and entry.at.tzinfo is not None
    assert len(entry.hash) == 64 and len(entry.prev_hash) == 64


# --- every service call writes an entry --------------------------------------------


def test_creating_and_updating_a_fund_records_the_actor_and_each_field_old_and_new(db_session, admin):
    fund = fund_services.create_fund(
        db_session,
        admin,
        {
            "name": "Fonds Zuid",
            "region": "Rotterdam",
            "description": "",
            "currency": "EUR",
            "founded_on": date(2024, 1, 2),
        },
    )
    _assert_entry(
        _last(db_session),
        admin,
        "fund.created",
        fund,
        {
            "name": [None, "Fonds Zuid"],
            "region": [None, "Rotterdam"],
            "description": [None, ""],
            "currency": [None, "EUR"],
            "founded_on": [None, "2024-01-02"],
        },
    )
    fund_services.update_fund(
        db_session, admin, Scope.of_user(admin), fund, {"region": "Den Haag", "name": "Fonds Zuid"}
    )
    _assert_entry(_last(db_session), admin, "fund.updated", fund, {"region": ["Rotterdam", "Den Haag"]})


def test_an_update_that_changes_nothing_writes_no_entry(db_session, admin, world):
    before = _max_id(db_session)
    fund_services.update_fund(
        db_session, admin, Scope.of_user(admin), world.fund_a, {"name": "Fund A", "region": world.fund_a.region}
    )
    investee_services.update_investee(db_session, admin, ADMIN_SCOPE, world.investee_a, {"name": "Investee A"})
    payer_services.update_payer(db_session, admin, world.payer_a, {"name": "Gemeente A"})
    assert _max_id(db_session) == before


def test_investor_add_and_update_record_amounts_as_exact_strings(db_session, admin, world):
    investor = capital_services.add_investor(
        db_session,
        admin,
        world.fund_a,
        {
            "name": "EFRO Kansen voor West",
            "kind": InvestorKind.EU_FUND,
            "commitment": Decimal("1500000.00"),
            "expected_return_percent": Decimal("0.5"),
            "term_years": 8,
        },
    )
    _assert_entry(
        _last(db_session),
        admin,
        "investor.added",
        investor,
        {
            "fund_id": [None, world.fund_a.id],
            "name": [None, "EFRO Kansen voor West"],
            "kind": [None, "eu_fund"],
            "commitment": [None, "1500000.00"],
            "fixed_share_percent": [None, None],
            "expected_return_percent": [None, "0.5"],
            "term_years": [None, 8],
            "notes": [None, ""],
        },
    )
    capital_services.update_investor(
        db_session, admin, investor, {"commitment": Decimal("1500000.10"), "term_years": 8}
    )
    _assert_entry(_last(db_session), admin, "investor.updated", investor, {"commitment": ["1500000.00", "1500000.10"]})


def test_creating_and_updating_an_investee_records_fields_themes_sdgs_and_labels(db_session, admin, world):
    number = kvk()
    investee = investee_services.create_investee(
        db_session,
        admin,
        ADMIN_SCOPE,
        {
            "fund_id": world.fund_a.id,
            "name": "Kringloop Charlois",
            "kvk_number": number,
            "legal_form": LegalForm.STICHTING,
            "municipality": "Rotterdam",
            "themes": ["circulaire_economie", "arbeidsparticipatie"],
            "sdgs": [12, 8, 8],
            "labels": [{"kind": LabelKind.CEDRIS_LEERWERKBEDRIJF, "valid_until": date(2027, 3, 31)}],
        },
    )
    entry = _last(db_session)
    _assert_entry(
        entry,
        admin,
        "investee.created",
        investee,
        {
            "fund_id": [None, world.fund_a.id],
            "name": [None, "Kringloop Charlois"],
            "kvk_number": [None, number],
            "legal_form": [None, "stichting"],
            "municipality": [None, "Rotterdam"],
            "themes": [None, ["arbeidsparticipatie", "circulaire_economie"]],
            "sdgs": [None, [8, 12]],
            "labels": [None, [{"kind": "cedris_leerwerkbedrijf", "valid_until": "2027-03-31"}]],
        },
    )
    investee_services.update_investee(
        db_session,
        admin,
        ADMIN_SCOPE,
        investee,
        {"municipality": "Schiedam", "themes": ["arbeidsparticipatie"], "sdgs": [8, 10]},
    )
    _assert_entry(
        _last(db_session),
        admin,
        "investee.updated",
        investee,
        {
            "municipality": ["Rotterdam", "Schiedam"],
            "themes": [["arbeidsparticipatie", "circulaire_economie"], ["arbeidsparticipatie"]],
            "sdgs": [[8, 12], [8, 10]],
        },
    )


def test_adding_updating_and_removing_a_label_each_leave_an_entry(db_session, admin, world):
    label = investee_services.add_label(
        db_session,
        admin,
        world.investee_a,
        {"kind": LabelKind.PSO, "level": "trede_2", "reference": "PSO-123", "valid_until": date(2027, 6, 30)},
    )
    _assert_entry(
        _last(db_session),
        admin,
        "label.added",
        label,
        {
            "investee_id": [None, world.investee_a.id],
            "kind": [None, "pso"],
            "level": [None, "trede_2"],
            "reference": [None, "PSO-123"],
            "valid_until": [None, "2027-06-30"],
        },
    )
    investee_services.update_label(db_session, admin, label, {"level": "trede_3", "valid_until": date(2028, 6, 30)})
    _assert_entry(
        _last(db_session),
        admin,
        "label.updated",
        label,
        {"level": ["trede_2", "trede_3"], "valid_until": ["2027-06-30", "2028-06-30"]},
    )
    label_id = label.id
    investee_services.remove_label(db_session, admin, label)
    entry = _last(db_session)
    assert (entry.action, entry.entity_type, entry.entity_id, entry.actor) == (
        "label.removed",
        "Label",
        str(label_id),
        admin.email,
    )
    assert entry.changes == {"kind": ["pso", None], "level": ["trede_3", None], "valid_until": ["2028-06-30", None]}


def test_creating_and_updating_a_payer_are_recorded(db_session, admin):
    payer = payer_services.create_payer(
        db_session,
        admin,
        {
            "name": "Gemeente Leiden",
            "kind": PayerKind.MUNICIPALITY,
            "region": "",
            "contact_email": "",
            "description": "",
        },
    )
    _assert_entry(
        _last(db_session),
        admin,
        "payer.created",
        payer,
        {
            "name": [None, "Gemeente Leiden"],
            "kind": [None, "municipality"],
            "region": [None, ""],
            "contact_email": [None, ""],
            "description": [None, ""],
        },
    )
    payer_services.update_payer(
        db_session, admin, payer, {"region": "Holland Rijnland", "kind": PayerKind.MUNICIPALITY}
    )
    _assert_entry(_last(db_session), admin, "payer.updated", payer, {"region": ["", "Holland Rijnland"]})


def test_creating_a_user_records_the_user_and_the_membership_but_never_the_password(db_session, admin, world):
    before = _max_id(db_session)
    user = auth_services.create_user(
        db_session, admin, "New.Manager@Test.Example", "a-long-secret-phrase", Role.FUND_MANAGER, world.fund_b.id
    )
    membership_entry, user_entry = _entries_since(db_session, before)
    assert (membership_entry.action, membership_entry.entity_type) == ("membership.added", "Membership")
    assert membership_entry.actor == admin.email
    assert membership_entry.changes == {
        "user": [None, "new.manager@test.example"],
        "role": [None, "fund_manager"],
        "fund_id": [None, world.fund_b.id],
    }
    _assert_entry(
        user_entry,
        admin,
        "user.created",
        user,
        {"email": [None, "new.manager@test.example"], "role": [None, "fund_manager"]},
    )
    stored = json.dumps([membership_entry.changes, user_entry.changes])
    assert "a-long-secret-phrase" not in stored
    assert user.password_hash not in stored


def test_issuing_and_revoking_a_token_are_recorded_without_the_token_itself(db_session, world):
    user = world.user("manager_a")
    row, token = auth_services.issue_token(db_session, user, "laptop")
    issued = _last(db_session)
    _assert_entry(issued, user, "api_token.issued", row, {"name": [None, "laptop"], "prefix": [None, token[:10]]})
    auth_services.revoke_token(db_session, user, row.id)
    revoked = _last(db_session)
    assert (revoked.action, revoked.entity_id, revoked.actor_id) == ("api_token.revoked", str(row.id), user.id)
    assert revoked.changes["revoked_at"][0] is None
    assert revoked.changes["revoked_at"][1] == row.revoked_at.isoformat()
    assert token not in json.dumps([issued.changes, revoked.changes])


def test_revoking_an_already_revoked_token_writes_no_second_entry(db_session, world):
    user = world.user("manager_a")
    row, _token = auth_services.issue_token(db_session, user, "once")
    auth_services.revoke_token(db_session, user, row.id)
    before = _max_id(db_session)
    auth_services.revoke_token(db_session, user, row.id)
    assert _max_id(db_session) == before


def test_a_system_actor_is_recorded_by_its_label_without_a_user_id(db_session):
    fund = fund_services.create_fund(
        db_session, audit.Actor.system("cli"), {"name": "Systeemfonds", "region": "Utrecht", "founded_on": None}
    )
    entry = _last(db_session)
    assert (entry.actor, entry.actor_id, entry.entity_id) == ("cli", None, str(fund.id))


def test_a_change_through_the_api_is_recorded_with_the_api_user_as_actor(client, world, api_headers, db_session):
    manager = world.user("manager_a")
    response = client.patch(
        f"/api/v1/funds/{world.fund_a.id}", json={"region": "Rotterdam-Zuid"}, headers=api_headers(manager)
    )
    assert response.status_code == 200, response.get_json()
    db_session.expire_all()
    entry = _last(db_session, "fund.updated")
    assert (entry.actor, entry.actor_id, entry.entity_id) == (manager.email, manager.id, str(world.fund_a.id))
    assert entry.changes == {"region": ["Rotterdam", "Rotterdam-Zuid"]}


def test_a_failed_api_request_leaves_no_audit_entry(client, world, api_headers, db_session):
    headers = api_headers(world.user("admin"))
    before = _max_id(db_session)
    response = client.post("/api/v1/funds", json={"name": "Fund A", "region": "Elders"}, headers=headers)
    assert response.status_code == 409
    assert _max_id(db_session) == before


# --- append-only --------------------------------------------------------------------


def test_an_entry_cannot_be_changed_through_the_orm(db_session, world):
    entry = _last(db_session)
    entry.changes = {"name": [None, "forged"]}
    with pytest.raises(RuntimeError, match="append-only"):
        db_session.flush()


def test_an_entry_actor_cannot_be_changed_through_the_orm(db_session, world):
    entry = _last(db_session)
    entry.actor = "someone.else@test.example"
    with pytest.raises(RuntimeError, match="append-only"):
        db_session.flush()


def test_an_entry_cannot_be_deleted_through_the_orm(db_session, world):
    entry = _last(db_session)
    db_session.delete(entry)
    with pytest.raises(RuntimeError, match="append-only"):
        db_session.flush()


def test_new_entries_can_still_be_added_alongside_loaded_ones(db_session, world):
    loaded = _last(db_session)
    payer_services.update_payer(db_session, audit.Actor.system("test"), world.payer_a, {"region": "Rijnmond"})
    db_session.flush()
    assert _last(db_session).id > loaded.id


# --- the hash chain ------------------------------------------------------------------


def test_each_entry_links_to_the_hash_of_the_one_before(db_session, world):
    entries = list(db_session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert len(entries) > 10
    assert entries[0].prev_hash == audit.GENESIS
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
    assert len({e.hash for e in entries}) == len(entries)


def test_the_chain_verifies_after_normal_use_of_services_and_api(app, client, world, api_headers, db_session):
    headers = api_headers(world.user("admin"))
    assert (
        client.patch(f"/api/v1/investees/{world.investee_a.id}", json={"sdgs": [8, 10]}, headers=headers).status_code
        == 200
    )
    assert (
        client.post("/api/v1/funds", json={"name": "Fund C", "region": "Utrecht"}, headers=headers).status_code == 201
    )
    report = _verify(app)
    assert report.ok, report
    assert report.checked == db_session.scalar(select(func.count()).select_from(AuditEntry))
    assert report.first_broken_id is None and report.reason is None


def test_the_chain_of_an_empty_trail_verifies():
    from sqlalchemy.orm import Session

    from fundapp.db import Base, make_engine

    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    try:
        with Session(engine) as session:
            report = audit.verify_chain(session)
        assert (report.ok, report.checked, report.first_broken_id) == (True, 0, None)
    finally:
        engine.dispose()


def test_verify_chain_leaves_the_callers_session_as_it_was(db_session, world):
    pending = fund_services.create_fund(db_session, audit.Actor.system("t"), {"name": "Pending", "region": "X"})
    report = audit.verify_chain(db_session)
    assert report.ok
    assert world.fund_a in db_session
    assert pending in db_session


def _tamper_changes(db_session, entry_id: int, changes: dict) -> None:
    statement = text("UPDATE audit_entries SET changes = :changes WHERE id = :id").bindparams(
        bindparam("changes", type_=JSON)
    )
    db_session.execute(statement, {"changes": changes, "id": entry_id})


def test_altering_an_entry_with_raw_sql_is_found_and_names_exactly_that_entry(app, db_session, world):
    ids = list(db_session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    victim = ids[len(ids) // 2]
    _tamper_changes(db_session, victim, {"name": [None, "Forged Fund"]})
    report = _verify(app)
    assert not report.ok
    assert report.first_broken_id == victim
    assert "altered" in report.reason
    assert report.checked == ids.index(victim)


def test_altering_the_actor_of_the_first_entry_is_found(app, db_session, world):
    first = db_session.scalar(select(func.min(AuditEntry.id)))
    db_session.execute(text("UPDATE audit_entries SET actor = 'nobody' WHERE id = :id"), {"id": first})
    report = _verify(app)
    assert (report.first_broken_id, report.checked) == (first, 0)


def test_altering_the_last_entry_is_found(app, db_session, world):
    last = _max_id(db_session)
    _tamper_changes(db_session, last, {})
    assert _verify(app).first_broken_id == last


def test_recomputing_the_hash_of_an_altered_entry_is_found_at_the_next_entry(app, db_session, world):
    ids = list(db_session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    victim = ids[3]
    _tamper_changes(db_session, victim, {"forged": [None, True]})
    db_session.execute(text("UPDATE audit_entries SET hash = :h WHERE id = :id"), {"h": "f" * 64, "id": victim})
    # The forger fixed nothing else: the victim's own hash no longer matches its content.
    assert _verify(app).first_broken_id == victim
    row = db_session.execute(select(AuditEntry.__table__).where(AuditEntry.id == victim)).one()
    forged_hash = audit.entry_hash(
        row.prev_hash, row.at, row.actor, row.action, row.entity_type, row.entity_id, row.changes
    )
    db_session.execute(text("UPDATE audit_entries SET hash = :h WHERE id = :id"), {"h": forged_hash, "id": victim})
    # Now the victim looks whole, and the break shows at the entry after it.
    report = _verify(app)
    assert report.first_broken_id == ids[4]
    assert "link" in report.reason


def test_deleting_an_entry_with_raw_sql_is_found_at_the_next_entry(app, db_session, world):
    ids = list(db_session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    victim = ids[5]
    db_session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": victim})
    report = _verify(app)
    assert report.first_broken_id == ids[6]
    assert "removed" in report.reason
    assert report.checked == 5


def test_deleting_the_first_entry_is_found_at_the_second(app, db_session, world):
    ids = list(db_session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    db_session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": ids[0]})
    assert _verify(app).first_broken_id == ids[1]


def test_verify_chain_walks_in_batches(app, db_session, world):
    session = app.extensions["fundapp.db"].new_session()
    try:
        report = audit.verify_chain(session, batch=3)
        total = db_session.scalar(select(func.count()).select_from(AuditEntry))
        assert (report.ok, report.checked) == (True, total)
        victim = list(db_session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))[7]
        _tamper_changes(db_session, victim, {"x": [1, 2]})
        session.expire_all()
        assert audit.verify_chain(session, batch=3).first_broken_id == victim
    finally:
        session.close()


# --- the CLI ---------------------------------------------------------------------------


def test_audit_verify_command_reports_an_intact_trail(app, db_session, world):
    total = db_session.scalar(select(func.count()).select_from(AuditEntry))
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"Audit trail intact: {total} entries checked." in result.output


def test_audit_verify_command_names_the_altered_entry_and_fails(app, db_session, world):
    victim = list(db_session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))[2]
    _tamper_changes(db_session, victim, {"name": [None, "Forged"]})
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert f"Audit trail broken at entry {victim}:" in result.output
    assert "2 entries before it are intact" in result.output


def test_audit_verify_command_names_the_entry_after_a_deleted_one(app, db_session, world):
    ids = list(db_session.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    db_session.execute(text("DELETE FROM audit_entries WHERE id = :id"), {"id": ids[4]})
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"Audit trail broken at entry {ids[5]}:" in result.output
    assert "removed" in result.output


def test_a_login_user_password_is_never_in_the_trail(db_session, world):
    stored = json.dumps([e.changes for e in db_session.scalars(select(AuditEntry))])
    assert PASSWORD not in stored
