"""Turn messy news-article dumps into clean, audited articles (pure Python; never imports Airflow)."""

from importlib.metadata import PackageNotFoundError, version

from .cleaner import Cleaner
from .document import Article, Caption, RawArticle, Removal
from .readers import ReadError, read_file, read_paths

try:
    __version__ = version("newsclean-pipeline")  # the installed distribution's metadata
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

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
