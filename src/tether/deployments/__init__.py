"""Deployments: the model servers that run, the versions each answers with, and how they are doing.

Contracts: a running ``tether serve --deployment NAME`` registers, reports a stats window on a fixed
interval and says when it stops; tether keeps the latest lanes, a bounded history of windows and a
``deployed`` lineage edge per version served. A deployment is governed by the permissions of the
registered models it serves. The domain computes no stats: the model server does (``serving.reporting``).
"""
