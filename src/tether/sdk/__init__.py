"""The Python faces of tether: the fluent API (``tether.start_run`` …) and ``tether.Client``.

Contracts: both reach services only through a ``Backend``. Metric points from the fluent API go through a
bounded background buffer: ``log_metric`` returns at once, points are written in batches, and everything
logged is written before ``flush()``, ``end_run()`` or a normal interpreter exit return.
"""
