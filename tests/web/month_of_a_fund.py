"""A real fund's month, the pieces both scenarios share: the calendar, the loans' schedules worked out by hand
(not by fundapp), and the fund's loan book as it stands on the first day of the month, made through the API.

The month is the thirty days that end today: a collection date and an execution date cannot lie in the past, and
money cannot be received on a day still to come, so the batches are made for today and their money comes back on
today's statement. Due dates fall on a day of the month no later than the 28th, so no month-end clamping is
involved.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from fundapp import clock
from tests.bank_factories import Entry, camt
from tests.factories import kvk

TODAY = clock.today()
MONTH_START = TODAY - timedelta(days=29)
CENT = Decimal("0.01")

FUND_IBAN = "NL91ABNA0417164300"
CREDITOR_ID = "NL50ZZZ241234560000"
# The investees' business accounts, and a private account the fund has never heard of.
IBANS = {"A": "NL63TRIO0212345678", "B": "NL30RABO0301234567", "C": "NL03INGB0004567890", "D": "NL16BUNQ2034567890"}
STRANGER_IBAN = "NL66ASNB0707070707"


def cent(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_day(days_ago: int) -> date:
    """A day ``days_ago`` before today, moved back to the 28th at the latest."""
    day = TODAY - timedelta(days=days_ago)
    while day.day > 28:
        day -= timedelta(days=1)
    return day


def annuity(principal: Decimal, annual_rate: Decimal, n: int) -> list[tuple[Decimal, Decimal]]:
    """(principal, interest) per installment: monthly annuity, 30/360, interest on the balance rounded half-up,
    the installment rounded to the cent, the last one taking what is left."""
    r = annual_rate / 1200
    factor = (1 + r) ** n
    payment = cent(principal * r * factor / (factor - 1))
    balance, rows = principal, []
    for number in range(1, n + 1):
        interest = cent(balance * r)
        part = balance if number == n else payment - interest
        rows.append((part, interest))
        balance -= part
    return rows


def linear(principal: Decimal, annual_rate: Decimal, n: int) -> list[tuple[Decimal, Decimal]]:
    r = annual_rate / 1200
    part, balance, rows = cent(principal / n), principal, []
    for number in range(1, n + 1):
        interest = cent(balance * r)
        rows.append((balance if number == n else part, interest))
        balance -= rows[-1][0]
    return rows


@dataclass
class Loan:
    """A loan of the month: its terms, its installments by hand and the API's id once made."""

    key: str
    reference: str
    principal: Decimal
    rate: Decimal
    n: int
    amortization: str
    disbursed_on: date | None
    paid_before: int  # installments paid by hand (on their due dates) before the month
    schedule: list[tuple[Decimal, Decimal]] = field(default_factory=list)
    id: int = 0
    investee_id: int = 0

    def __post_init__(self) -> None:
        build = annuity if self.amortization == "annuity" else linear
        self.schedule = build(self.principal, self.rate, self.n)

    def due(self, number: int) -> date:
        assert self.disbursed_on is not None
        return add_months(self.disbursed_on, number)

    def total(self, number: int) -> Decimal:
        return sum(self.schedule[number - 1])

    def principal_of(self, *numbers: int) -> Decimal:
        return sum((self.schedule[k - 1][0] for k in numbers), Decimal(0))

    def interest_of(self, *numbers: int) -> Decimal:
        return sum((self.schedule[k - 1][1] for k in numbers), Decimal(0))


def the_loans() -> dict[str, Loan]:
    """A: running, collected by direct debit, its 6th installment due in the month. B: in arrears (its 3rd and
    4th installments unpaid when the month begins, the 5th due in it), a mandate signed this week. C: running,
    paid by transfer quoting its reference, the 3rd installment due in the month. D: approved, waiting to be paid."""
    a_due, b_due, c_due = due_day(10), due_day(5), due_day(20)
    return {
        "A": Loan("A", "SIF-2025-0101", Decimal("24000.00"), Decimal("6"), 24, "annuity", add_months(a_due, -6), 5),
        "B": Loan("B", "SIF-2025-0102", Decimal("12000.00"), Decimal("7.5"), 12, "annuity", add_months(b_due, -5), 2),
        "C": Loan("C", "SIF-2025-0103", Decimal("6000.00"), Decimal("4"), 12, "linear", add_months(c_due, -3), 2),
        "D": Loan("D", "SIF-2026-0104", Decimal("15000.00"), Decimal("5"), 36, "annuity", None, 0),
    }


NAMES = {"A": "Groene Koffie B.V.", "B": "Buurtbakkerij De Korrel", "C": "Fietsfabriek Noord", "D": "Zorgboerderij Eik"}


def fund_settings(client, headers, fund_id: int) -> None:
    """The fund's bank account and SEPA creditor identifier."""
    assert (
        client.patch(f"/api/v1/funds/{fund_id}", headers=headers, json={"creditor_id": CREDITOR_ID}).status_code == 200
    )
    account = client.post(
        f"/api/v1/funds/{fund_id}/bank-accounts", headers=headers, json={"iban": FUND_IBAN, "name": "Fonds Zuid"}
    )
    assert account.status_code == 201, account.get_json()


