"""The sliding window of failed logins, with explicit times."""

from __future__ import annotations

from tether.auth.ratelimit import retry_after

NOW = 1_000_000_000


def test_under_the_limit_the_next_attempt_is_allowed() -> None:
    assert retry_after([], 3, 60, NOW) is None
    assert retry_after([NOW - 1000, NOW - 2000], 3, 60, NOW) is None


def test_at_the_limit_the_wait_lasts_until_the_oldest_failure_leaves_the_window() -> None:
    failures = [NOW - 10_000, NOW - 20_000, NOW - 30_000]
    assert retry_after(failures, 3, 60, NOW) == 30  # the one 30 s ago leaves the 60 s window in 30 s


def test_failures_outside_the_window_do_not_count() -> None:
    assert retry_after([NOW - 10_000, NOW - 20_000, NOW - 60_000], 3, 60, NOW) is None


def test_the_wait_is_at_least_one_second() -> None:
    assert retry_after([NOW - 59_999, NOW - 1, NOW], 3, 60, NOW) == 1


def test_more_failures_than_the_limit_wait_for_enough_of_them_to_expire() -> None:
    failures = [NOW - 5_000, NOW - 15_000, NOW - 25_000, NOW - 35_000]
    assert retry_after(failures, 3, 60, NOW) == 35
