"""Where a webhook may deliver: http(s) URLs whose addresses are public, unless an admin allows private ones.

Checked twice. When a webhook is saved: the URL's form, and a host written as an address (in any form the
resolver accepts, such as ``127.1`` or ``2130706433``) or named ``localhost``. Before every delivery: the
host is resolved, every address it resolves to is checked, and the request goes to the address that was
checked (with the original name in ``Host`` and for TLS), so a name that resolves elsewhere a moment later
(DNS rebinding) cannot turn a delivery towards an internal service.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tether.errors import InvalidInput

if TYPE_CHECKING:
    import httpx

MAX_URL = 2048
SCHEMES = ("http", "https")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]
"""A host name and port to the addresses it stands for (``socket.getaddrinfo`` in production)."""


class Refused(Exception):
    """A delivery's target is not allowed; the message says why (it is stored in the delivery log)."""


@dataclass(frozen=True)
class Target:
    """Where one delivery connects: ``url`` has the checked address as its host."""

    url: str
    host: str
    """The ``Host`` header: the name (and port, when not the scheme's default) the admin wrote."""
    server_name: str | None
    """The name TLS verifies the certificate against (https only)."""


def check_url(url: object, allow_private: bool) -> str:
    """The URL, if a webhook may be saved with it; InvalidInput names what is wrong otherwise."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput("a webhook needs a URL such as https://hooks.example.com/tether")
    if len(url) > MAX_URL or not url.isascii() or any(c.isspace() or not c.isprintable() for c in url):
        raise InvalidInput(
            f"a webhook URL is at most {MAX_URL} printable ASCII characters without spaces "
            "(write international host names in their xn-- form)"
        )
    parsed = _parse(url)
    if not allow_private:
        address = literal_address(parsed.host)
        if address is not None and not is_public(address):
            raise InvalidInput(
                f"the webhook URL's host {parsed.host} is a {kind_of(address)} address; deliveries go only "
                "to public addresses unless the webhook allows private targets (allow_private)"
            )
        if parsed.host == "localhost" or parsed.host.endswith(".localhost"):
            raise InvalidInput(
                f"the webhook URL's host {parsed.host} is this machine; deliveries go only to public "
                "addresses unless the webhook allows private targets (allow_private)"
            )
    return url


def resolve(url: str, allow_private: bool, resolver: Resolver) -> Target:
    """Where a delivery to ``url`` connects now; Refused if any address of its host is not allowed."""
    parsed = _parse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    literal = literal_address(parsed.host)
    addresses = (
        [literal] if literal is not None else [ipaddress.ip_address(a) for a in resolver(parsed.host, port)]
    )
    if not addresses:
        raise Refused(f"{parsed.host} resolves to no address")
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise Refused(
                    f"{parsed.host} resolves to {address}, a {kind_of(address)} address, and this webhook "
                    "does not allow private targets"
                )
    host = parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
    return Target(
        url=str(parsed.copy_with(host=str(addresses[0]))),
        host=host,
        server_name=parsed.host if parsed.scheme == "https" else None,
    )


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host``, in its order of preference."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in found))


def literal_address(host: str) -> Address | None:
    """The address ``host`` spells, in standard or shorthand form (``127.1``, ``0x7f000001``); else None."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def is_public(address: Address) -> bool:
    """Whether an address is reachable on the public internet (an IPv4-mapped IPv6 address as its IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def kind_of(address: Address) -> str:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind in ("loopback", "link-local", "private", "multicast", "reserved", "unspecified"):
        if getattr(address, f"is_{kind.replace('-', '_')}"):
            return kind
    return "non-public"


def _parse(url: str) -> httpx.URL:
    import httpx  # only where webhooks are saved or sent: loading a model never needs it

    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as error:
        raise InvalidInput(f"{url!r} is not a URL: {error}") from None
    if parsed.scheme not in SCHEMES:
        raise InvalidInput(f"a webhook URL starts with http:// or https://, got {url!r}")
    if not parsed.host:
        raise InvalidInput(f"the webhook URL {url!r} names no host")
    if parsed.userinfo:
        raise InvalidInput("a webhook URL may not carry a user name or password; the signature authenticates")
    return parsed
