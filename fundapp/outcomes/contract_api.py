"""/api/v1 for result financing: the simulation, rate cards, contracts, their budget, open data and results.

The claims' routes are in ``claim_api`` on the same blueprint.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from sqlalchemy import select

from fundapp.api import PageArgsSchema, PagingArgsSchema, make_blueprint, page_of, page_schema
from fundapp.auth.access import access, current_actor, current_scope
from fundapp.auth.policy import (
    acting_providers,
    is_officer_or_admin,
    load,
    payer_rows_of,
    require,
    visible,
    visible_contracts,
    visible_results,
)
from fundapp.db import get_session
from fundapp.errors import NotFound, ValidationFailed
from fundapp.investees.models import Investee
from fundapp.kept_answers import keeps_answers
from fundapp.listing import paginate, search_clause
from fundapp.outcomes import budget as budgets
from fundapp.outcomes import contracts, pricing, results
from fundapp.outcomes.contract_schemas import (
    ContractCreateSchema,
    ContractSchema,
    DecisionReasonSchema,
    ProviderDirectorySchema,
    RateCardCreateSchema,
    RateCardSchema,
    ResultCreateSchema,
    ResultSchema,
    SimulationResultSchema,
    SimulationSchema,
)
from fundapp.outcomes.models import (
    ContractPayer,
    ContractProvider,
    OutcomeContract,
    OutcomeResult,
    RateCard,
    ResultStatus,
)
from fundapp.outcomes.terms import rule_errors
from fundapp.validation import MoneyField

blp = make_blueprint("outcomes", "Result financing: contracts, rate cards, results, claims, payments, simulation")
ProviderDirectoryPageSchema = page_schema(ProviderDirectorySchema, "ProviderDirectoryPage")
RateCardPageSchema = page_schema(RateCardSchema, "RateCardPage")
ContractPageSchema = page_schema(ContractSchema, "ContractPage")
ResultPageSchema = page_schema(ResultSchema, "ResultPage")


@blp.route("/outcome-contracts/simulate", methods=["POST"])
@access("login")
@blp.arguments(SimulationSchema)
@blp.response(200, SimulationResultSchema)
def simulate(data: dict[str, Any]) -> Any:
    """What-if: the payments a draft contract would make for expected results. Writes nothing."""
    terms = pricing.ContractTerms(
        items=tuple(
            pricing.RateItem(
                code=i["code"],
                name=i["name"],
                price=i["price"],
                price_bands=tuple(
                    pricing.PriceBand(b["min_months"], b.get("max_months"), b["price"])
                    for b in i.get("price_bands") or []
                ),
                prerequisite=i.get("prerequisite"),
                max_units=i.get("max_units"),
                max_amount=i.get("max_amount"),
            )
            for i in data["items"]
        ),
        payers=tuple(pricing.Payer(p["name"], p["share_percent"], p.get("commitment")) for p in data["payers"]),
        participant_cap=data["participant_cap"],
        contract_cap=data["contract_cap"],
        deadweight_percent=data["deadweight_percent"],
        currency=data["currency"],
    )
    expected = [
        pricing.Result(
            item=r["item"],
            participant=r.get("participant") or None,
            achieved_on=r.get("achieved_on"),
            months_on_benefit=r.get("months_on_benefit"),
            units=1 if r.get("participant") else r["units"],
            key=str(index),
        )
        for index, r in enumerate(data["results"])
    ]
    try:
        claim = pricing.simulate(terms, expected)
    except pricing.ContractRuleError as exc:
        raise rule_errors(exc, "This draft contract breaks the rules.") from exc
    return {
        "lines": [
            {
                "item": line.item,
                "participant": line.participant,
                "units": line.units,
                "price": line.price,
                "gross": line.gross,
                "deadweight": line.deadweight,
                "payable": line.payable,
                "capped_by": line.capped_by,
            }
            for line in claim.lines
        ],
        "total_gross": claim.total_gross,
        "total_payable": claim.total_payable,
        "by_payer": [{"name": name, "amount": amount} for name, amount in claim.by_payer],
    }


@blp.route("/rate-cards", methods=["GET"])
@access("login")
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, RateCardPageSchema)
def list_rate_cards(args: dict[str, Any]) -> Any:
    """The rate cards of your payers, by name, a page at a time."""
    query = select(RateCard).where(visible(current_scope(), RateCard)).order_by(RateCard.name, RateCard.id)
    return _page(query, args)


@blp.route("/rate-cards", methods=["POST"])
@access("login", check=is_officer_or_admin)
@blp.arguments(RateCardCreateSchema)
@blp.response(201, RateCardSchema)
def create_rate_card(data: dict[str, Any]) -> Any:
    """A reusable rate card of your municipality or province, to apply to several contracts."""
    return contracts.create_rate_card(get_session(), current_actor(), current_scope(), data)


@blp.route("/rate-cards/<int:card_id>", methods=["GET"])
@access("login", obj=(RateCard, "card_id", "view"))
@blp.response(200, RateCardSchema)
def get_rate_card(card_id: int) -> Any:
    return load(get_session(), RateCard, card_id, current_scope())


@blp.route("/outcome-contracts", methods=["GET"])
@access("login")
@blp.arguments(PagingArgsSchema, location="query")
@blp.response(200, ContractPageSchema)
def list_contracts(args: dict[str, Any]) -> Any:
    """The contracts you are a party to (or validate), by start date, a page at a time."""
    query = (
        select(OutcomeContract)
        .where(visible_contracts(current_scope()))
        .order_by(OutcomeContract.valid_from, OutcomeContract.id)
    )
    return _page(query, args)


@blp.route("/outcome-contracts", methods=["POST"])
@access("login", check=is_officer_or_admin)
@blp.arguments(ContractCreateSchema)
@blp.response(201, ContractSchema)
def create_contract(data: dict[str, Any]) -> Any:
    """A draft contract: payers with shares and commitments, providers, caps, deadweight and its rate card."""
    return contracts.create_contract(get_session(), current_actor(), current_scope(), data)


@blp.route("/outcome-contracts/<int:contract_id>", methods=["GET"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
@blp.response(200, ContractSchema)
def get_contract(contract_id: int) -> Any:
    return load(get_session(), OutcomeContract, contract_id, current_scope())


@blp.route("/outcome-contracts/<int:contract_id>/payers/<int:payer_id>/accept", methods=["POST"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
@blp.response(200, ContractSchema)
def accept_payer_share(contract_id: int, payer_id: int) -> Any:
    """An officer of a named payer accepts its share and commitment (naming a payer grants nothing until then)."""
    session = get_session()
    row = session.scalar(
        select(ContractPayer).where(ContractPayer.contract_id == contract_id, ContractPayer.payer_id == payer_id)
    )
    if row is None:
        raise NotFound("This payer is not named in the contract.")
    require(current_scope(), "accept", row)
    contracts.accept_share(session, current_actor(), row)
    return session.get(OutcomeContract, contract_id)


@blp.route("/outcome-contracts/<int:contract_id>/providers/<int:investee_id>/accept", methods=["POST"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
@blp.response(200, ContractSchema)
def accept_provider(contract_id: int, investee_id: int) -> Any:
    """The named provider's fund manager or member accepts; until then the payers see nothing of the provider."""
    session = get_session()
    row = session.scalar(
        select(ContractProvider).where(
            ContractProvider.contract_id == contract_id, ContractProvider.investee_id == investee_id
        )
    )
    if row is None:
        raise NotFound("This provider is not named in the contract.")
    require(current_scope(), "accept", row)
    contracts.accept_provision(session, current_actor(), row)
    return session.get(OutcomeContract, contract_id)


