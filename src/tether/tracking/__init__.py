"""Experiment tracking: experiments, runs, params, metrics, tags, artifacts and run search.

Contracts: ``service.TrackingService`` is the only entry point; ``queries`` holds SQL without rules;
``search`` turns the filter grammar into SQL; ``artifacts`` maps artifact paths to blob keys through
``storage.paths.safe_key``. Limits on names and values are in ``limits`` and documented in docs/limits.md.
"""
