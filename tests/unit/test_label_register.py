"""One label per value, whatever module registers it first: a second, different label is refused."""

from __future__ import annotations

import pytest
from flask_babel import lazy_gettext as _l

from fundapp import labels


def test_a_value_registered_again_with_another_label_is_refused_and_the_same_label_is_accepted():
    key = "test-only-value"
    try:
        labels.register({key: _l("First")})
        labels.register({key: _l("First")})  # the same text again: two areas may share a label
        with pytest.raises(ValueError, match=key):
            labels.register({key: _l("Second")})
        assert labels._msgid(labels.LABELS[key]) == "First"
    finally:
        labels.LABELS.pop(key, None)


def test_every_area_of_the_app_registers_its_labels_without_a_clash(app):
    # Creating the app imported every area's views: had two areas given one value two labels, it had failed.
    assert labels._msgid(labels.LABELS["grant"]) == "Grant"
