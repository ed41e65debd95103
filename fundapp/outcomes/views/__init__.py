"""Result-financing pages: contracts and rate cards, results to verify, claims line by line, payments."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__)

from fundapp.outcomes.views import (  # noqa: E402, F401 - register the routes
    assignments,
    claims,
    contracts,
    rate_cards,
    results,
)
