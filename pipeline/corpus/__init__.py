"""Across articles: the learn pass that counts each source's repeated lines, article identity, and
MinHash/LSH signatures for syndicated-copy clusters.
May import: pipeline.core, pipeline.ingest, pipeline.clean."""