@blp.route("/outcome-contracts/<int:contract_id>/activate", methods=["POST"])
@access("login", obj=(OutcomeContract, "contract_id", "edit"))
@blp.response(200, ContractSchema)
def activate_contract(contract_id: int) -> Any:
    """Start a draft once every payer and provider has accepted it."""
    contract = load(get_session(), OutcomeContract, contract_id, current_scope(), "edit")
    return contracts.activate(get_session(), current_actor(), contract)


@blp.route("/outcome-contracts/<int:contract_id>/close", methods=["POST"])
@access("login", obj=(OutcomeContract, "contract_id", "edit"))
@blp.response(200, ContractSchema)
def close_contract(contract_id: int) -> Any:
    """Agree to close for your payer(s); the contract closes once an officer of every payer has agreed."""
    contract = load(get_session(), OutcomeContract, contract_id, current_scope(), "edit")
    return contracts.agree_to_close(get_session(), current_actor(), payer_rows_of(current_scope(), contract))


@blp.route("/providers", methods=["GET"])
@access("login", check=is_officer_or_admin)
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ProviderDirectoryPageSchema)
def provider_directory(args: dict[str, Any]) -> Any:
    """Enterprises an officer may name as providers: name, KvK number and municipality only."""
    query = select(Investee).order_by(Investee.name)
    clause = search_clause([Investee.name, Investee.kvk_number, Investee.municipality], args["q"])
    if clause is not None:
        query = query.where(clause)
    return _page(query, args)


