from __future__ import annotations

from decimal import Decimal

import marshmallow as ma

from fundapp.api import PagingArgsSchema
from fundapp.pipeline.models import ApplicationStatus, InstrumentKind, Vote
from fundapp.pipeline.services import MANUAL_ACTIONS
from fundapp.validation import Day, MoneyField, TrimmedString

Length = ma.validate.Length


class ApplicationCreateSchema(ma.Schema):
    investee_id = ma.fields.Integer(required=True)
    instrument = ma.fields.Enum(InstrumentKind, by_value=True, required=True)
    amount = MoneyField(required=True, min_value=Decimal("0.01"))
    purpose = TrimmedString(required=True, validate=Length(min=2, max=5000))
    impact_case = TrimmedString(required=True, validate=Length(min=2, max=10000))


class TransitionSchema(ma.Schema):
    action = ma.fields.String(required=True, validate=ma.validate.OneOf(MANUAL_ACTIONS))


class NoteCreateSchema(ma.Schema):
    text = TrimmedString(required=True, validate=Length(min=2, max=10000))
    internal = ma.fields.Boolean(
        load_default=True, metadata={"description": "the fund's own note, not shown to the enterprise"}
    )


class VoteSchema(ma.Schema):
    member = TrimmedString(required=True, validate=Length(min=2, max=200))
    vote = ma.fields.Enum(Vote, by_value=True, required=True)


class DecisionCreateSchema(ma.Schema):
    decided_on = Day(required=True)
    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(["approved", "declined"]))
    conditions = TrimmedString(load_default="", validate=Length(max=10000))
    votes = ma.fields.List(
        ma.fields.Nested(VoteSchema),
        required=True,
        metadata={"description": "each member present and their vote; approval needs more votes for than against"},
    )


class NoteSchema(ma.Schema):
    id = ma.fields.Integer()
    written_at = ma.fields.DateTime()
    author = ma.fields.Function(lambda note: note.author.name or note.author.email if note.author else None)
    text = ma.fields.String()
    internal = ma.fields.Boolean()


class DecisionSchema(ma.Schema):
    decided_on = Day()
    outcome = ma.fields.String()
    conditions = ma.fields.String()
    votes = ma.fields.List(
        ma.fields.Nested(VoteSchema), allow_none=True, metadata={"description": "null for the enterprise itself"}
    )


class ApplicationSchema(ma.Schema):
    id = ma.fields.Integer()
    fund_id = ma.fields.Integer()
    investee_id = ma.fields.Integer()
    investee_name = ma.fields.Function(lambda a: a.investee.name)
    instrument = ma.fields.Enum(InstrumentKind, by_value=True)
    amount = MoneyField()
    currency = ma.fields.Function(lambda a: a.fund.currency)
    purpose = ma.fields.String()
    impact_case = ma.fields.String()
    status = ma.fields.Enum(ApplicationStatus, by_value=True)
    created_at = ma.fields.DateTime()
    loan_id = ma.fields.Integer(allow_none=True)
    decision = ma.fields.Nested(DecisionSchema, allow_none=True)


class ApplicationListArgsSchema(PagingArgsSchema):
    fund_id = ma.fields.Integer(load_default=None)
    status = ma.fields.Enum(ApplicationStatus, by_value=True, load_default=None)


MEMBER_ROWS = 7


class _DecisionForm(ma.Schema):
    """The decision page: the members present in rows (member0/vote0, ...), loaded into the API's shape."""

    decided_on = Day(required=True)
    outcome = ma.fields.String(required=True, validate=ma.validate.OneOf(["approved", "declined"]))
    conditions = TrimmedString(load_default="", validate=Length(max=10000))

    @ma.post_load
    def _votes(self, data: dict, **_kwargs: object) -> dict:
        rows = [(data.pop(f"member{i}"), data.pop(f"vote{i}")) for i in range(MEMBER_ROWS)]
        data["votes"] = [{"member": member, "vote": vote} for member, vote in rows if member]
        return data

    @ma.validates_schema
    def _rows_complete(self, data: dict, **_kwargs: object) -> None:
        for i in range(MEMBER_ROWS):
            if data.get(f"member{i}") and not data.get(f"vote{i}"):
                raise ma.ValidationError("Choose how this member voted.", f"vote{i}")
            if data.get(f"vote{i}") and not data.get(f"member{i}"):
                raise ma.ValidationError("Name the member who voted.", f"member{i}")


DecisionFormSchema = type(
    "DecisionFormSchema",
    (_DecisionForm,),
    {
        **{f"member{i}": TrimmedString(load_default="", validate=Length(max=200)) for i in range(MEMBER_ROWS)},
        **{f"vote{i}": ma.fields.Enum(Vote, by_value=True, load_default=None) for i in range(MEMBER_ROWS)},
    },
)
