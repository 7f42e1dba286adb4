"""The elements of the few tags that several readers of one page look up — its <meta>, <link>,
<title>, <script>, <figure>, <h1> and <a> elements — gathered in one walk of the parsed page.

Each `tree.iter(tag)` is a walk of the whole tree in lxml's C code: ~0.12 ms for a page of
~3,000 nodes, about as long as one walk that gathers all seven tags (~0.15 ms). The metadata,
the captions and the page-type features made ten such walks of every page (issue 27); they now
read the lists of one. Built per page and handed down, never kept between pages.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml.html import HtmlElement

TAGS = ("meta", "link", "title", "script", "figure", "h1", "a")


class PageTags:
    """tree.iter(tag)'s elements for each of TAGS, in document order (the tree itself included
    when it has one of them), from one walk; the lists hold the element proxies, so lxml hands
    the readers the same objects."""

    def __init__(self, tree: HtmlElement) -> None:
        self.tree = tree
        # The tree is the document's root: the whole document's elements are the tree's (a
        # document has one root element; comments and processing instructions have no tag).
        self.whole_document = tree.getparent() is None
        found: dict[str, list[HtmlElement]] = {tag: [] for tag in TAGS}
        for element in tree.iter(*TAGS):
            found[element.tag].append(element)
        self._found = found

    def of(self, tag: str) -> list[HtmlElement]:
        return self._found[tag]


def elements(tree: HtmlElement, tag: str, tags: PageTags | None) -> Iterable[HtmlElement]:
    """tree.iter(tag): from the walk made already when `tags` is that tree's."""
    if tags is not None and tags.tree is tree:
        return tags.of(tag)
    walk: Iterable[HtmlElement] = tree.iter(tag)
    return walk


def document_elements(tree: HtmlElement, tag: str, tags: PageTags | None) -> Iterable[HtmlElement]:
    """tree.getroottree().iter(tag): the walk made already when it covered the whole document."""
    if tags is not None and tags.tree is tree and tags.whole_document:
        return tags.of(tag)
    walk: Iterable[HtmlElement] = tree.getroottree().iter(tag)
    return walk
