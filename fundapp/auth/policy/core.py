"""The rule book: one SQL condition per (kind of object, action), used for lists and for single objects alike.

A rule says which rows of a model a scope may act on, as a WHERE clause. A list
is filtered by it (``visible``), a single object is checked by asking the
database whether that row passes it (``can``), so the two can never disagree (a
rule on the object's own columns only is worked out from them, the same condition).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, event, false, literal, select, true
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.evaluator import UnevaluatableError, _EvaluatorCompiler  # pinned SQLAlchemy (pyproject.toml)
from sqlalchemy.sql import elements, operators, selectable

from fundapp.auth.policy.scope import Scope
from fundapp.errors import Forbidden, NotFound

T = TypeVar("T")
Clause = Callable[[Scope], ColumnElement[bool]]


@dataclass(frozen=True)
class Rule:
    model: Any
    clause: Clause
    # An administrator runs the system, not the budget or the programme: some rules hold for them too.
    admin_bypass: bool = True


RULES: dict[tuple[str, str], Rule] = {}


def rule(model: Any, action: str, *, admin_bypass: bool = True) -> Callable[[Clause], Clause]:
    def register(clause: Clause) -> Clause:
        RULES[(model.__name__, action)] = Rule(model, clause, admin_bypass)
        return clause

    return register


def _rule(kind: str, action: str) -> Rule:
    found = RULES.get((kind, action))
    if found is None:
        raise LookupError(f"no authorization rule for {kind}.{action}")
    return found


def ids_in(column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    wanted = sorted(ids)
    return column.in_(wanted) if wanted else false()


def never(clause: Any) -> bool:
    """Whether ``clause`` is false whatever the rows: what a rule gives a scope with none of the rows it names (no
    funds, no payers, no investees), also inside ``AND``, ``OR`` and ``IN (SELECT ... WHERE ...)``. A query with
    such a WHERE finds nothing, so the database need not be asked (an investee's home page asked it four times).
    Anything else is not known to be false (False: ask the database)."""
    while True:
        if clause is false():
            return True
        if isinstance(clause, elements.AsBoolean):
            if clause.operator is not operators.is_true:
                return False
            clause = clause.element
        elif isinstance(clause, elements.Grouping):
            clause = clause.element
        else:
            break
    if isinstance(clause, elements.BooleanClauseList):
        if clause.operator is operators.and_:
            return any(never(c) for c in clause.clauses)
        if clause.operator is operators.or_:
            return all(never(c) for c in clause.clauses)
        return False
    if isinstance(clause, elements.BinaryExpression) and clause.operator is operators.in_op:
        rows: Any = clause.right
        while isinstance(rows, elements.Grouping | selectable.ScalarSelect):
            rows = rows.element
        # Rows of plain columns only: an aggregate gives a row even where nothing matches (count(*) gives 0).
        if isinstance(rows, selectable.Select) and all(
            isinstance(c, elements.ColumnClause) for c in rows.selected_columns
        ):
            return rows.whereclause is not None and never(rows.whereclause)
    return False


def visible(scope: Scope, model: Any, action: str = "view") -> ColumnElement[bool]:
    """The WHERE clause of the rows of ``model`` the scope may ``action``: the list filter."""
    found = _rule(model.__name__, action)
    if scope.is_admin and found.admin_bypass:
        return true()
    if not scope.authenticated:
        return false()
    return found.clause(scope)


def permitted_ids(session: Session, scope: Scope, action: str, model: Any, ids: Iterable[int]) -> set[int]:
    """Which of these rows the scope may ``action``, in one query (for a page that shows a button per row)."""
    wanted = sorted(set(ids))
    clause = visible(scope, model, action)
    if not wanted or never(clause):
        return set()
    return set(session.scalars(select(model.id).where(model.id.in_(wanted), clause)))


def can(scope: Scope, action: str, obj: Any) -> bool:
    found = _rule(type(obj).__name__, action)
    if scope.is_admin and found.admin_bypass:
        return True
    if not scope.authenticated or obj.id is None:
        return False
    clause = found.clause(scope)
    if never(clause):  # no row at all: nothing to ask the database
        return False
    model = found.model
    known = _from_loaded_columns(model, clause, obj)
    if known is not None:
        return known
    session = object_session(obj)
    if session is None:
        from fundapp.db import get_session

        session = get_session()
    return session.scalar(select(literal(1)).select_from(model).where(model.id == obj.id, clause)) is not None


def _from_loaded_columns(model: Any, clause: Any, obj: Any) -> bool | None:
    """The rule's answer worked out from ``obj``'s own loaded columns, when the clause names nothing else (``fund_id
    IN (1, 2)``, not a subquery); None: ask the database. It is the same condition SQLAlchemy evaluates for a bulk
    UPDATE's synchronisation; anything it cannot settle as true or false (an expired column, a NULL) is asked. A
    row changed in this session and not yet written is judged as the database would after the autoflush that
    asking it makes. test_policy checks every rule both ways for every role."""
    try:
        test = _EvaluatorCompiler(model).process(clause)
    except UnevaluatableError:
        return None
    result = test(obj)
    return result if result is True or result is False else None


def require(scope: Scope, action: str, obj: Any) -> None:
    """Raise 404 if the user may not even see ``obj``, 403 if they may see it but not do ``action``."""
    if can(scope, action, obj):
        return
    if action != "view" and can(scope, "view", obj):
        raise Forbidden("You may see this, but not change it.")
    raise NotFound("Not found, or not yours to see.")


def load(
    session: Session, model: type[T], object_id: Any, scope: Scope, action: str = "view", options: tuple[Any, ...] = ()
) -> T:
    # A route's object is loaded twice (by its ``access`` guard, then by the view): the second time is free. The
    # memo holds the object (the identity map alone would let it go) and lasts one transaction without writes:
    # a change, or another transaction's, may change what the rules allow.
    key = (model.__name__, object_id, action, scope, options)
    allowed = session.info.setdefault(ALLOWED, {})
    if key in allowed:
        return allowed[key]
    allowed[key] = obj = _load(session, model, object_id, scope, action, options)
    return obj


def _load(session: Session, model: type[T], object_id: Any, scope: Scope, action: str, options: tuple[Any, ...]) -> T:
    found = RULES.get((model.__name__, action))
    if action == "view" and found is not None and scope.authenticated and not (scope.is_admin and found.admin_bypass):
        # One query instead of two: the row only if the rule lets the scope see it (what ``can`` asks). A row of a
        # subclass, which may have a rule of its own, is checked again by its own rule.
        clause = found.clause(scope)
        if never(clause):
            raise NotFound("Not found, or not yours to see.")
        query = select(model).where(found.model.id == object_id, clause).options(*options)
        found_obj = session.scalars(query).unique().first()
        if found_obj is None:
            raise NotFound("Not found, or not yours to see.")
        if type(found_obj) is not model:
            require(scope, action, found_obj)
        return found_obj
    obj = session.get(model, object_id, options=list(options)) if options else session.get(model, object_id)
    if obj is None:
        raise NotFound("Not found, or not yours to see.")
    require(scope, action, obj)
    return obj


ALLOWED = "fundapp.policy.allowed"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_allowed(session: Session, *_context: Any) -> None:
    session.info.pop(ALLOWED, None)


def require_admin(scope: Scope) -> None:
    if not scope.is_admin:
        raise Forbidden("Only an administrator may do this.")
