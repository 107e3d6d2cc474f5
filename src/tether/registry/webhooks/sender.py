"""The server's sender: delivers pending webhook rows, retries with backoff, and keeps the log.

Each ``tether server`` process runs one (``start``/``stop``); with ``--workers N`` several poll the same
table, and a compare-and-swap claim (``queries.claim``) gives each attempt to one of them. A claim is a
lease: a sender that dies mid-attempt leaves the row to be tried again when the lease runs out, which is
why delivery is at least once. Deliveries of an embedded store wait until a server runs on that store.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Row

from tether.registry.webhooks import queries, signing, targets
from tether.storage.db import Database
from tether.version import __version__

log = logging.getLogger("tether.webhooks")

MAX_ANSWER = 1024
"""How much of a receiver's answer the log keeps."""
PRUNE_EVERY_MS = 3_600_000
RETRIED = frozenset({408, 425, 429})
"""Statuses other than 5xx that say "try again later"."""


@dataclass(frozen=True)
class DeliveryPolicy:
    """How hard the sender tries: a timeout per attempt and exponential backoff between attempts."""

    timeout_s: float = 10.0
    first_retry_s: float = 10.0
    max_retry_s: float = 3600.0
    max_attempts: int = 8
    keep_days: int = 30
    """Finished deliveries older than this are pruned from the log."""

    def retry_in_ms(self, attempts: int, retry_after_s: float | None = None) -> int:
        """The wait before the next attempt, after ``attempts`` failed ones (``Retry-After`` honoured up to
        the cap)."""
        wait = min(self.first_retry_s * 2 ** (attempts - 1), self.max_retry_s)
        if retry_after_s is not None:
            wait = max(wait, min(retry_after_s, self.max_retry_s))
        return int(wait * 1000)


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: ``retry`` says whether another attempt may help."""

    delivered: bool
    retry: bool
    status: int | None = None
    error: str | None = None
    retry_after_s: float | None = None


def now_ms() -> int:
    return int(time.time() * 1000)


class WebhookSender:
    def __init__(
        self,
        db: Database,
        policy: DeliveryPolicy | None = None,
        *,
        clock: Callable[[], int] = now_ms,
        resolver: targets.Resolver = targets.system_resolver,
        poll_s: float = 1.0,
        parallel: int = 4,
    ) -> None:
        self.db = db
        self.policy = policy or DeliveryPolicy()
        self.clock = clock
        self.resolver = resolver
        self.poll_s = poll_s
        self.parallel = parallel
        self._http = httpx.Client(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(self.policy.timeout_s),
            headers={"User-Agent": f"tether/{__version__}", "Content-Type": "application/json"},
        )
        self._pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="tether-webhook")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pruned_at = 0

    def run_once(self) -> int:
        """Attempt every delivery that is due now (a batch at a time); returns how many were attempted."""
        now = self.clock()
        with self.db.read() as conn:
            found = queries.due(conn, now, self.parallel * 4)
        lease = now + int((self.policy.timeout_s + 30) * 1000)
        mine = []
        for row in found:
            with self.db.write() as conn:
                if queries.claim(conn, row.delivery_id, now, lease):
                    mine.append(row)
        list(self._pool.map(self._attempt, mine))
        self._prune()
        return len(mine)

    def start(self) -> None:
        """Deliver in a background thread until ``stop``."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="tether-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish the attempts under way, then stop; what is left stays pending for the next sender."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.policy.timeout_s + 5)
        self._pool.shutdown(wait=True)
        self._http.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # the store may be away for a while; keep the thread and try again
                log.exception("webhook deliveries could not be read or recorded")
                busy = 0
            if not busy:
                self._stop.wait(self.poll_s)

    def _prune(self) -> None:
        now = self.clock()
        if now - self._pruned_at < PRUNE_EVERY_MS:
            return
        self._pruned_at = now
        with self.db.write() as conn:
            queries.prune(conn, now - self.policy.keep_days * 86_400_000)

    def _attempt(self, row: Row[Any]) -> None:
        try:
            outcome = self._send(row)
        except Exception as error:
            # A row that breaks the sender is logged as an attempt, not retried forever.
            log.exception("webhook delivery %s to %s broke the sender", row.delivery_id, row.url)
            outcome = Outcome(
                delivered=False, retry=True, error=f"unexpected {type(error).__name__}: {error}"
            )
        attempts = row.attempts + 1
        now = self.clock()
        values: dict[str, object] = {
            "attempts": attempts,
            "claimed_until": 0,
            "last_status": outcome.status,
            "last_error": outcome.error,
        }
        if outcome.delivered:
            values.update(status="delivered", finished_time=now)
        elif outcome.retry and attempts < self.policy.max_attempts:
            values["next_attempt_at"] = now + self.policy.retry_in_ms(attempts, outcome.retry_after_s)
        else:
            values.update(status="failed", finished_time=now)
            log.warning(
                "webhook delivery %s to %s failed for good: %s", row.delivery_id, row.url, outcome.error
            )
        with self.db.write() as conn:
            queries.record_attempt(conn, row.delivery_id, **values)

    def _send(self, row: Row[Any]) -> Outcome:
        try:
            target = targets.resolve(row.url, row.allow_private, self.resolver)
        except targets.Refused as refusal:
            return Outcome(delivered=False, retry=False, error=f"refused: {refusal}")
        except OSError as error:
            return Outcome(delivered=False, retry=True, error=f"{row.url} could not be resolved: {error}")
        body = json.dumps(payload_of(row), separators=(",", ":")).encode()
        event = "ping" if row.event_id is None else row.kind
        headers = {
            "Host": target.host,
            signing.SIGNATURE_HEADER: signing.sign(row.secret, body, int(self.clock() / 1000)),
            signing.EVENT_HEADER: event,
            signing.DELIVERY_HEADER: str(row.delivery_id),
        }
        extensions = {} if target.server_name is None else {"sni_hostname": target.server_name}
        try:
            with self._http.stream(
                "POST", target.url, content=body, headers=headers, extensions=extensions
            ) as answer:
                start = _start_of(answer)
        except httpx.TimeoutException:
            return Outcome(delivered=False, retry=True, error=f"no answer within {self.policy.timeout_s:g} s")
        except httpx.HTTPError as error:
            return Outcome(delivered=False, retry=True, error=f"{type(error).__name__}: {error}")
        return _judge(answer, start)


