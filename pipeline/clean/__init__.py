"""One RawArticle to one clean Article: the Cleaner, its steps, the shipped rules, the header reader,
language, dates, and the learned-boilerplate step; html/ and dump/ handle those input shapes.
May import: pipeline.core, pipeline.ingest."""
