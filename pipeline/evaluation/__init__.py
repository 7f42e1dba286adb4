"""Scoring the cleaner against labelled pages (../shared/eval): gold bodies and snippets.
May import: pipeline.core, pipeline.ingest, pipeline.clean."""