def open_the_books(client, headers, fund_id: int) -> dict[str, Loan]:
    """The loan book on the first day of the month: the investees with their accounts, every loan made, approved
    and disbursed, and the installments paid so far typed in by hand."""
    loans = the_loans()
    for key, loan in loans.items():
        investee = client.post(
            "/api/v1/investees",
            headers=headers,
            json={
                "fund_id": fund_id,
                "name": NAMES[key],
                "kvk_number": kvk(),
                "legal_form": "bv",
                "municipality": "Utrecht",
            },
        )
        assert investee.status_code == 201, investee.get_json()
        loan.investee_id = investee.get_json()["id"]
        iban = client.post(
            f"/api/v1/investees/{loan.investee_id}/bank-accounts",
            headers=headers,
            json={"iban": IBANS[key], "name": NAMES[key]},
        )
        assert iban.status_code == 201, iban.get_json()
        made = client.post(
            "/api/v1/loans",
            headers=headers,
            json={
                "investee_id": loan.investee_id,
                "reference": loan.reference,
                "principal": str(loan.principal),
                "annual_interest_rate": str(loan.rate),
                "disbursement_date": (loan.disbursed_on or TODAY).isoformat(),
                "number_of_installments": loan.n,
                "amortization": loan.amortization,
                "day_count": "30/360",
            },
        )
        assert made.status_code == 201, made.get_json()
        loan.id = made.get_json()["id"]
        assert client.post(f"/api/v1/loans/{loan.id}/approve", headers=headers).status_code == 200
        if loan.disbursed_on is None:
            continue
        paid_out = client.post(
            f"/api/v1/loans/{loan.id}/disbursements",
            headers=headers,
            json={"date": loan.disbursed_on.isoformat(), "amount": str(loan.principal), "reference": "overboeking"},
        )
        assert paid_out.status_code == 201, paid_out.get_json()
        for number in range(1, loan.paid_before + 1):
            paid = client.post(
                f"/api/v1/loans/{loan.id}/repayments",
                headers=headers,
                json={
                    "date": loan.due(number).isoformat(),
                    "amount": str(loan.total(number)),
                    "reference": f"{loan.reference} termijn {number}",
                },
            )
            assert paid.status_code == 201, paid.get_json()
    return loans


# The bank numbers its entries per statement (NtryRef) and gives its costs no reference of their own.
BANK_COSTS = Entry(
    "14.95",
    direction="debit",
    booked=TODAY - timedelta(days=1),
    remittance="Kosten zakelijk betalingsverkeer",
    counterparty="ABN AMRO Bank N.V.",
    counterparty_iban="NL02ABNA0123456789",
    bank_reference="",
)


def the_months_statement(loans: dict[str, Loan]) -> tuple[bytes, date, date]:
    """Until yesterday: C pays its installment quoting its reference in lower case with spaces, a stranger sends
    exactly B's third installment without a word of reference, and the bank takes its costs."""
    b, c = loans["B"], loans["C"]
    c_paid_on, stranger_on = c.due(3) + timedelta(days=2), TODAY - timedelta(days=8)
    c_transfer = Entry(
        str(c.total(3)),
        booked=c_paid_on,
        remittance=f"termijn 3 {c.reference.lower().replace('-', ' ')}",
        counterparty=NAMES["C"],
        counterparty_iban=IBANS["C"],
    )
    stranger = Entry(
        str(b.total(3)),
        booked=stranger_on,
        remittance="achterstand bakkerij",
        counterparty="J. de Bakker",
        counterparty_iban=STRANGER_IBAN,
    )
    return camt([c_transfer, stranger, BANK_COSTS], opening="50000.00"), c_paid_on, stranger_on


def todays_statement(loans: dict[str, Loan], payout_id: str) -> bytes:
    """Today's statement overlaps yesterday's (the bank's costs again), then the money of both batches: D paid out,
    the three collections in, and B's bank sending the fifth installment back for insufficient funds (AM04)."""
    a, b, d = loans["A"], loans["B"], loans["D"]
    collections = ((a, 6), (b, 4), (b, 5))
    entries = [
        BANK_COSTS,
        Entry(str(d.principal), "debit", TODAY, "Uitbetaling lening", payout_id, NAMES["D"], IBANS["D"]),
        *(
            Entry(
                str(loan.total(k)),
                "credit",
                TODAY,
                "Incasso",
                f"{loan.reference}-{k}",
                NAMES[loan.key],
                IBANS[loan.key],
                mandate_id=f"MND-{loan.reference}",
            )
            for loan, k in collections
        ),
        Entry(
            str(b.total(5)),
            "debit",
            TODAY,
            "Storno incasso",
            f"{b.reference}-5",
            NAMES["B"],
            IBANS["B"],
            return_reason="AM04",
        ),
    ]
    return camt(entries, opening="52000.00")
