"""flask commands: users create / list, demo load. They run inside the test's transaction (session_scope joins it)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fundapp import audit, clock
from fundapp.auth.models import Membership, Role, User
from fundapp.auth.passwords import verify_password
from fundapp.capital import nav
from fundapp.capital.models import CapitalCall, Distribution, FundExpense, Investor
from fundapp.funds.models import Fund
from fundapp.investees.models import Investee
from fundapp.payers.models import OutcomePayer

STRONG = "a-long-secret-phrase"


@pytest.fixture()
def cli(app, db_session):
    runner = app.test_cli_runner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(args=list(args), input=input)

    return invoke


def _user(db_session, email: str) -> User | None:
    db_session.expire_all()
    return db_session.scalar(select(User).where(User.email == email))


def _count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def _memberships(db_session, user: User) -> list[tuple]:
    rows = db_session.execute(
        select(Membership.role, Membership.fund_id, Membership.payer_id, Membership.investee_id).where(
            Membership.user_id == user.id
        )
    ).all()
    return [tuple(r) for r in rows]


def test_users_create_makes_an_admin(cli, db_session):
    result = cli("users", "create", "Root@Test.Example", "--role", "admin", "--name", "Ada", "--password", STRONG)
    assert result.exit_code == 0, result.output
    user = _user(db_session, "root@test.example")
    assert user is not None
    assert f"Created user Root@Test.Example (id {user.id}) as admin." in result.output
    assert user.name == "Ada"
    assert verify_password(user.password_hash, STRONG)
    assert _memberships(db_session, user) == [(Role.ADMIN, None, None, None)]
    entry = db_session.scalars(
        select(audit.AuditEntry).where(audit.AuditEntry.action == "user.created").order_by(audit.AuditEntry.id.desc())
    ).first()
    assert (entry.actor, entry.actor_id, entry.entity_id) == ("cli", None, str(user.id))


@pytest.mark.parametrize(
    ("role", "option", "target", "expected"),
    [
        ("fund_manager", "--fund", "fund_b", lambda w: (Role.FUND_MANAGER, w.fund_b.id, None, None)),
        ("payer_officer", "--payer", "payer_a", lambda w: (Role.PAYER_OFFICER, None, w.payer_a.id, None)),
        ("investee_member", "--investee", "investee_b", lambda w: (Role.INVESTEE_MEMBER, None, None, w.investee_b.id)),
    ],
)
def test_users_create_makes_each_role_with_its_target(cli, db_session, world, role, option, target, expected):
    email = f"{role}.cli@test.example"
    result = cli("users", "create", email, "--role", role, option, str(getattr(world, target).id), "--password", STRONG)
    assert result.exit_code == 0, result.output
    assert f"as {role}." in result.output
    assert _memberships(db_session, _user(db_session, email)) == [expected(world)]


def test_users_create_makes_a_validator_of_one_contract_and_refuses_an_unknown_contract(cli, db_session, world):
    from tests.outcome_factories import make_contract

    contract = make_contract(db_session, [(world.payer_a, "100", None)], [world.investee_a])
    db_session.flush()
    result = cli(
        "users",
        "create",
        "check@test.example",
        "--role",
        "validator",
        "--contract",
        str(contract.id),
        "--password",
        STRONG,
    )
    assert result.exit_code == 0, result.output
    user = _user(db_session, "check@test.example")
    assert [(m.role, m.contract_id) for m in user.memberships] == [(Role.VALIDATOR, contract.id)]
    before = _count(db_session, User)
    missing = cli("users", "create", "other@test.example", "--role", "validator", "--password", STRONG)
    assert missing.exit_code == 2 and "--role validator needs --contract ID." in missing.output
    unknown = cli(
        "users", "create", "other@test.example", "--role", "validator", "--contract", "999999", "--password", STRONG
    )
    assert unknown.exit_code != 0 and "There is no contract with id 999999." in unknown.output
    assert _count(db_session, User) == before


@pytest.mark.parametrize(
    ("role", "needs"),
    [("fund_manager", "--fund"), ("payer_officer", "--payer"), ("investee_member", "--investee")],
)
def test_users_create_without_the_target_of_the_role_is_a_usage_error(cli, db_session, role, needs):
    before = _count(db_session, User)
    result = cli("users", "create", "x@test.example", "--role", role, "--password", STRONG)
    assert result.exit_code == 2
    assert f"--role {role} needs {needs} ID." in result.output
    assert _count(db_session, User) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "admin", "--fund", "1"], "--fund does not go with --role admin."),
        (["--role", "fund_manager", "--fund", "1", "--payer", "1"], "--payer does not go with --role fund_manager."),
        (["--role", "payer_officer", "--investee", "1"], "--investee does not go with --role payer_officer."),
        (
            ["--role", "investee_member", "--fund", "1", "--payer", "2"],
            "--fund, --payer does not go with --role investee_member.",
        ),
    ],
)
def test_users_create_with_an_option_that_does_not_fit_the_role_is_a_usage_error(cli, db_session, args, message):
    before = _count(db_session, User)
    result = cli("users", "create", "x@test.example", *args, "--password", STRONG)
    assert result.exit_code == 2
    assert message in result.output
    assert _count(db_session, User) == before


def test_users_create_with_an_unknown_role_is_a_usage_error(cli, db_session):
    result = cli("users", "create", "x@test.example", "--role", "superuser", "--password", STRONG)
    assert result.exit_code == 2
    assert "superuser" in result.output
    assert _user(db_session, "x@test.example") is None


def test_users_create_for_a_fund_that_does_not_exist_fails_clearly_and_writes_nothing(cli, db_session, world):
    before = (_count(db_session, User), _count(db_session, audit.AuditEntry))
    result = cli(
        "users", "create", "x@test.example", "--role", "fund_manager", "--fund", "999999", "--password", STRONG
    )
    assert result.exit_code == 1
    assert "fund_id: There is no fund with id 999999." in result.output
    assert (_count(db_session, User), _count(db_session, audit.AuditEntry)) == before


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "Use at least 10 characters."),
        ("Password123", "This password is too common."),
        ("xxweak.userxx", "Do not use your email address in your password."),
    ],
)
def test_users_create_refuses_a_weak_password(cli, db_session, password, problem):
    result = cli("users", "create", "weak.user@test.example", "--role", "admin", "--password", password)
    assert result.exit_code == 1
    assert "The user cannot be created." in result.output
    assert f"password: {problem}" in result.output
    assert _user(db_session, "weak.user@test.example") is None


def test_users_create_refuses_a_duplicate_email(cli, db_session, world):
    existing = world.user("manager_a")
    before = _count(db_session, User)
    result = cli("users", "create", existing.email.upper(), "--role", "admin", "--password", STRONG)
    assert result.exit_code == 1
    assert "A user with this email address already exists." in result.output
    assert _count(db_session, User) == before
    assert _memberships(db_session, _user(db_session, existing.email)) == [
        (Role.FUND_MANAGER, world.fund_a.id, None, None)
    ]


def test_users_create_prompts_for_the_password_twice_when_it_is_not_given(cli, db_session):
    result = cli("users", "create", "prompted@test.example", "--role", "admin", input=f"{STRONG}\n{STRONG}\n")
    assert result.exit_code == 0, result.output
    assert "Password" in result.output
    assert STRONG not in result.output  # hidden input
    user = _user(db_session, "prompted@test.example")
    assert verify_password(user.password_hash, STRONG)


def test_users_create_asks_again_when_the_prompted_passwords_differ(cli, db_session):
    result = cli(
        "users",
        "create",
        "prompted@test.example",
        "--role",
        "admin",
        input=f"{STRONG}\nsomething-else\n{STRONG}\n{STRONG}\n",
    )
    assert result.exit_code == 0, result.output
    assert "match" in result.output.lower()
    assert verify_password(_user(db_session, "prompted@test.example").password_hash, STRONG)


def test_users_create_aborts_without_a_user_when_the_prompt_gets_no_answer(cli, db_session):
    result = cli("users", "create", "prompted@test.example", "--role", "admin", input="")
    assert result.exit_code != 0
    assert _user(db_session, "prompted@test.example") is None


def test_users_list_prints_every_email_with_its_role(cli, db_session, world):
    result = cli("users", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for key, user in world.users.items():
        line = next(line for line in lines if user.email in line)
        assert str(user.id) in line
        if key == "admin":
            assert line.rstrip().endswith("admin")
    manager_line = next(line for line in lines if world.user("manager_a").email in line)
    assert manager_line.rstrip().endswith(f"fund_manager:{world.fund_a.id}")
    officer_line = next(line for line in lines if world.user("officer_b").email in line)
    assert officer_line.rstrip().endswith(f"payer_officer:{world.payer_b.id}")
    emails_in_order = [line.split()[1] for line in lines if line.strip()]
    assert emails_in_order == sorted(emails_in_order)


def test_demo_load_is_refused_when_users_exist(cli, db_session, world):
    before = {m: _count(db_session, m) for m in (Fund, Investee, OutcomePayer, User, audit.AuditEntry)}
    result = cli("demo", "load")
    assert result.exit_code == 1
    assert "The database already has users" in result.output
    assert {m: _count(db_session, m) for m in before} == before


def test_demo_load_if_empty_succeeds_without_loading_when_users_exist(cli, db_session, world):
    before = {m: _count(db_session, m) for m in (Fund, Investee, OutcomePayer, User, audit.AuditEntry)}
    result = cli("demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "The database already has data; demo data not loaded." in result.output
    assert {m: _count(db_session, m) for m in before} == before
    assert db_session.scalar(select(Fund).where(Fund.name == "Social Impact Fund Rotterdam")) is None


def test_demo_load_fills_an_empty_database_with_an_intact_audit_trail(cli, db_session):
    assert _count(db_session, User) == 0
    result = cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert "Demo data loaded: 2 funds, 12 investees, 2 payers, 9 users" in result.output
    assert (_count(db_session, Fund), _count(db_session, Investee), _count(db_session, OutcomePayer)) == (2, 12, 2)
    assert "1 outcome contract with results, claims and an independent validator." in result.output
    assert _count(db_session, User) == 10  # the foundation's 9, and the demo contract's validator
    assert (_count(db_session, Investor), _count(db_session, CapitalCall)) == (6, 6)
    assert (_count(db_session, Distribution), _count(db_session, FundExpense)) == (1, 1)
    rotterdam = db_session.scalar(select(Fund).where(Fund.name == "Social Impact Fund Rotterdam"))
    assert (str(rotterdam.total_committed), str(rotterdam.total_paid_in)) == ("5750000.00", "3600000.00")
    assert {call.on for investor in rotterdam.investors for call in investor.calls} == {rotterdam.founded_on}
    for fund in db_session.scalars(select(Fund)):
        figures = nav.nav(db_session, fund.id, clock.today())
        assert figures.cash > 0 and figures.nav > 0, fund.name
    verify = cli("audit", "verify")
    assert verify.exit_code == 0, verify.output
    assert "Audit trail intact" in verify.output
    again = cli("demo", "load", "--if-empty")
    assert again.exit_code == 0
    assert _count(db_session, Fund) == 2
