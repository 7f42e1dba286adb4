"""Input: bytes from a folder or any fsspec URL to RawArticle records (storage, encodings, readers).
May import: pipeline.core."""