def payload_of(row: Row[Any]) -> dict[str, object]:
    """The JSON a receiver gets: the event as the audit trail holds it (or a ping)."""
    if row.event_id is None:
        return {"event": "ping", "delivery_id": row.delivery_id, "webhook_id": row.webhook_id}
    return {
        "event": row.kind,
        "event_id": row.event_id,
        "delivery_id": row.delivery_id,
        "at": row.at,
        "model": row.model_name,
        "version": row.version,
        "alias": row.alias,
        "from_version": row.from_version,
        "to_version": row.to_version,
        "from_status": row.from_status,
        "to_status": row.to_status,
        "actor": row.actor,
    }


def _judge(answer: httpx.Response, start: str) -> Outcome:
    status = answer.status_code
    if 200 <= status < 300:
        return Outcome(delivered=True, retry=False, status=status)
    if 300 <= status < 400:
        where = answer.headers.get("location", "nowhere")
        return Outcome(
            delivered=False,
            retry=False,
            status=status,
            error=f"redirects are not followed (to {where[:300]})",
        )
    retry = status >= 500 or status in RETRIED
    return Outcome(
        delivered=False,
        retry=retry,
        status=status,
        error=f"HTTP {status}: {start}" if start else f"HTTP {status}",
        retry_after_s=_retry_after(answer) if retry else None,
    )


def _start_of(answer: httpx.Response) -> str:
    """The first ``MAX_ANSWER`` bytes of the answer as text; the rest is never read."""
    taken = b""
    for chunk in answer.iter_raw():
        taken += chunk
        if len(taken) >= MAX_ANSWER:
            break
    return taken[:MAX_ANSWER].decode("utf-8", "replace").strip()


def _retry_after(answer: httpx.Response) -> float | None:
    text = answer.headers.get("retry-after", "").strip()
    return float(text) if text.isascii() and text.isdigit() else None
