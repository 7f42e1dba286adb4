"""What a batch teaches before it is cleaned: per source, the distinct normalized paragraphs of
each delivered article, taken raw (no rule has run yet), so that the statistics never depend on
what they themselves remove and a batch is cleaned once, with what it teaches.

HTML pages are not extracted here (that is the expensive part of cleaning them): their block
elements are read from one lxml parse, which yields the same paragraph texts the extractor keeps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import lxml.html
from lxml import etree

from pipeline.clean.html import extract as html_extract
from pipeline.clean.learned import countable, line_hash, title_affix_keys
from pipeline.clean.structure import split_paragraphs
from pipeline.core.document import Paragraph, RawArticle
from pipeline.core.settings import SHIPPED, LearnedSettings, Settings
from pipeline.core.text import decode_entities, squash_spaces
from pipeline.ingest.readers import url_host

BLOCK_XPATH = "//p|//li|//h1|//h2|//h3|//h4|//h5|//h6|//blockquote|//td|//dd|//dt|//figcaption"


def read_once(raw: RawArticle, settings: Settings) -> tuple[str | None, list[int]]:
    """learnable_lines of the article, after setting raw.paragraphs to the split the cleaner's
    parse makes of its text, so that the clean pass does not split it again (issue 27). One split
    serves both passes when they split the same text alike (no character reference to decode, the
    shipped wrap width); otherwise the learn pass splits the raw text itself, as it always has."""
    if raw.text is None:
        return learnable_lines(raw, settings.learned)
    decoded = decode_entities(raw.text)
    raw.paragraphs = split_paragraphs(decoded, settings.text.wrap_max_chars)
    alike = decoded == raw.text and settings.text.wrap_max_chars == SHIPPED.text.wrap_max_chars
    return learnable_lines(raw, settings.learned, raw.paragraphs if alike else None)


def learnable_lines(
    raw: RawArticle, settings: LearnedSettings, split: Sequence[Paragraph] | None = None
) -> tuple[str | None, list[int]]:
    """(source, sorted distinct hashes of the countable paragraphs) of one delivered article; the
    source is found as the cleaner finds it (record field, URL host, batch sub-folder). split:
    split_paragraphs(raw.text) when the caller already has it."""
    page_url = None
    title = raw.title
    if raw.text is not None:
        texts = [p.text for p in (split if split is not None else split_paragraphs(raw.text))]
    elif raw.html is not None:
        tree = _parse(raw.html)
        texts = list(_blocks(tree)) if tree is not None else []
        page_url = html_extract.page_url(tree) if tree is not None and not raw.url else None
        title = title or (_page_title(tree) if tree is not None else None)
    else:
        texts = []
    source = raw.source or url_host(raw.url or page_url) or raw.fallback_source
    keys = [t for t in texts if countable(t, settings)] + title_affix_keys(title, settings)
    return source, sorted({line_hash(key) for key in keys})


def _page_title(tree: Any) -> str | None:
    """The page's <title> (the clean pass may show the <h1>, but the site's name rides on this)."""
    return squash_spaces(tree.findtext(".//title") or "") or None


def _parse(html: str) -> Any:
    try:
        return lxml.html.document_fromstring(html.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return None


def _blocks(tree: Any) -> Iterator[str]:
    for element in tree.xpath(BLOCK_XPATH):
        text = squash_spaces(element.text_content())
        if text:
            yield text
