"""Infrastructure only: the metadata database and the blob store.

Contracts: nothing here knows a domain's rules. ``db.Database`` hands out connections (a write connection
holds the database's write lock from its first statement, so concurrent writers queue instead of failing);
``tables`` holds structure; ``migrations`` brings any older database to the current schema when opened;
``blobs.BlobStore`` stores bytes under keys that ``paths.safe_key`` has already checked.
"""
