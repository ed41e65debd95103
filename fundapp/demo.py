"""A believable demo world: two place-based funds, a dozen investees, payers and a user for each role.

Names of enterprises, foundations and people are invented; KvK numbers are
made up in a range (9xxxxxxx) chosen to look real without pointing at anyone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.auth.models import Role, User
from fundapp.auth.services import add_membership, create_user
from fundapp.capital import services as capital_services
from fundapp.capital.models import DistributionKind, InvestorKind
from fundapp.funds import services as fund_services
from fundapp.investees import services as investee_services
from fundapp.investees.models import LabelKind, LegalForm
from fundapp.payers import services as payer_services
from fundapp.payers.models import PayerKind

DEMO_PASSWORD = "fundapp-demo"
ACTOR = audit.Actor.system("demo")


class DatabaseNotEmpty(RuntimeError):
    pass


class FundSpec(TypedDict):
    name: str
    region: str
    founded_on: date
    description: str
    # investors: name, kind, commitment, paid in (one call on the founding date), expected return percent, term in years
    investors: list[tuple[str, InvestorKind, str, str, str, int]]


# fund index, name, kvk, legal form, municipality, themes, sdgs, labels (kind, level, valid until), mission
InvesteeSpec = tuple[int, str, str, LegalForm, str, list[str], list[int], list[tuple[LabelKind, str, date | None]], str]


FUNDS: list[FundSpec] = [
    {
        "name": "Social Impact Fund Rotterdam",
        "region": "Rotterdam",
        "founded_on": date(2019, 3, 1),
        "description": "Lends to Rotterdam impact enterprises that create jobs for people far from the labour "
        "market and make the city more circular; accepts a lower return for proven local impact.",
        "investors": [
            ("Gemeente Rotterdam", InvestorKind.MUNICIPALITY, "2500000.00", "1750000.00", "2.5", 10),
            ("Stichting Havenstad Vermogensfonds", InvestorKind.FOUNDATION, "1000000.00", "1000000.00", "1.5", 10),
            ("EFRO Kansen voor West", InvestorKind.EU_FUND, "1500000.00", "600000.00", "0", 8),
            ("Coöperatieve Maasbank", InvestorKind.BANK, "750000.00", "250000.00", "3.0", 7),
        ],
    },
    {
        "name": "Social Impact Fund Den Haag",
        "region": "Den Haag",
        "founded_on": date(2024, 9, 1),
        "description": "The Hague's place-based impact fund, modelled on SIF Rotterdam.",
        "investors": [
            ("Gemeente Den Haag", InvestorKind.MUNICIPALITY, "2000000.00", "800000.00", "2.0", 10),
            ("Hofstad Impact Foundation", InvestorKind.FOUNDATION, "500000.00", "250000.00", "1.0", 10),
        ],
    },
]

INVESTEES: list[InvesteeSpec] = [
    (
        0,
        "Fietsfabriek Zuid",
        "90123456",
        LegalForm.BV_SOCIAL_PURPOSE,
        "Rotterdam",
        ["arbeidsparticipatie", "circulaire_economie"],
        [8, 10, 12],
        [(LabelKind.PSO, "trede_2", date(2027, 6, 30)), (LabelKind.SOCIAL_ENTERPRISE_NL, "", date(2026, 12, 31))],
        "Refurbishes abandoned bicycles with people who were long out of work.",
    ),
    (
        0,
        "Kringloop Charlois",
        "90234567",
        LegalForm.STICHTING,
        "Rotterdam",
        ["circulaire_economie", "arbeidsparticipatie"],
        [8, 12],
        [(LabelKind.CEDRIS_LEERWERKBEDRIJF, "", date(2027, 3, 31))],
        "A second-hand store and repair café that trains people in retail and logistics.",
    ),
    (
        0,
        "Schoonmaakcoöperatie Maasstad",
        "90345678",
        LegalForm.COOPERATIE,
        "Rotterdam",
        ["arbeidsparticipatie"],
        [8, 10],
        [(LabelKind.PSO, "trede_3", date(2026, 9, 30))],
        "A cleaning cooperative owned by its workers, many of them former welfare recipients.",
    ),
    (
        0,
        "Havenkeuken",
        "90456789",
        LegalForm.BV,
        "Rotterdam",
        ["arbeidsparticipatie", "duurzame_waardeketen"],
        [2, 8, 12],
        [(LabelKind.CODE_SOCIALE_ONDERNEMINGEN, "", None)],
        "A catering company that cooks with surplus food and trains status holders as cooks.",
    ),
    (
        0,
        "Circulair Bouwhub Feijenoord",
        "90567890",
        LegalForm.BV,
        "Rotterdam",
        ["circulaire_economie"],
        [9, 11, 12, 13],
        [],
        "Harvests building materials from demolition and sells them for reuse.",
    ),
    (
        0,
        "Textielatelier Delfshaven",
        "90678901",
        LegalForm.STICHTING,
        "Rotterdam",
        ["arbeidsparticipatie", "kansengelijkheid"],
        [5, 8, 10],
        [(LabelKind.PSO, "aspirant", date(2025, 12, 31))],
        "A sewing studio where women with a language gap learn a trade and Dutch.",
    ),
    (
        0,
        "Schuldhulp Zuid",
        "90789012",
        LegalForm.STICHTING,
        "Rotterdam",
        ["armoedebestrijding"],
        [1, 10],
        [],
        "Helps households in Rotterdam-Zuid out of problematic debt with trained volunteers.",
    ),
    (
        1,
        "Haagse Zonnedaken",
        "90890123",
        LegalForm.BV,
        "Den Haag",
        ["circulaire_economie", "duurzame_waardeketen"],
        [7, 11, 13],
        [(LabelKind.SOCIAL_ENTERPRISE_NL, "", date(2027, 1, 31))],
        "Installs solar panels on social housing with a crew of young people without a diploma.",
    ),
    (
        1,
        "Scheveningse Netwerkers",
        "90901234",
        LegalForm.BV_SOCIAL_PURPOSE,
        "Den Haag",
        ["duurzame_waardeketen", "circulaire_economie"],
        [12, 14],
        [],
        "Makes fishing nets and ropes from recycled ghost nets collected in the North Sea.",
    ),
    (
        1,
        "Koffiebranderij Transvaal",
        "91012345",
        LegalForm.BV,
        "Den Haag",
        ["arbeidsparticipatie", "duurzame_waardeketen"],
        [8, 12, 17],
        [(LabelKind.PSO, "trede_1", date(2027, 4, 30)), (LabelKind.B_CORP, "", date(2027, 10, 31))],
        "Roasts fair-trade coffee with baristas from the banenafspraak target group.",
    ),
    (
        1,
        "Leerwerkbedrijf Laak",
        "91123456",
        LegalForm.STICHTING,
        "Den Haag",
        ["arbeidsparticipatie", "kansengelijkheid"],
        [4, 8, 10],
        [(LabelKind.CEDRIS_LEERWERKBEDRIJF, "", date(2026, 8, 31))],
        "Work-experience places in logistics and maintenance with an MBO certificate at the end.",
    ),
    (
        1,
        "Buurtenergie Moerwijk",
        "91234567",
        LegalForm.COOPERATIE,
        "Den Haag",
        ["armoedebestrijding", "circulaire_economie"],
        [1, 7, 11],
        [],
        "An energy cooperative that helps households in energy poverty insulate and save.",
    ),
]

PAYERS = [
    ("Gemeente Rotterdam", PayerKind.MUNICIPALITY, "Rotterdam", "resultaatfinanciering@rotterdam.example"),
    ("Provincie Zuid-Holland", PayerKind.PROVINCE, "Zuid-Holland", "impact@zuid-holland.example"),
]


def _is_empty(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(User)) or 0) == 0


def load_demo(session: Session) -> str:
    if not _is_empty(session):
        raise DatabaseNotEmpty("The database already has users; demo data is only loaded into an empty database.")
    funds = []
    for spec in FUNDS:
        fund = fund_services.create_fund(
            session, ACTOR, {k: spec[k] for k in ("name", "region", "founded_on", "description")}
        )
        for name, kind, commitment, paid_in, expected, term in spec["investors"]:
            investor = capital_services.add_investor(
                session,
                ACTOR,
                fund,
                {
                    "name": name,
                    "kind": kind,
                    "commitment": Decimal(commitment),
                    "expected_return_percent": Decimal(expected),
                    "term_years": term,
                },
            )
            capital_services.record_call(
                session, ACTOR, investor, {"date": spec["founded_on"], "amount": Decimal(paid_in)}
            )
        funds.append(fund)
    _fund_flows(session, funds[0])
    admin_scope = _admin_scope()
    investees = []
    for fund_index, name, kvk, form, city, themes, sdgs, labels, mission in INVESTEES:
        investees.append(
            investee_services.create_investee(
                session,
                ACTOR,
                admin_scope,
                {
                    "fund_id": funds[fund_index].id,
                    "name": name,
                    "kvk_number": kvk,
                    "legal_form": form,
                    "municipality": city,
                    "region": city,
                    "mission": mission,
                    "themes": themes,
                    "sdgs": sdgs,
                    "labels": [
                        {"kind": k, "level": level, "reference": "", "valid_until": until} for k, level, until in labels
                    ],
                },
            )
        )
    payers = [
        payer_services.create_payer(
            session, ACTOR, {"name": n, "kind": k, "region": r, "contact_email": e, "description": ""}
        )
        for n, k, r, e in PAYERS
    ]
    users = [
        ("admin@fundapp.example", Role.ADMIN, None, "Ada Admin"),
        ("manager.rotterdam@fundapp.example", Role.FUND_MANAGER, funds[0].id, "Ruud Fondsbeheer"),
        ("manager.denhaag@fundapp.example", Role.FUND_MANAGER, funds[1].id, "Hanna Fondsbeheer"),
        # Manages both funds: the consolidated view ("All my funds") is hers.
        ("manager.regio@fundapp.example", Role.FUND_MANAGER, funds[0].id, "Regina Regiobeheer"),
        ("officer.rotterdam@fundapp.example", Role.PAYER_OFFICER, payers[0].id, "Olga Gemeente"),
        ("officer2.rotterdam@fundapp.example", Role.PAYER_OFFICER, payers[0].id, "Otto Gemeente"),
        ("officer.zuidholland@fundapp.example", Role.PAYER_OFFICER, payers[1].id, "Pieter Provincie"),
        ("investee@fietsfabriek.example", Role.INVESTEE_MEMBER, investees[0].id, "Ilse Fietsfabriek"),
        ("investee@zonnedaken.example", Role.INVESTEE_MEMBER, investees[7].id, "Ivo Zonnedaken"),
    ]
    for email, role, target, name in users:
        create_user(session, ACTOR, email, DEMO_PASSWORD, role, target, name=name)
    regional = session.scalars(select(User).where(User.email == "manager.regio@fundapp.example")).one()
    add_membership(session, ACTOR, regional, Role.FUND_MANAGER, funds[1].id)
    from fundapp import demo_instruments, demo_world

    extra = demo_world.build(session, funds=funds, investees=investees, payers=payers)
    extra += demo_instruments.build(session, funds=funds, investees=investees)
    return (
        f"Demo data loaded: {len(funds)} funds, {len(investees)} investees, {len(payers)} payers, "
        f"{len(users)} users (password: {DEMO_PASSWORD}).{extra}"
    )


def _fund_flows(session: Session, fund: Any) -> None:
    """A distribution to one investor and a cost of the fund, last year, so that the NAV has both."""
    year = clock.today().year - 1
    capital_services.record_distribution(
        session,
        ACTOR,
        fund.investors[0],
        {"date": date(year, 12, 31), "amount": Decimal("25000.00"), "kind": DistributionKind.INCOME},
    )
    capital_services.record_expense(
        session, ACTOR, fund, {"date": date(year, 12, 15), "amount": Decimal("18500.00"), "description": "Annual audit"}
    )


def _admin_scope():
    from fundapp.auth.policy import Scope

    return Scope(user_id=0, is_admin=True)
