"""Model serving: registered models over HTTP with adaptive batching, following the registry.

Contracts: predict calls never run on the event loop; each request's rows are counted against the batch
cap and the queue bound, and a full queue refuses (``Overloaded``) rather than waits; one bad request in a
batch never fails the others; every answer names the version that made it, and a version switch drops no
request. The domain opens no store: models come through a ``ModelSource`` handed in by whoever starts it.
"""
