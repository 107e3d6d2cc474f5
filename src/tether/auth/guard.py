"""Guard: who is calling and what they may do, as a server checks it on every request.

Contracts: every rule about who may do what lives here or in ``access`` (the server only says which
requirement a route has). API tokens and browser sessions are checked here; failed logins and wrong
current passwords are counted in the database (``ratelimit``), so every worker process of a server sees
the same count. Managing users, tokens and permissions is ``service.AuthService``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from typing import cast

from tether.auth import access, passwords, queries, tokens
from tether.auth.logins import Logins
from tether.auth.ratelimit import LoginLimits
from tether.auth.schemas import LoginSession, User
from tether.auth.service import AuthService
from tether.auth.users import normalise, user_of
from tether.errors import NotFound, PermissionDenied, Unauthenticated
from tether.types import Level

PASSWORD_CACHE_S = 300.0
"""How long a checked name and password pair is trusted without hashing it again."""
PASSWORD_CACHE_SIZE = 10_000
LAST_USED_RESOLUTION_MS = 60_000
"""A token's last-used time is refreshed at most this often, so reads do not all turn into writes."""


class Guard:
    def __init__(
        self,
        users: AuthService,
        *,
        clock: Callable[[], float] = time.time,
        login_limits: LoginLimits | None = None,
    ) -> None:
        self.users = users
        self.db = users.db
        self.clock = clock
        self.logins = Logins(self.db, self.now_ms, login_limits or LoginLimits())
        self._passwords: dict[str, tuple[str, float]] = {}
        """Digests of name and password pairs that passed: the stored hash they matched, and until when."""

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def count_users(self) -> int:
        with self.db.read() as conn:
            return queries.count_users(conn)

    # --- credentials ----------------------------------------------------------------------------------

    def authenticate_token(self, token: str) -> User:
        """The user an API token stands for; unknown, revoked and expired tokens are refused."""
        now = self.now_ms()
        with self.db.read() as conn:
            row = queries.token_and_user(conn, tokens.digest(token))
        if row is None:
            raise Unauthenticated("the API token is not valid (check TETHER_TOKEN)")
        if row.revoked:
            raise Unauthenticated(f"the API token {row.token_id} was revoked; create a new one")
        if row.expires_time is not None and row.expires_time <= now:
            raise Unauthenticated(f"the API token {row.token_id} has expired; create a new one")
        user = user_of(row, prefix="user_")
        if user.disabled:
            raise Unauthenticated(f"the account '{user.username}' is disabled")
        if row.last_used_time is None or now - row.last_used_time >= LAST_USED_RESOLUTION_MS:
            with self.db.write() as conn:
                queries.update_token(conn, row.token_id, last_used_time=now)
        return user

    def authenticate_password(self, username: str, password: str, address: str) -> User:
        """The user of a name and password sent with each request (HTTP Basic, as MLflow's client does).

        The password is checked as a login is (argon2, counted and limited); a pair that passed is then
        remembered for PASSWORD_CACHE_S against the user's stored hash, so a client sending it on every
        request pays the hash once, and a changed password or a disabled account takes effect at once.
        """
        key = hashlib.sha256(f"{username}\0{password}".encode()).hexdigest()
        remembered = self._passwords.get(key)
        if remembered is not None and remembered[1] > self.clock():
            with self.db.read() as conn:
                row = queries.user_row(conn, normalise(username))
            if row is not None and row.password_hash == remembered[0] and not row.disabled:
                return user_of(row)
        row = self.logins.checked_row(username, password, address)
        if len(self._passwords) >= PASSWORD_CACHE_SIZE:
            self._passwords.clear()
        self._passwords[key] = (row.password_hash, self.clock() + PASSWORD_CACHE_S)
        return user_of(row)

    def login(self, username: str, password: str, address: str) -> LoginSession:
        """Check a password and open a session; failures are counted and limited (see ``ratelimit``)."""
        return self.logins.login(username, password, address)

    def authenticate_session(self, secret: str) -> tuple[User, str]:
        """The user a session cookie stands for, and the session's CSRF token."""
        return self.logins.authenticate(secret)

    def logout(self, secret: str) -> None:
        self.logins.logout(secret)

    def change_password(
        self, username: str, current_password: str, new_password: str, address: str = "local"
    ) -> None:
        """A user's own change: the current password must be right (wrong guesses are limited like failed
        logins, per user and per ``address``); their browser sessions end."""
        passwords.check_password(new_password)
        self.users.get_user(username)
        self.logins.verify(username, current_password, address)
        self.users.update_user(username, password=new_password)

    # --- permissions ----------------------------------------------------------------------------------

    def check_access(self, user: User, experiment_ids: Sequence[str], level: Level) -> None:
        """Raise PermissionDenied unless ``user`` holds ``level`` on every one of the experiments."""
        if user.role == "admin":
            return
        keys = {e: access.experiment_key(e) for e in experiment_ids}
        wanted = [k for k in keys.values() if k is not None]
        with self.db.read() as conn:
            granted = queries.levels_of(conn, user.user_id, wanted) if wanted else {}
        for experiment_id, key in keys.items():
            have = None if key is None else access.effective_level(key, granted.get(key))
            _require(user, f"experiment {experiment_id}", have, level)

    def level_on(self, user: User, experiment_id: str) -> Level | None:
        """The highest level ``user`` holds on one experiment (MANAGE for an admin), None for none."""
        if user.role == "admin":
            return "MANAGE"
        key = access.experiment_key(experiment_id)
        if key is None:
            return None
        with self.db.read() as conn:
            granted = queries.levels_of(conn, user.user_id, [key])
        have = access.effective_level(key, granted.get(key))
        return cast("Level | None", have)

    def readable_experiments(self, user: User) -> list[str] | None:
        """Ids of the experiments ``user`` may read; None for an admin, who may read them all."""
        if user.role == "admin":
            return None
        with self.db.read() as conn:
            granted = queries.levels_of(conn, user.user_id, None)
        return [str(k) for k in sorted({access.DEFAULT_EXPERIMENT, *granted})]

    # --- registered models --------------------------------------------------------------------------

    def check_model_access(self, user: User, names: Sequence[str], level: Level) -> None:
        """Raise PermissionDenied unless ``user`` holds ``level`` on every named registered model, and
        NotFound for a name that is no model (so a typo reads as one, as it does for experiments)."""
        if user.role == "admin" or not names:
            return
        with self.db.read() as conn:
            granted = queries.model_grants(conn, user.user_id, names)
        for name in names:
            if name not in granted:
                raise NotFound(f"no registered model named {name!r}")
            _require(user, f"model {name!r}", granted[name], level)

    def model_level(self, user: User, name: str) -> Level | None:
        """The level ``user`` holds on one registered model (MANAGE for an admin), None for none."""
        if user.role == "admin":
            return "MANAGE"
        with self.db.read() as conn:
            granted = queries.model_levels_of(conn, user.user_id, [name])
        return cast("Level | None", granted.get(name))

    def readable_models(self, user: User) -> list[str] | None:
        """Names of the registered models ``user`` may read; None for an admin, who may read them all."""
        if user.role == "admin":
            return None
        with self.db.read() as conn:
            return sorted(queries.model_levels_of(conn, user.user_id, None))


def _require(user: User, what: str, have: str | None, level: Level) -> None:
    """PermissionDenied, saying who needed what and what they hold, unless ``have`` allows ``level``."""
    if not access.allows(have, level):
        held = f"they have {have}" if have else "they have no permission on it"
        raise PermissionDenied(
            f"{user.username} may not {access.VERBS[level]} {what}: that needs {level} ({held})"
        )
