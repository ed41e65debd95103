"""The kinds of notification: what each is called, and its subject and text, rendered in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fundapp.i18n import gettext
from fundapp.messages import N_


@dataclass(frozen=True)
class Kind:
    label: str
    subject: str
    text: str


KINDS: dict[str, Kind] = {
    "kpi_due_soon": Kind(
        N_("Impact report due in 14 days"),
        N_("Impact report for %(period)s due on %(due_on)s"),
        N_("The impact report of %(investee)s for %(period)s is due on %(due_on)s, in 14 days."),
    ),
    "kpi_due_today": Kind(
        N_("Impact report due today"),
        N_("Impact report for %(period)s due today"),
        N_("The impact report of %(investee)s for %(period)s is due today, %(due_on)s."),
    ),
    "kpi_overdue": Kind(
        N_("Impact report overdue"),
        N_("Impact report of %(investee)s for %(period)s is overdue"),
        N_("The impact report of %(investee)s for %(period)s was due on %(due_on)s and has not been submitted."),
    ),
    "installment_due_soon": Kind(
        N_("Installment due in 7 days"),
        N_("Installment of loan %(loan)s due on %(due_on)s"),
        N_("Installment %(number)s of loan %(loan)s of %(investee)s, %(amount)s, is due on %(due_on)s."),
    ),
    "installment_missed": Kind(
        N_("Installment missed"),
        N_("Installment of loan %(loan)s not paid"),
        N_("Installment %(number)s of loan %(loan)s of %(investee)s, %(amount)s, was due on %(due_on)s and is unpaid."),
    ),
    "claim_submitted": Kind(
        N_("Claim submitted"),
        N_("Claim of %(investee)s for %(period)s submitted"),
        N_("%(investee)s submitted a claim of %(amount)s for %(period)s under contract %(contract)s."),
    ),
    "claim_decided": Kind(
        N_("Claim decided"),
        N_("Claim of %(investee)s for %(period)s decided"),
        N_("The claim of %(investee)s for %(period)s under contract %(contract)s is %(decision)s."),
    ),
    "claim_paid": Kind(
        N_("Claim paid"),
        N_("Claim of %(investee)s for %(period)s paid"),
        N_("The claim of %(investee)s for %(period)s under contract %(contract)s is paid: %(amount)s."),
    ),
    "result_rejected": Kind(
        N_("Result rejected"),
        N_("A result under contract %(contract)s was rejected"),
        N_("The result %(item)s of %(participant)s under contract %(contract)s was rejected: %(reason)s"),
    ),
    "contract_invitation": Kind(
        N_("Invitation to a contract"),
        N_("Invitation to accept contract %(contract)s"),
        N_("%(party)s is named in outcome contract %(contract)s (%(reference)s). Read it and accept it on its page."),
    ),
    "token_expiring": Kind(
        N_("API token expiring"),
        N_("Your API token expires on %(expires_on)s"),
        N_("Your API token %(name)s (%(prefix)s…) expires on %(expires_on)s. Create a new one in time."),
    ),
    "statement_unmatched": Kind(
        N_("Bank statement with unmatched transactions"),
        N_("Bank statement of %(account)s: %(count)s transactions to match"),
        N_("The statement %(file)s of account %(account)s was imported; %(count)s transactions were not matched."),
    ),
}

# Words put into a text, translated when it is rendered.
WORDS = {
    "approved": N_("approved"),
    "partly_approved": N_("partly approved"),
    "rejected": N_("rejected"),
    "no reason given": N_("no reason given"),
    "a cohort": N_("a cohort"),
}


def _shown(name: str, value: Any) -> str:
    from fundapp.i18n import date_filter, money

    if name.endswith("_on") and value:
        return date_filter(value, "long")
    if name == "amount" and value is not None:
        return money(value)
    if name in ("decision", "participant", "reason") and value in WORDS:
        return gettext(WORDS[value])
    return str(value)


def render(kind: str, params: dict[str, Any]) -> tuple[str, str]:
    """The subject and text, in the current locale (``force_locale`` for someone else's)."""
    spec = KINDS[kind]
    shown = {name: _shown(name, value) for name, value in params.items()}
    return gettext(spec.subject, **shown), gettext(spec.text, **shown)
