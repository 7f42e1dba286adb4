"""Turn messy news-article dumps into clean, audited articles (pure Python; never imports Airflow)."""

from pipeline.clean.cleaner import Cleaner
from pipeline.core.document import Article, Caption, RawArticle, Removal
from pipeline.ingest.readers import ReadError, read_file, read_paths


def __getattr__(name: str) -> str:
    """`pipeline.__version__`: the installed distribution's version, looked up on first use (the
    metadata lookup costs ~40 ms, which every command would pay if it ran on import)."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("newsclean-pipeline")
        except PackageNotFoundError:  # imported from a source tree that was never installed
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "__version__",
    "Article",
    "Caption",
    "Cleaner",
    "RawArticle",
    "ReadError",
    "Removal",
    "read_file",
    "read_paths",
]
