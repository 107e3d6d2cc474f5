"""Dataset versioning: folders as immutable, content-addressed commits with branches and tags.

Contracts: every object (a file, a chunk of a large file, a chunk index, a manifest, a commit) is named by
the blake3 hash of its bytes and checked against it on every read; a commit lands only when everything it
reaches is stored; branches move by compare-and-swap. The store side (``service``, ``objects``,
``revisions``, ``garbage``) runs where the store is; the folder side (``tree``, ``chunks``, ``statcache``,
``transfer``) runs where the files are and reaches the store only through the service's interface.
"""
