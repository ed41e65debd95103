"""Every field of every form survives the round trip: funds, payers, investees, impact and the account.

The loan forms are in test_form_round_trip_loans.py, the result-financing forms in
test_form_round_trip_outcomes.py; the last test here checks that every form of the app is in one of them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from fundapp.auth.models import ApiToken, User
from fundapp.funds.models import CapitalSource, CapitalSourceKind, Fund
from fundapp.impact.models import Aggregation, ImpactPlan, Indicator, PlanIndicator, Submission, TocLevel, ValueType
from fundapp.impact.periods import Frequency
from fundapp.investees import services as investee_services
from fundapp.investees.models import (
    GrowthLevel,
    GrowthLevelEntry,
    Investee,
    Label,
    LabelKind,
    LegalForm,
    Orientation,
    SupportEntry,
    SupportKind,
)
from fundapp.payers.models import OutcomePayer, PayerKind
from tests.factories import ACTOR, filled_workbook, make_plan, make_submission
from tests.web.round_trip import (
    MONEY,
    NUMBER,
    PERCENT,
    WHOLE,
    FormCase,
    assert_round_trip,
    assert_unreadable_number_refused,
    number_ids,
    number_params,
)

D = Decimal


def _preferences(session, user_id):
    from fundapp.notifications.kinds import KINDS
    from fundapp.notifications.models import NotificationPreference

    rows = session.execute(
        select(NotificationPreference.kind, NotificationPreference.mode).where(
            NotificationPreference.user_id == user_id
        )
    ).all()
    chosen = {kind: mode.value for kind, mode in rows}
    return {kind: chosen.get(kind, "email") for kind in KINDS}


PREFERENCES = {
    **dict.fromkeys(("kpi_due_soon", "kpi_due_today", "kpi_overdue", "installment_due_soon"), "email"),
    **dict.fromkeys(("installment_missed", "claim_submitted", "claim_decided", "claim_paid"), "digest"),
    **dict.fromkeys(("result_rejected", "contract_invitation", "token_expiring", "statement_unmatched"), "inbox"),
}

FUND = {
    "name": "Fonds Zuid – Ω",
    "region": "Súdwest-Fryslân",
    "founded_on": "2019-03-04",
    "description": "Één fonds voor de wijk — “sociaal” ondernemen",
    "creditor_id": "nl50 zzz 2412 3456 0000",
    "auto_book_exact_matches": "on",
    "auto_book_exact_matches__present": "1",
    "disbursement_threshold": "25.000,50",
}


def _fund(fund: Fund) -> dict:
    keys = ("name", "region", "founded_on", "description", "creditor_id", "auto_book_exact_matches")
    keys += ("disbursement_threshold",)
    return {key: getattr(fund, key) for key in keys}


FUND_STORED = {
    **{key: value for key, value in FUND.items() if not key.endswith("__present")},
    "founded_on": date(2019, 3, 4),
    "creditor_id": "NL50ZZZ241234560000",
    "auto_book_exact_matches": True,
    "disbursement_threshold": Decimal("25000.50"),
}

SOURCE = {
    "name": "Stichting Dóen",
    "kind": "eu_fund",
    "committed": "1.250.000,50",
    "paid_in": "250.000",
    "expected_return_percent": "2,125",
    "term_years": "12",
    "notes": "Terugbetaling in één keer – € en ‰",
}
SOURCE_STORED = {
    "name": "Stichting Dóen",
    "kind": CapitalSourceKind.EU_FUND,
    "committed": D("1250000.50"),
    "paid_in": D("250000.00"),
    "expected_return_percent": D("2.125"),
    "term_years": 12,
    "notes": "Terugbetaling in één keer – € en ‰",
}
SOURCE_NUMBERS = {"committed": MONEY, "paid_in": MONEY, "expected_return_percent": PERCENT, "term_years": WHOLE}


def _source(source: CapitalSource) -> dict:
    return {key: getattr(source, key) for key in SOURCE_STORED}


PAYER = {
    "name": "Gemeente Súdwest-Fryslân",
    "kind": "national",
    "region": "Fryslân",
    "contact_email": "inkoop@gemeente.example",
    "description": "Inkoop sociaal domein – ‘resultaat’",
}


def _payer(payer: OutcomePayer) -> dict:
    return {key: getattr(payer, key) for key in PAYER}


PAYER_STORED = {**PAYER, "kind": PayerKind.NATIONAL}

INVITEE = {"email": "Zoë.Ñandú@Example.NL", "name": "Zoë ’t Hooft-Ñandú", "language": "en"}
INVITEE_STORED = {"email": "zoë.ñandú@example.nl", "name": "Zoë ’t Hooft-Ñandú", "locale": "en"}


def _invitee(session, email: str) -> dict:
    user = session.scalar(select(User).where(User.email == email.lower()))
    return {"email": user.email, "name": user.name, "locale": user.locale}


def _investee_typed(ctx) -> dict:
    return {
        "fund_id": str(ctx.world.fund_a.id),
        "name": "Koffiebranderij Ñandú",
        "kvk_number": "87654321",
        "legal_form": "bv_maatschappelijk_doel",
        "municipality": "’s-Hertogenbosch",
        "region": "Meierij",
        "website": "https://koffie.example/wij-zijn-één",
        "founded_on": "2020-05-06",
        "orientation": "impact_first",
        "themes": ["armoedebestrijding", "circulaire_economie"],
        "themes__present": "1",
        "sdgs": ["8", "12"],
        "sdgs__present": "1",
        "mission": "Werk voor iedereen – ook zonder diploma",
        "problem": "Armoede in de wijk; “vergeten” talent",
    }


def _investee_expected(ctx) -> dict:
    return {
        "fund_id": ctx.world.fund_a.id,
        "name": "Koffiebranderij Ñandú",
        "kvk_number": "87654321",
        "legal_form": LegalForm.BV_SOCIAL_PURPOSE,
        "municipality": "’s-Hertogenbosch",
        "region": "Meierij",
        "website": "https://koffie.example/wij-zijn-één",
        "founded_on": date(2020, 5, 6),
        "orientation": Orientation.IMPACT_FIRST,
        "theme_codes": ["armoedebestrijding", "circulaire_economie"],
        "sdg_numbers": [8, 12],
        "mission": "Werk voor iedereen – ook zonder diploma",
        "problem": "Armoede in de wijk; “vergeten” talent",
    }


def _investee(session, kvk: str) -> dict:
    investee = session.scalar(select(Investee).where(Investee.kvk_number == kvk))
    keys = (
        "fund_id",
        "name",
        "kvk_number",
        "legal_form",
        "municipality",
        "region",
        "website",
        "founded_on",
        "orientation",
    )
    keys += ("theme_codes", "sdg_numbers", "mission", "problem")
    return {key: getattr(investee, key) for key in keys}


LABEL = {"kind": "code_sociale_ondernemingen", "level": "", "reference": "CSO-Ω-2024/17", "valid_until": "2027-06-30"}
PSO_LABEL = {"kind": "pso", "level": "trede_2", "reference": "PSO – 88 ü", "valid_until": "2028-01-31"}


def _label(label: Label) -> dict:
    return {"kind": label.kind, "level": label.level, "reference": label.reference, "valid_until": label.valid_until}


GROWTH = {"level": "expert", "from_date": "2026-03-01", "note": "Meet met een nulmeting – ü"}
SUPPORT = {
    "given_on": "2026-04-02",
    "kind": "expertise",
    "hours": "2,25",
    "given_by_name": "Ïsa de Vries",
    "note": "Huurcontract “nagelopen”",
}


def _growth(session) -> dict:
    entry = session.scalar(select(GrowthLevelEntry).order_by(GrowthLevelEntry.id.desc()))
    return {"level": entry.level, "from_date": entry.from_date, "note": entry.note}


def _support(session) -> dict:
    entry = session.scalar(select(SupportEntry).order_by(SupportEntry.id.desc()))
    keys = ("given_on", "kind", "hours", "given_by_name", "note")
    return {key: getattr(entry, key) for key in keys}


def _with_label(session, world):
    label = investee_services.add_label(
        session, ACTOR, world.investee_a, {"kind": LabelKind.B_CORP, "level": "", "reference": "x", "valid_until": None}
    )
    return SimpleNamespace(label=label)


INDICATOR = {
    "code": "SIF-LP-BUDDIES",
    "name_nl": "Maatjes – één op één",
    "name_en": "Buddies – one to one",
    "theme": "armoedebestrijding",
    "toc_level": "outcome",
    "unit": "mensen",
    "value_type": "decimal",
    "aggregation": "latest",
    "definition_nl": "Iemand met een maatje ≥ 3 maanden",
    "definition_en": "Someone with a buddy for ≥ 3 months",
    "measurement_nl": "Telling per kwartaal – “actief”",
    "measurement_en": "Count per quarter – “active”",
}


def _indicator(session) -> dict:
    row = session.scalar(select(Indicator).where(Indicator.code == "SIF-LP-BUDDIES"))
    return {
        "fund_id": row.fund_id,
        "code": row.code,
        "name_nl": row.name_nl,
        "name_en": row.name_en,
        "theme": row.theme_code,
        "toc_level": row.toc_level,
        "unit": row.unit,
        "value_type": row.value_type,
        "aggregation": row.aggregation,
        **{key: getattr(row, key) for key in ("definition_nl", "definition_en", "measurement_nl", "measurement_en")},
    }


PLAN = {
    "problem": "Langdurige werkloosheid – “onzichtbaar”",
    "activities": "Leren op de werkvloer; één maatje per deelnemer",
    "outputs": "Mensen aan het werk",
    "outcomes": "Blijvend werk ≥ 1 jaar",
    "impact": "Minder mensen in de bijstand ü",
    "frequency": "half_yearly",
    "first_period": "2026-H2",
    "due_days": "45",
}


def _plan(session, investee) -> dict:
    plan = session.scalar(select(ImpactPlan).where(ImpactPlan.investee_id == investee.id))
    return {key: getattr(plan, key) for key in PLAN}


def _with_plan(session, world):
    return SimpleNamespace(plan=make_plan(session, world.investee_a))


def _plan_indicator(session, plan_id: int, code: str) -> PlanIndicator:
    return session.scalar(
        select(PlanIndicator).join(Indicator).where(PlanIndicator.plan_id == plan_id, Indicator.code == code)
    )


def _with_plan_and_file(session, world):
    return SimpleNamespace(plan=make_plan(session, world.investee_a), file=filled_workbook(session, world.investee_a))


def _with_submitted_report(session, world):
    make_plan(session, world.investee_a)
    return SimpleNamespace(submission=make_submission(session, world.investee_a, status="submitted"))


CASES = [
    FormCase(
        "new fund",
        "admin",
        lambda ctx: "/funds/new",
        lambda ctx: FUND,
        lambda s, ctx: _fund(s.scalar(select(Fund).where(Fund.name == FUND["name"]))),
        lambda ctx: FUND_STORED,
    ),
    FormCase(
        "edit fund",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/edit",
        lambda ctx: FUND,
        lambda s, ctx: _fund(s.get(Fund, ctx.world.fund_a.id)),
        lambda ctx: FUND_STORED,
        {"disbursement_threshold": MONEY},
        resaved=True,
    ),
    FormCase(
        "new capital source",
        "manager_a",
        lambda ctx: f"/funds/{ctx.world.fund_a.id}/capital-sources/new",
        lambda ctx: SOURCE,
        lambda s, ctx: _source(s.scalar(select(CapitalSource).where(CapitalSource.name == SOURCE["name"]))),
        lambda ctx: SOURCE_STORED,
        SOURCE_NUMBERS,
    ),
    FormCase(
        "edit capital source",
        "manager_a",
        lambda ctx: f"/funds/capital-sources/{ctx.world.fund_a.capital_sources[0].id}/edit",
        lambda ctx: SOURCE,
        lambda s, ctx: _source(s.get(CapitalSource, ctx.world.fund_a.capital_sources[0].id)),
        lambda ctx: SOURCE_STORED,
        SOURCE_NUMBERS,
        resaved=True,
    ),
    FormCase(
        "new payer",
        "admin",
        lambda ctx: "/payers/new",
        lambda ctx: PAYER,
        lambda s, ctx: _payer(s.scalar(select(OutcomePayer).where(OutcomePayer.name == PAYER["name"]))),
        lambda ctx: PAYER_STORED,
    ),
    FormCase(
        "edit payer",
        "officer_a",
        lambda ctx: f"/payers/{ctx.world.payer_a.id}/edit",
        lambda ctx: PAYER,
        lambda s, ctx: _payer(s.get(OutcomePayer, ctx.world.payer_a.id)),
        lambda ctx: PAYER_STORED,
        resaved=True,
    ),
    FormCase(
        "new investee",
        "manager_a",
        lambda ctx: "/investees/new",
        _investee_typed,
        lambda s, ctx: _investee(s, "87654321"),
        _investee_expected,
    ),
    FormCase(
        "edit investee",
        "manager_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/edit",
        _investee_typed,
        lambda s, ctx: _investee(s, "87654321"),
        _investee_expected,
        resaved=True,
    ),
    FormCase(
        "new label",
        "manager_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/labels/new",
        lambda ctx: LABEL,
        lambda s, ctx: _label(s.scalar(select(Label).where(Label.reference == LABEL["reference"]))),
        lambda ctx: {**LABEL, "kind": LabelKind.CODE_SOCIALE_ONDERNEMINGEN, "valid_until": date(2027, 6, 30)},
    ),
    FormCase(
        "new growth level",
        "manager_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/growth-levels/new",
        lambda ctx: GROWTH,
        lambda s, ctx: _growth(s),
        lambda ctx: {**GROWTH, "level": GrowthLevel.EXPERT, "from_date": date(2026, 3, 1)},
    ),
    FormCase(
        "new support",
        "manager_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/support/new",
        lambda ctx: SUPPORT,
        lambda s, ctx: _support(s),
        lambda ctx: {**SUPPORT, "kind": SupportKind.EXPERTISE, "hours": D("2.25"), "given_on": date(2026, 4, 2)},
        {"hours": NUMBER},
    ),
    FormCase(
        "edit label",
        "manager_a",
        lambda ctx: f"/investees/labels/{ctx.label.id}/edit",
        lambda ctx: PSO_LABEL,
        lambda s, ctx: _label(s.get(Label, ctx.label.id)),
        lambda ctx: {**PSO_LABEL, "kind": LabelKind.PSO, "valid_until": date(2028, 1, 31)},
        setup=_with_label,
        resaved=True,
    ),
    FormCase(
        "new indicator",
        "manager_a",
        lambda ctx: "/indicators/new",
        lambda ctx: {**INDICATOR, "fund_id": str(ctx.world.fund_a.id)},
        lambda s, ctx: _indicator(s),
        lambda ctx: {
            **INDICATOR,
            "fund_id": ctx.world.fund_a.id,
            "toc_level": TocLevel.OUTCOME,
            "value_type": ValueType.DECIMAL,
            "aggregation": Aggregation.LATEST,
        },
    ),
    FormCase(
        "impact plan",
        "manager_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/impact/plan",
        lambda ctx: PLAN,
        lambda s, ctx: _plan(s, ctx.world.investee_a),
        lambda ctx: {**PLAN, "frequency": Frequency.HALF_YEARLY, "due_days": 45},
        {"due_days": WHOLE},
        resaved=True,
    ),
    FormCase(
        "indicator in a plan",
        "manager_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/impact/indicators/new",
        lambda ctx: {"indicator_code": "LP-EMPLOYED-FTE", "baseline": "1.234,5", "baseline_note": "Nulmeting – één"},
        lambda s, ctx: {
            "baseline": (row := _plan_indicator(s, ctx.plan.id, "LP-EMPLOYED-FTE")).baseline,
            "baseline_note": row.baseline_note,
        },
        lambda ctx: {"baseline": D("1234.5"), "baseline_note": "Nulmeting – één"},
        {"baseline": NUMBER},
        setup=_with_plan,
    ),
    FormCase(
        "target",
        "manager_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/impact/indicators/LP-EMPLOYED-HEADCOUNT/target",
        lambda ctx: {"period": "2026-Q3", "target": "1.500,25"},
        lambda s, ctx: {t.period: t.target for t in _plan_indicator(s, ctx.plan.id, "LP-EMPLOYED-HEADCOUNT").targets},
        lambda ctx: {"2026-Q1": D("12"), "2026-Q3": D("1500.25")},
        {"target": NUMBER},
        setup=_with_plan,
    ),
    FormCase(
        "KPI upload",
        "member_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/kpi/upload",
        lambda ctx: {"file": (BytesIO(ctx.file), "kpi maart – één.xlsx")},
        lambda s, ctx: {
            "period": (row := s.scalar(select(Submission).order_by(Submission.id.desc()))).period,
            "file_name": row.file_name,
        },
        lambda ctx: {"period": "2026-Q1", "file_name": "kpi maart – één.xlsx"},
        setup=_with_plan_and_file,
    ),
    FormCase(
        "return a KPI report",
        "manager_a",
        lambda ctx: f"/kpi-submissions/{ctx.submission.id}/return",
        lambda ctx: {"reason": "Cijfers van maart ontbreken – graag aanvullen ü"},
        lambda s, ctx: {"return_reason": s.get(Submission, ctx.submission.id).return_reason},
        lambda ctx: {"return_reason": "Cijfers van maart ontbreken – graag aanvullen ü"},
        setup=_with_submitted_report,
    ),
    FormCase(
        "invite a member",
        "manager_a",
        lambda ctx: f"/investees/{ctx.world.investee_a.id}/people/invite",
        lambda ctx: INVITEE,
        lambda s, ctx: _invitee(s, INVITEE["email"]),
        lambda ctx: INVITEE_STORED,
    ),
    FormCase(
        "invite an officer",
        "officer_a",
        lambda ctx: f"/payers/{ctx.world.payer_a.id}/people/invite",
        lambda ctx: INVITEE,
        lambda s, ctx: _invitee(s, INVITEE["email"]),
        lambda ctx: INVITEE_STORED,
    ),
    FormCase(
        "new API token",
        "member_a",
        lambda ctx: "/account/tokens",
        lambda ctx: {"name": "Boekhouding – Ω"},
        lambda s, ctx: {"name": s.scalar(select(ApiToken.name).order_by(ApiToken.id.desc()))},
        lambda ctx: {"name": "Boekhouding – Ω"},
        ok=(200,),
    ),
    FormCase(
        "notification preferences",
        "officer_a",
        lambda ctx: "/account/notifications",
        lambda ctx: PREFERENCES,
        lambda s, ctx: _preferences(s, ctx.world.user("officer_a").id),
        lambda ctx: PREFERENCES,
        resaved=True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_field_of_the_form_is_stored_as_typed(db_session, world, login_as, case):
    assert_round_trip(case, db_session, world, login_as)


@pytest.mark.parametrize(("case", "name"), number_params(CASES), ids=number_ids(CASES))
def test_an_unreadable_number_is_refused_beside_its_field_and_nothing_is_stored(
    db_session, world, login_as, case, name
):
    assert_unreadable_number_refused(case, name, db_session, world, login_as)


def test_a_too_short_reason_is_refused_beside_the_field_with_what_was_typed_kept(db_session, world, login_as):
    from tests.web.round_trip import field_error, footprint

    client = login_as(world.user("manager_a"))
    before = footprint(db_session)
    url = f"/loans/{world.loan_a.id}/events/{world.repayment_a.id}/reverse"
    response = client.post(url, data={"reason": "ü"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, "reason") == "De lengte moet tussen 3 en 2000 liggen."
    assert ">ü</textarea>" in page
    assert footprint(db_session) == before


# Forms with nothing to type (a button that confirms a step); the authorization matrix and the pages' tests post them.
BUTTONS = {
    "auth.logout",
    "auth.revoke_token",
    "notifications.mark_read",
    "notifications.mark_all_read",
    "batches.cancel",
    "impact.approve",
    "impact.submit",
    "investees.delete_label",
    "loans.approve",
    "outcomes.accept_contract",
    "outcomes.accept_assignments",
    "outcomes.approve_claim",
    "outcomes.contract_status",
    "outcomes.discard_claim",
    "outcomes.submit_claim",
    "outcomes.verify_result",
    "bank_accounts.revoke_mandate",
    "jobs.retry",
    "report_files.request_file",
    "pipeline.move",
}
# The login form is filled in by every test that logs in (the login_as fixture) and by test_login_throttle.py;
# the forms of a mailed link and the request for one by test_invitations.py and test_password_reset.py.
# A document is deleted from its object's documents page, with a reason: test_documents_pages.py sends it there.
# An application's note is written on its page: test_pipeline.py sends it there.
ELSEWHERE = {
    "pipeline.add_note",
    "auth.login",
    "people.accept_invitation",
    "people.reset_password",
    "people.forgot_password",
    "documents.document_delete",
}


class _AnyObject:
    """Stands for any object a form's address is built from: every id is 1."""

    id = 1

    def __getattr__(self, name: str) -> _AnyObject:
        return self

    def __getitem__(self, index: int) -> _AnyObject:
        return self


