"""Running the server with uvicorn: one process, or several workers sharing one database and blob store."""

from __future__ import annotations

import ipaddress
import os

from tether.config import Settings
from tether.errors import ConfigError
from tether.server.app import ENV_SETTINGS, create_app, settings_to_env

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 5050


def check_bind(host: str, *, auth: bool, insecure_no_auth: bool) -> None:
    """Without authentication, only this machine may connect unless the operator says otherwise."""
    if auth or insecure_no_auth or _is_loopback(host):
        return
    raise ConfigError(
        f"refusing to listen on {host} without authentication: anyone who can reach it could read and "
        "change every experiment. Use --auth, or --insecure-no-auth if the network is private to you."
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(
    settings: Settings,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    workers: int = 1,
    log_level: str = "info",
    auth: bool = False,
    insecure_no_auth: bool = False,
) -> None:
    """Serve until interrupted. The bind is checked and the store opened (and migrated) before the port
    is bound, so a refused or broken start never listens at all."""
    import uvicorn

    check_bind(host, auth=auth, insecure_no_auth=insecure_no_auth)
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    app = create_app(settings, auth=auth)
    if workers == 1:
        uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)
        return
    os.environ[ENV_SETTINGS] = settings_to_env(settings, auth=auth)
    uvicorn.run(
        "tether.server.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
    )
