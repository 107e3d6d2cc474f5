"""The model registry: registered models, versions, aliases, the audit trail and promotion rules.

Contracts: a version points at a model package stored with the run that made it (``runs:/<id>/<path>``)
and is linked to that run by a lineage edge; every alias move is an immutable event, so which version an
alias named at any past time is one query; a promotion guard (``require``) is checked against the
source run before the alias moves.
"""
