"""Article identity (which rows are the same story) and content hashes (did the story change)."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pipeline.core.document import Article
from pipeline.core.text import normalize_key

_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid")


def canonical_article_url(url: str) -> str:
    """Lower-case host, no www., no fragment, no tracking parameters, no trailing slash; a string
    that does not parse as a URL ("http://[::1") is its own canonical form, trimmed."""
    try:
        parts = urlsplit(url.strip() if "//" in url else f"//{url.strip()}")
        parts.hostname  # noqa: B018 - parsing the host is what raises for a bad IPv6 literal
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not k.lower().startswith(_TRACKING_PARAMS)
    ]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", host, path, urlencode(sorted(query)), ""))


def article_key(article: Article) -> str:
    """source + URL, else source + headline + date, else the clean body: the first that exists."""
    source = (article.source or "").casefold()
    if article.url:
        basis = ["url", source, canonical_article_url(article.url)]
    elif article.title:
        basis = ["title", source, normalize_key(article.title), (article.published or "")[:10]]
    else:
        basis = ["body", source, normalize_key(article.body)]
    return hashlib.sha256("\x1f".join(basis).encode("utf-8")).hexdigest()[:40]


def content_hash(fields: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
