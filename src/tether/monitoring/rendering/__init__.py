"""The offline page of a report or a suite outcome: HTML with inline CSS and SVG charts, nothing fetched.

Contracts: rendering reads only the result shapes (``results.py``) and the ``HtmlPage`` a document builds
(``documents.py``); it never imports a document, a metric or data code. Every string from data is
escaped, and the page is the same whether it is written to a file or served.
"""
