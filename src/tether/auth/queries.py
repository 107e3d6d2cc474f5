"""SQL of the auth domain. Functions take a connection and return rows; rules live in service.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, func, select

from tether.storage.bulk import insert_for
from tether.storage.tables import (
    api_tokens,
    experiment_permissions,
    experiments,
    login_failures,
    model_permissions,
    registered_models,
    sessions,
    users,
)

# --- users --------------------------------------------------------------------------------------------


def insert_user(conn: Connection, values: dict[str, object]) -> int:
    result = conn.execute(users.insert().values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def user_row(conn: Connection, username: str) -> Row[Any] | None:
    return conn.execute(select(users).where(users.c.username == username)).first()


def user_rows(conn: Connection) -> Sequence[Row[Any]]:
    return conn.execute(select(users).order_by(users.c.username)).all()


def update_user(conn: Connection, user_id: int, **values: object) -> None:
    conn.execute(users.update().where(users.c.user_id == user_id).values(**values))


def delete_user(conn: Connection, user_id: int) -> None:
    conn.execute(users.delete().where(users.c.user_id == user_id))


def count_active_admins(conn: Connection) -> int:
    query = select(func.count()).where(users.c.role == "admin", users.c.disabled.is_(False))
    return int(conn.execute(query).scalar_one())


def count_users(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


# --- API tokens ---------------------------------------------------------------------------------------

_TOKEN_COLUMNS = (*api_tokens.c, users.c.username)


def insert_token(conn: Connection, values: dict[str, object]) -> int:
    result = conn.execute(api_tokens.insert().values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def token_row(conn: Connection, token_id: int) -> Row[Any] | None:
    query = select(*_TOKEN_COLUMNS).join(users).where(api_tokens.c.token_id == token_id)
    return conn.execute(query).first()


def token_rows(conn: Connection, user_id: int | None) -> Sequence[Row[Any]]:
    query = select(*_TOKEN_COLUMNS).join(users).order_by(api_tokens.c.token_id)
    if user_id is not None:
        query = query.where(api_tokens.c.user_id == user_id)
    return conn.execute(query).all()


def token_and_user(conn: Connection, digest: str) -> Row[Any] | None:
    """The token stored under ``digest`` with its owner's columns (prefixed ``user_``)."""
    query = (
        select(
            api_tokens.c.token_id,
            api_tokens.c.expires_time,
            api_tokens.c.last_used_time,
            api_tokens.c.revoked,
            *(column.label(f"user_{column.name}") for column in users.c),
        )
        .join(users)
        .where(api_tokens.c.digest == digest)
    )
    return conn.execute(query).first()


def update_token(conn: Connection, token_id: int, **values: object) -> None:
    conn.execute(api_tokens.update().where(api_tokens.c.token_id == token_id).values(**values))


# --- sessions -----------------------------------------------------------------------------------------


def insert_session(conn: Connection, values: dict[str, object]) -> None:
    conn.execute(sessions.insert().values(**values))


def session_and_user(conn: Connection, digest: str) -> Row[Any] | None:
    query = (
        select(
            sessions.c.csrf_token,
            sessions.c.expires_time,
            *(column.label(f"user_{column.name}") for column in users.c),
        )
        .join(users)
        .where(sessions.c.digest == digest)
    )
    return conn.execute(query).first()


def delete_session(conn: Connection, digest: str) -> None:
    conn.execute(sessions.delete().where(sessions.c.digest == digest))


def delete_sessions_of(conn: Connection, user_id: int) -> None:
    conn.execute(sessions.delete().where(sessions.c.user_id == user_id))


def delete_expired_sessions(conn: Connection, now: int) -> None:
    conn.execute(sessions.delete().where(sessions.c.expires_time <= now))


# --- login failures -----------------------------------------------------------------------------------


def recent_failures(conn: Connection, column: str, value: str, since: int, limit: int) -> list[int]:
    """Times of the newest failures for one username or address after ``since``, newest first."""
    key = login_failures.c[column]
    query = (
        select(login_failures.c.at)
        .where(key == value, login_failures.c.at > since)
        .order_by(login_failures.c.at.desc())
        .limit(limit)
    )
    return [int(at) for at in conn.execute(query).scalars()]


def record_failure(conn: Connection, username: str, address: str, at: int, forget_before: int) -> None:
    """Log one failure and drop those that no window can count any more, so the table stays small."""
    conn.execute(login_failures.delete().where(login_failures.c.at <= forget_before))
    conn.execute(login_failures.insert().values(username=username, address=address, at=at))


def clear_failures(conn: Connection, username: str) -> None:
    conn.execute(login_failures.delete().where(login_failures.c.username == username))


