"""What a person reads about a batch: the text summary, the HTML page and the quality checks.
May import: pipeline.core, pipeline.store."""
