"""The rules under webhooks that need no store: which targets are allowed, signing, and the backoff."""

from __future__ import annotations

import ipaddress

import pytest

from tether.errors import ERRORS_BY_CODE, InvalidSignature, TetherError
from tether.registry.webhooks import signing, targets
from tether.registry.webhooks.sender import DeliveryPolicy


@pytest.mark.parametrize(
    ("host", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("224.0.0.1", False),
    ],
)
def test_public_addresses_are_told_from_the_rest(host: str, public: bool) -> None:
    assert targets.is_public(ipaddress.ip_address(host)) is public


@pytest.mark.parametrize(
    ("host", "spelled"), [("127.1", "127.0.0.1"), ("0x7f000001", "127.0.0.1"), ("[::1]", "::1")]
)
def test_shorthand_addresses_are_read_as_the_resolver_reads_them(host: str, spelled: str) -> None:
    assert str(targets.literal_address(host)) == spelled
    assert targets.literal_address("hooks.example.com") is None


def test_a_target_connects_to_the_checked_address_and_keeps_its_name() -> None:
    found = targets.resolve(
        "https://hooks.example.com:8443/in?x=1", False, lambda host, port: ["93.184.216.34"]
    )
    assert found == targets.Target(
        url="https://93.184.216.34:8443/in?x=1",
        host="hooks.example.com:8443",
        server_name="hooks.example.com",
    )
    six = targets.resolve("http://hooks.example.com/in", False, lambda host, port: ["2606:2800:220:1::1"])
    assert six.url == "http://[2606:2800:220:1::1]/in" and six.server_name is None


def test_every_address_of_a_name_must_be_public() -> None:
    with pytest.raises(targets.Refused, match=r"10\.0\.0\.1, a private address"):
        targets.resolve("https://hooks.example.com/", False, lambda host, port: ["93.184.216.34", "10.0.0.1"])
    with pytest.raises(targets.Refused, match="resolves to no address"):
        targets.resolve("https://hooks.example.com/", False, lambda host, port: [])
    allowed = targets.resolve("https://hooks.example.com/", True, lambda host, port: ["10.0.0.1"])
    assert allowed.url == "https://10.0.0.1/"


def test_a_signature_verifies_only_for_its_body_secret_and_time() -> None:
    body = b'{"event":"alias_set"}'
    header = signing.sign("whsec_a", body, 1_800_000_000)
    assert signing.verify("whsec_a", body, header, now_s=1_800_000_100) == 1_800_000_000
    with pytest.raises(InvalidSignature, match="does not match"):
        signing.verify("whsec_b", body, header, now_s=1_800_000_000)
    with pytest.raises(InvalidSignature, match="does not match"):
        signing.verify("whsec_a", body + b" ", header, now_s=1_800_000_000)
    with pytest.raises(InvalidSignature, match="at most 300 s"):
        signing.verify("whsec_a", body, header, now_s=1_800_000_301)
    with pytest.raises(InvalidSignature, match="no Tether-Signature"):
        signing.verify("whsec_a", body, None)
    for malformed in ("v1=abc", "t=soon,v1=abc", "t=1800000000", "garbage"):
        with pytest.raises(InvalidSignature, match="is not t=<seconds>,v1=<hex>"):
            signing.verify("whsec_a", body, malformed, now_s=1_800_000_000)


def test_the_backoff_doubles_up_to_its_cap_and_honours_retry_after() -> None:
    policy = DeliveryPolicy(first_retry_s=10, max_retry_s=600)
    assert [policy.retry_in_ms(n) for n in (1, 2, 3, 7, 12)] == [10_000, 20_000, 40_000, 600_000, 600_000]
    assert policy.retry_in_ms(1, retry_after_s=90) == 90_000
    assert policy.retry_in_ms(1, retry_after_s=86_400) == 600_000


def test_every_error_code_maps_back_to_its_class() -> None:
    """A remote client raises the class the server raised; a subclass without a code of its own (such as
    InvalidRef) arrives as its parent. Errors the client makes itself (ConnectionLost) never travel."""

    def subclasses(cls: type[TetherError]) -> set[type[TetherError]]:
        found = set(cls.__subclasses__())
        return found.union(*(subclasses(c) for c in found)) if found else found

    for kind in subclasses(TetherError):
        if kind.__module__ != "tether.errors" and kind.__module__.startswith("tether.client"):
            continue
        if "code" in vars(kind):
            assert ERRORS_BY_CODE.get(kind.code) is kind, kind.__name__
        else:
            assert ERRORS_BY_CODE[kind.code] in kind.__mro__
