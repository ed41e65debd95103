"""Why a bank sent a direct debit back: the ISO 20022 return reason codes SEPA uses, in words."""

from __future__ import annotations

from collections.abc import Callable

from fundapp.messages import N_

REASONS = {
    "AC01": N_("account number incorrect"),
    "AC04": N_("account closed"),
    "AC06": N_("account blocked"),
    "AC13": N_("the debtor's account is a consumer account"),
    "AG01": N_("direct debits are not allowed on this account"),
    "AG02": N_("invalid bank operation code"),
    "AM04": N_("insufficient funds"),
    "AM05": N_("duplicate collection"),
    "BE05": N_("creditor identifier unknown to the debtor's bank"),
    "MD01": N_("no valid mandate"),
    "MD02": N_("mandate data missing or incorrect"),
    "MD06": N_("refund requested by the debtor"),
    "MD07": N_("debtor deceased"),
    "MS02": N_("refused by the debtor"),
    "MS03": N_("reason not specified by the bank"),
    "RR01": N_("debtor's account details missing (regulatory reason)"),
    "RR04": N_("regulatory reason"),
    "SL01": N_("a service of the debtor's bank refused it"),
}


def return_reason_text(code: str | None, gettext: Callable[[str], str]) -> str:
    """The reversal reason written on the repayment a returned direct debit undoes."""
    code = (code or "").strip().upper()
    if code in REASONS:
        return gettext("Direct debit returned by the bank: %(code)s, %(reason)s.") % {
            "code": code,
            "reason": gettext(REASONS[code]),
        }
    if code:
        return gettext("Direct debit returned by the bank: reason %(code)s.") % {"code": code}
    return gettext("Direct debit returned by the bank.")