# --- experiment permissions ---------------------------------------------------------------------------


def experiment_exists(conn: Connection, experiment_id: int) -> bool:
    query = select(experiments.c.experiment_id).where(experiments.c.experiment_id == experiment_id)
    return conn.execute(query).first() is not None


def upsert_permission(conn: Connection, experiment_id: int, user_id: int, level: str) -> None:
    stmt = insert_for(conn, experiment_permissions)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["experiment_id", "user_id"], set_={"level": stmt.excluded.level}
        ).values(experiment_id=experiment_id, user_id=user_id, level=level)
    )


def delete_permission(conn: Connection, experiment_id: int, user_id: int) -> int:
    result = conn.execute(
        experiment_permissions.delete().where(
            experiment_permissions.c.experiment_id == experiment_id,
            experiment_permissions.c.user_id == user_id,
        )
    )
    return int(result.rowcount)


def permission_rows(conn: Connection, experiment_id: int) -> Sequence[Row[Any, Any, Any]]:
    query = (
        select(experiment_permissions.c.experiment_id, users.c.username, experiment_permissions.c.level)
        .join(users)
        .where(experiment_permissions.c.experiment_id == experiment_id)
        .order_by(users.c.username)
    )
    return conn.execute(query).all()


def permission_rows_of_user(conn: Connection, user_id: int) -> Sequence[Row[Any, Any, Any]]:
    query = (
        select(experiment_permissions.c.experiment_id, users.c.username, experiment_permissions.c.level)
        .join(users)
        .where(experiment_permissions.c.user_id == user_id)
        .order_by(experiment_permissions.c.experiment_id)
    )
    return conn.execute(query).all()


def levels_of(conn: Connection, user_id: int, experiment_ids: Sequence[int] | None) -> dict[int, str]:
    """{experiment id: level} granted to one user, on the given experiments or on all of them."""
    query = select(experiment_permissions.c.experiment_id, experiment_permissions.c.level).where(
        experiment_permissions.c.user_id == user_id
    )
    if experiment_ids is not None:
        query = query.where(experiment_permissions.c.experiment_id.in_(experiment_ids))
    return {int(e): str(level) for e, level in conn.execute(query)}


# --- registered model permissions ---------------------------------------------------------------------


def upsert_model_permission(conn: Connection, model_id: int, user_id: int, level: str) -> None:
    stmt = insert_for(conn, model_permissions)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["model_id", "user_id"], set_={"level": stmt.excluded.level}
        ).values(model_id=model_id, user_id=user_id, level=level)
    )


def delete_model_permission(conn: Connection, model_id: int, user_id: int) -> int:
    result = conn.execute(
        model_permissions.delete().where(
            model_permissions.c.model_id == model_id, model_permissions.c.user_id == user_id
        )
    )
    return int(result.rowcount)


def model_levels_of(conn: Connection, user_id: int, names: Sequence[str] | None) -> dict[str, str]:
    """{model name: level} granted to one user, on the named registered models or on all of them."""
    query = (
        select(registered_models.c.name, model_permissions.c.level)
        .join(model_permissions, model_permissions.c.model_id == registered_models.c.model_id)
        .where(model_permissions.c.user_id == user_id)
    )
    if names is not None:
        query = query.where(registered_models.c.name.in_(list(names)))
    return {str(name): str(level) for name, level in conn.execute(query)}


def model_grants(conn: Connection, user_id: int, names: Sequence[str]) -> dict[str, str | None]:
    """{name: level granted to the user, or None} for each named model that exists, in one statement."""
    granted = model_permissions.c.model_id == registered_models.c.model_id
    query = (
        select(registered_models.c.name, model_permissions.c.level)
        .outerjoin(model_permissions, granted & (model_permissions.c.user_id == user_id))
        .where(registered_models.c.name.in_(list(names)))
    )
    return {str(name): None if level is None else str(level) for name, level in conn.execute(query)}


def model_id_named(conn: Connection, name: str) -> int | None:
    found = conn.execute(select(registered_models.c.model_id).where(registered_models.c.name == name))
    model_id = found.scalar()
    return None if model_id is None else int(model_id)


def model_permissions_on(conn: Connection, name: str) -> list[Row[Any]]:
    query = (
        select(users.c.username, model_permissions.c.level)
        .join(model_permissions, model_permissions.c.user_id == users.c.user_id)
        .join(registered_models, registered_models.c.model_id == model_permissions.c.model_id)
        .where(registered_models.c.name == name)
        .order_by(users.c.username)
    )
    return list(conn.execute(query))
