"""The tether server: the REST API (``/api/v1``) over the same services the embedded store uses.

Contracts: routers parse, make one service call and render; no rules live here. Every route declares
what a caller needs (``access``), and ``create_app`` refuses to build an app with a route that declares
nothing, so with ``--auth`` everything is denied unless a route says otherwise. Every error leaves as
``{"error": {"code", "message"}}`` with the status of its TetherError class; bodies are size-limited
before they are parsed; sync service calls run in the worker thread pool. Responses are serialised by
pydantic, so NaN and infinities travel as the strings "NaN", "Infinity" and "-Infinity".
"""
