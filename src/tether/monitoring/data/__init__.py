"""The data a report reads: one side of a comparison, what its columns are, and its summaries.

Contracts: every input (a pandas frame, an Arrow table, a Parquet file or folder, a saved profile) is a
``Dataset`` read as Arrow batches, so a file larger than memory is read one batch at a time and nothing
here holds more than a batch unless a caller asks for a whole column. Summaries and tallies are built
batch by batch and do not depend on where batches split, so chunked and in-memory runs agree exactly.
Unreadable input is an ``InvalidData`` error naming the side (reference or current) and the column.
Nothing here knows about metrics, suites or pages.
"""
