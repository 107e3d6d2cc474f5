"""Model packaging: flavors, signatures, manifests and safe loading.

Contracts: a package is a plain folder that loads the same way wherever it is copied; every file is hashed
in the manifest and checked before a framework reads it; nothing that can run code on load (pickle) is
read without the caller's opt-in; ``predict`` checks its input against the signature and names what does
not fit. This package holds no storage: the SDK stores packages as run artifacts.
"""
