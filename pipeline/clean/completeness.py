"""Whether a clean article is the whole story (issue 23, item 4): a paywall or a teaser cuts it
when one of the paywall rules removed its prompt ("Subscribe to continue reading", "Read the full
article at ..."; category paywall in the rules YAML, each removal audited), or when the page's
JSON-LD says isAccessibleForFree: false over a body too short to be the whole article. The
article is still stored, with complete = false and the reason."""

from __future__ import annotations

from pipeline.core.document import Article
from pipeline.core.settings import CompletenessSettings

PAYWALL_CATEGORY = "paywall"


def judge_completeness(article: Article, settings: CompletenessSettings) -> None:
    """Set article.complete and article.incomplete_reason from its removals and its page's flag."""
    prompt = next((removal.rule for removal in article.removed if removal.category == PAYWALL_CATEGORY), None)
    if prompt is not None:
        article.complete, article.incomplete_reason = False, f"paywall prompt removed ({prompt})"
        return
    if article.accessible_for_free is False:
        words = len(article.body.split())
        if words < settings.paywalled_max_words:
            article.complete = False
            article.incomplete_reason = f"isAccessibleForFree: false and {words} words"
