"""An amount set in the environment (FUNDAPP_CLAIM_DUAL_APPROVAL_ABOVE) is read as plain decimal text, like the API's."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fundapp.config import load_config


def test_an_amount_setting_is_read_exactly_from_plain_decimal_text(monkeypatch):
    monkeypatch.setenv("FUNDAPP_CLAIM_DUAL_APPROVAL_ABOVE", " 25000.50 ")
    assert load_config()["CLAIM_DUAL_APPROVAL_ABOVE"] == Decimal("25000.50")


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "2.5e4", "25_000", "２５０００", "25000,50"])
def test_an_amount_setting_that_is_not_plain_decimal_text_stops_the_app_from_starting(monkeypatch, raw):
    monkeypatch.setenv("FUNDAPP_CLAIM_DUAL_APPROVAL_ABOVE", raw)
    with pytest.raises(ValueError, match="not a plain decimal number"):
        load_config()
