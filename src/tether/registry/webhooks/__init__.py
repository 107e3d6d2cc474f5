"""Registry webhooks: admins register http(s) receivers, and every registry event is delivered to them.

Contracts: a delivery row is written in the same transaction as the event it carries, so an event that
happened is delivered and one that was rolled back never is (the outbox pattern); the server's sender
delivers each row at least once (receivers deduplicate on the ``Tether-Delivery`` header), signs the body
with the webhook's secret (``signing``), follows no redirects, gives up on a receiver after a timeout, and
retries network errors, 408, 429 and 5xx with exponential backoff up to a fixed number of attempts. A URL
whose host is, or resolves to, a loopback, link-local, private or otherwise non-public address is refused
unless the admin allowed private targets for that webhook (``targets``); the connection goes to the address
that was checked. The delivery rows are the delivery log: status, attempts, the last answer or error.
"""
