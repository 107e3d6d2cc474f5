"""Lineage: typed edges between the objects of every domain, and walks upstream and downstream.

Contracts:
- An edge is ``(src, dst, kind)``; ``src`` is upstream: it is what ``dst`` came from, was made by, or is
  about (``data:… -used-> run:… -produced-> models:/churn/3 -deployed-> deployment:churn``). Walks keep
  that direction in every edge they return, whichever way they go.
- Kinds are a closed set (``kinds.EdgeKind``); ``kinds.EDGE_RULES`` says what each means and which kinds
  of ref it may join. Self-edges, unknown kinds, wrong ends and pointers (a model alias, a dataset branch
  or tag) are refused with ``InvalidInput``; nothing of a refused batch is stored.
- Recording is idempotent: an edge is stored once, with the time and author of its first recording.
- Lineage does not check that a ref names an existing object: the domain that records an edge does,
  inside the same transaction (``LineageService.record(..., conn=conn)``). When a domain deletes an
  object for good it calls ``LineageService.forget``; soft-deleted objects keep their edges.
- Walks are breadth-first with a visited set, so cycles in stored edges end; a walk stops at a node
  limit and then says ``truncated``.
- ``service.LineageService`` is the entry point; ``queries`` holds SQL without rules, which domains may
  use to read edges inside their own statements (``queries.linked_ids``).
"""
