"""Who may do what: users, API tokens, browser sessions and per-experiment permissions.

Contracts: ``service.AuthService`` is the only entry point and holds every access rule; ``queries`` holds
SQL without rules. Secrets are never stored or returned twice: passwords are argon2 hashes
(``passwords``), API tokens and session ids are SHA-256 digests (``tokens``), and a new token is shown
once, in the answer that creates it. Failed logins are counted in the database (``ratelimit``), so every
worker process of a server sees the same count. This is the lowest domain: it knows experiments only as
ids and imports nothing from the other domains.
"""
