"""The ``tether`` command line: ``tether <noun> <verb>``, one module per noun.

Contracts: commands reach tether only through ``tether.client`` (the Backend protocol), parse their
arguments, make the call and render; they hold no rules of their own. The one exception is ``server``,
which starts ``tether.server.run.serve``. Every command takes ``--json`` (except ``artifacts cat``, which
prints the file itself, and ``server``, which runs until stopped). Exit codes: 0 success, 1 a TetherError (one
``error:`` line on stderr), 2 a usage error, 130 interrupted. Importing this package loads Typer and
nothing heavy: the store, pydantic and rich load inside the command that needs them.
"""