def test_every_form_of_the_app_has_a_round_trip_test(app):
    from tests.web.test_form_round_trip_bank import CASES as BANK_CASES
    from tests.web.test_form_round_trip_batches import CASES as BATCH_CASES
    from tests.web.test_form_round_trip_capital import CASES as CAPITAL_CASES
    from tests.web.test_form_round_trip_cofinancing import CASES as COFINANCING_CASES
    from tests.web.test_form_round_trip_documents import CASES as DOCUMENT_CASES
    from tests.web.test_form_round_trip_equity import CASES as EQUITY_CASES
    from tests.web.test_form_round_trip_instruments import CASES as INSTRUMENT_CASES
    from tests.web.test_form_round_trip_loans import CASES as LOAN_CASES
    from tests.web.test_form_round_trip_outcomes import CASES as OUTCOME_CASES
    from tests.web.test_form_round_trip_pipeline import CASES as PIPELINE_CASES

    adapter = app.url_map.bind("localhost")
    every = (CASES + LOAN_CASES + OUTCOME_CASES + BANK_CASES + BATCH_CASES + DOCUMENT_CASES + COFINANCING_CASES) + (
        PIPELINE_CASES + EQUITY_CASES + INSTRUMENT_CASES + CAPITAL_CASES
    )
    tested = {adapter.match(case.url(_AnyObject()).split("?")[0], method="POST")[0] for case in every}
    forms = {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods and not r.rule.startswith("/api/")}
    assert forms - tested - BUTTONS - ELSEWHERE == set()
    assert (BUTTONS | ELSEWHERE) - forms == set()
