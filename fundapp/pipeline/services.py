"""The pipeline's verbs: file an application, move it through its stages, note, decide (instruments.py makes what
it becomes).

They change state and audit; they never commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from fundapp import audit, clock
from fundapp.errors import InvalidTransition, ValidationFailed
from fundapp.investees.models import Investee
from fundapp.messages import N_
from fundapp.pipeline.models import (
    Application,
    ApplicationNote,
    ApplicationStatus,
    CommitteeDecision,
    CommitteeVote,
    Vote,
)

S = ApplicationStatus
# (status, action) -> next status. Anything not listed is an illegal move.
TRANSITIONS: dict[tuple[ApplicationStatus, str], ApplicationStatus] = {
    (S.INTAKE, "start_due_diligence"): S.DUE_DILIGENCE,
    (S.DUE_DILIGENCE, "refer_to_committee"): S.INVESTMENT_COMMITTEE,
    (S.INVESTMENT_COMMITTEE, "approve"): S.APPROVED,
    (S.INTAKE, "decline"): S.DECLINED,
    (S.DUE_DILIGENCE, "decline"): S.DECLINED,
    (S.INVESTMENT_COMMITTEE, "decline"): S.DECLINED,
}
# Approval is the committee's: it comes only with a recorded decision (record_decision).
MANUAL_ACTIONS = ("start_due_diligence", "refer_to_committee", "decline")
REFUSALS = {
    "start_due_diligence": N_("Only an application in intake can go to due diligence."),
    "refer_to_committee": N_("Only an application in due diligence can go to the investment committee."),
    "approve": N_("Only the investment committee approves, on an application before it."),
    "decline": N_("Only an open application can be declined."),
}
QUORUM = 2


def next_status(current: ApplicationStatus, action: str) -> ApplicationStatus:
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise InvalidTransition(
            REFUSALS[action], [{"field": "status", "message": N_("Not possible in the application's current stage.")}]
        ) from None


def create_application(session: Session, actor: audit.Who, investee: Investee, data: dict[str, Any]) -> Application:
    application = Application(
        fund_id=investee.fund_id,
        investee_id=investee.id,
        status=ApplicationStatus.INTAKE,
        created_by_id=getattr(actor, "id", None),
        **data,
    )
    session.add(application)
    session.flush()
    audit.record(
        session,
        actor,
        "application.created",
        application,
        {
            "fund_id": [None, investee.fund_id],
            "investee_id": [None, investee.id],
            **{k: [None, v] for k, v in data.items()},
        },
    )
    return application


def move(session: Session, actor: audit.Who, application: Application, action: str) -> Application:
    if action not in MANUAL_ACTIONS:
        raise ValidationFailed.field("action", f"Must be one of: {', '.join(MANUAL_ACTIONS)}.")
    before = application.status
    application.status = next_status(before, action)
    session.flush()
    audit.record(session, actor, f"application.{action}", application, {"status": [before, application.status]})
    return application


def add_note(
    session: Session, actor: audit.Who, application: Application, text: str, internal: bool
) -> ApplicationNote:
    note = ApplicationNote(application=application, author_id=getattr(actor, "id", None), text=text, internal=internal)
    session.add(note)
    session.flush()
    audit.record(
        session,
        actor,
        "application.note_added",
        application,
        {"note_id": [None, note.id], "internal": [None, internal], "text": [None, text]},
    )
    return note


def verdict(votes: list[Vote]) -> str:
    """The outcome the votes give: approved needs more members for than against; a tie declines."""
    in_favour = sum(1 for v in votes if v == Vote.FOR)
    against = sum(1 for v in votes if v == Vote.AGAINST)
    return "approved" if in_favour > against else "declined"


def check_votes(votes: list[dict[str, Any]], outcome: str) -> None:
    names = [v["member"].casefold() for v in votes]
    if len(votes) < QUORUM:
        raise ValidationFailed.field("votes", "At least two members must be present to decide.")
    if len(set(names)) != len(names):
        raise ValidationFailed.field("votes", "Each member is present once.")
    if verdict([v["vote"] for v in votes]) != outcome:
        raise ValidationFailed.field(
            "outcome", "The outcome contradicts the votes: approval needs more votes for than against."
        )


def record_decision(
    session: Session, actor: audit.Who, application: Application, data: dict[str, Any]
) -> CommitteeDecision:
    outcome = data["outcome"]
    before = application.status
    after = next_status(before, "approve" if outcome == "approved" else "decline")
    if before != ApplicationStatus.INVESTMENT_COMMITTEE:
        raise InvalidTransition(N_("The investment committee decides only on an application before it."))
    if data["decided_on"] > clock.today():
        raise ValidationFailed.field("decided_on", "A decision cannot be dated in the future.")
    check_votes(data["votes"], outcome)
    decision = CommitteeDecision(
        application=application,
        decided_on=data["decided_on"],
        outcome=outcome,
        conditions=data.get("conditions", ""),
        recorded_by_id=getattr(actor, "id", None),
        votes=[CommitteeVote(member=v["member"], vote=v["vote"]) for v in data["votes"]],
    )
    session.add(decision)
    application.status = after
    session.flush()
    audit.record(
        session,
        actor,
        "application.decided",
        application,
        {
            "status": [before, after],
            "decided_on": [None, decision.decided_on],
            "conditions": [None, decision.conditions],
            "votes": [None, [{"member": v.member, "vote": v.vote.value} for v in decision.votes]],
        },
    )
    return decision
