"""HTML pages: parse once, metadata and captions, the body from trafilatura plus structural furniture
filters (extract.py drives, blocks.py holds the block-level selection). Part of pipeline.clean."""