def _page(query: Any, args: dict[str, Any]) -> dict[str, Any]:
    page = paginate(get_session(), query, args["page"], args["page_size"])
    return page_of(page.items, page.total, page.page, page.page_size)


class BudgetRowSchema(ma.Schema):
    name = ma.fields.String()
    payer_id = ma.fields.Integer(allow_none=True)
    committed = MoneyField(allow_none=True)
    claimed = MoneyField()
    approved = MoneyField()
    paid = MoneyField()
    remaining = MoneyField(allow_none=True, min_value=None)


class InvestorSchema(ma.Schema):
    name = ma.fields.String()
    capital = MoneyField()
    max_repayment = MoneyField()
    repaid = MoneyField()
    outstanding = MoneyField()
    return_amount = MoneyField()


class BudgetSchema(ma.Schema):
    contract = ma.fields.Nested(BudgetRowSchema)
    payers = ma.fields.List(ma.fields.Nested(BudgetRowSchema))
    investor = ma.fields.Nested(InvestorSchema, allow_none=True)


@blp.route("/outcome-contracts/<int:contract_id>/budget", methods=["GET"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
@blp.response(200, BudgetSchema)
@keeps_answers
def contract_budget(contract_id: int) -> Any:
    """Committed, claimed, approved, paid and remaining, for the contract and per payer; the SIB investor."""
    return budgets.budget(get_session(), load(get_session(), OutcomeContract, contract_id, current_scope()))


@blp.route("/outcome-contracts/<int:contract_id>/indigo", methods=["GET"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
@blp.response(200)
def indigo_export(contract_id: int) -> Any:
    """The contract, its rate card, results and payments as open data (INDIGO-style JSON)."""
    from fundapp.outcomes.indigo import export

    return export(get_session(), load(get_session(), OutcomeContract, contract_id, current_scope()))


class ResultListArgs(PagingArgsSchema):
    status = ma.fields.Enum(ResultStatus, by_value=True, load_default=None)


@blp.route("/outcome-contracts/<int:contract_id>/results", methods=["GET"])
@access("login", obj=(OutcomeContract, "contract_id", "view"))
@blp.arguments(ResultListArgs, location="query")
@blp.response(200, ResultPageSchema)
def list_results(args: dict[str, Any], contract_id: int) -> Any:
    """The contract's results you may see, by date achieved, a page at a time; `status` filters them."""
    query = (
        select(OutcomeResult)
        .where(OutcomeResult.contract_id == contract_id, visible_results(current_scope()))
        .order_by(OutcomeResult.achieved_on, OutcomeResult.id)
    )
    if args["status"]:
        query = query.where(OutcomeResult.status == args["status"])
    return _page(query, args)


@blp.route("/outcome-contracts/<int:contract_id>/results", methods=["POST"])
@access("login", obj=(OutcomeContract, "contract_id", "claim"))
@blp.arguments(ResultCreateSchema)
@blp.response(201, ResultSchema)
def record_result(data: dict[str, Any], contract_id: int) -> Any:
    """A participant result (participant, achieved_on) or a cohort result (period, units), awaiting verification."""
    contract = load(get_session(), OutcomeContract, contract_id, current_scope(), "claim")
    if not acts_for(contract, data["investee_id"]):
        raise ValidationFailed.field("investee_id", "You can enter results only for your own enterprise or fund.")
    return results.record_result(get_session(), current_actor(), contract, data)


def acts_for(contract: OutcomeContract, investee_id: int) -> bool:
    return investee_id in {p.investee_id for p in acting_providers(current_scope(), contract)}


@blp.route("/outcome-results/<int:result_id>/verify", methods=["POST"])
@access("login", obj=(OutcomeResult, "result_id", "verify"))
@blp.response(200, ResultSchema)
def verify_result(result_id: int) -> Any:
    result = load(get_session(), OutcomeResult, result_id, current_scope(), "verify")
    return results.verify(get_session(), current_actor(), result)


@blp.route("/outcome-results/<int:result_id>/reject", methods=["POST"])
@access("login", obj=(OutcomeResult, "result_id", "verify"))
@blp.arguments(DecisionReasonSchema)
@blp.response(200, ResultSchema)
def reject_result(data: dict[str, Any], result_id: int) -> Any:
    result = load(get_session(), OutcomeResult, result_id, current_scope(), "verify")
    return results.reject(get_session(), current_actor(), result, data["reason"])


from fundapp.outcomes import assignment_api, claim_api  # noqa: E402, F401 - their routes, on this blueprint
