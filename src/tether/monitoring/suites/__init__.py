"""Test suites: conditions on a report's figures, a verdict per test and one for the whole suite.

Contracts: a test is pydantic data naming one figure and, through the figure, the metric that computes it;
a suite runs one report holding each needed metric once. A test whose figure (or a reference value it
needs) is missing is an ``error`` with the reason, never a silent pass, and the suite passes only when
every test passes. Suite files are YAML; every mistake in one is an ``InvalidInput`` naming its place.
"""
