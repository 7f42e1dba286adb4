"""Turn messy news-article dumps into clean, audited articles (pure Python; never imports Airflow)."""

from .cleaner import Cleaner
from .document import Article, Caption, RawArticle, Removal
from .readers import ReadError, read_file, read_paths

__all__ = ["Article", "Caption", "Cleaner", "RawArticle", "ReadError", "Removal", "read_file", "read_paths"]
