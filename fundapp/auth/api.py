from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import select

from fundapp.api import make_blueprint
from fundapp.auth import services
from fundapp.auth.access import access, current_actor
from fundapp.auth.models import ApiToken
from fundapp.auth.schemas import MeSchema, TokenCreatedSchema, TokenRequestSchema, TokenSchema
from fundapp.db import get_session, session_scope
from fundapp.errors import Unauthorized

blp = make_blueprint("auth", "API tokens and the current user")


def login_policy() -> services.LoginPolicy:
    config = current_app.config
    return services.LoginPolicy(
        config["LOGIN_MAX_FAILURES"],
        config["LOGIN_LOCKOUT_MINUTES"],
        config["LOGIN_ADDRESS_MAX_FAILURES"],
        config["LOGIN_ACCOUNT_ADDRESS_MAX_FAILURES"],
    )


def authenticate_or_count(email: str, password: str) -> Any:
    from flask import request

    address = request.remote_addr or "unknown"  # the client's, when FUNDAPP_TRUSTED_PROXIES names the proxies
    policy = login_policy()
    services.check_address(get_session(), address, email, policy)
    try:
        return services.authenticate(get_session(), email, password, policy=policy)
    except services.AccountLocked:
        raise
    except Unauthorized:
        # The failing request rolls back; the failed attempt is counted on its own.
        with session_scope() as session:
            services.note_failed_login(session, email, policy)
            services.note_failed_address(session, address, email)
        raise


@blp.route("/auth/tokens", methods=["POST"])
@access("public")
@blp.doc(security=[])
@blp.arguments(TokenRequestSchema)
@blp.response(201, TokenCreatedSchema)
def create_token(data: dict[str, Any]) -> Any:
    user = authenticate_or_count(data["email"], data["password"])
    row, token = services.issue_token(get_session(), user, data["name"], current_app.config["API_TOKEN_DAYS"])
    return {"token": token, "id": row.id, "expires_at": row.expires_at}


@blp.route("/auth/tokens", methods=["GET"])
@access("login")
@blp.response(200, TokenSchema(many=True))
def list_tokens() -> Any:
    user = current_actor()
    return list(get_session().scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


@blp.route("/auth/tokens/<int:token_id>", methods=["DELETE"])
@access("login")
@blp.response(204)
def revoke_token(token_id: int) -> Any:
    services.revoke_token(get_session(), current_actor(), token_id)
    return None


@blp.route("/me", methods=["GET"])
@access("login")
@blp.response(200, MeSchema)
def me() -> Any:
    return current_actor()
