"""Cleaning steps. Each is a small callable over one Article; every drop records its rule.

A cleaner is a list of these (see cleaner.py). Steps hold only configuration; nothing is shared
between articles, so the same input always gives the same output. Each step has a `name` (its
counters in Cleaner.stats and in `pipeline clean --json`'s "steps") and says whether it runs
`once` per article (before the header is read) or again in every recheck round.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, ClassVar, Protocol

from pipeline.clean.rules import CommentThreadPatterns, Rule, RuleSet, Selection, holds_any
from pipeline.core.document import Article, Paragraph
from pipeline.core.settings import SHIPPED, RuleContextSettings
from pipeline.core.text import key_words, printable, squash_spaces, squashed, word_count

_HAS_WORD = re.compile(r"\w")
_NAME_WORD = re.compile(r"@?[^\W\d_][\w.'’-]*")


class Step(Protocol):
    def __call__(self, article: Article) -> None: ...


def step_name(step: Any) -> str:
    """A step's counter name: its `name`, else its class name (any callable can be a step)."""
    return str(getattr(step, "name", type(step).__name__))


def runs_once(step: Any) -> bool:
    """Steps that run once per article, before the rules (page region, language, header), are not
    repeated in the cleaner's recheck rounds."""
    return bool(getattr(step, "once", False))


@dataclass
class StepStats:
    """What one step did over all articles a cleaner cleaned: removals it recorded in the audit
    (whole paragraphs, spans and header lines alike, as Article.removed counts them), wall-clock
    seconds, and runs (recheck rounds run a step again)."""

    removed: int = 0
    seconds: float = 0.0
    runs: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"removed": self.removed, "seconds": round(self.seconds, 6), "runs": self.runs}


# A paragraph filter's verdict on one paragraph: (rule id, category) to remove it, None to keep it.
Verdict = tuple[str, str] | None


class ParagraphFilter:
    """The base of steps that keep or remove whole paragraphs one at a time (datatrove's
    BaseFilter, for paragraphs): a subclass gives, per article, a judge of its paragraphs (which
    may keep state across them, such as the paragraphs seen so far); this class owns the loop,
    the audit records and the kept list."""

    name: ClassVar[str] = "paragraph_filter"

    def __call__(self, article: Article) -> None:
        judge = self.judge(article)
        if judge is None:
            return
        kept: list[Paragraph] = []
        for paragraph in article.paragraphs:
            verdict = judge(paragraph)
            if verdict is None:
                kept.append(paragraph)
            else:
                article.remove(paragraph, *verdict)
        article.paragraphs = kept

    def judge(self, article: Article) -> Callable[[Paragraph], Verdict] | None:
        """The judge of this article's paragraphs, in order; None when nothing can go."""
        raise NotImplementedError


@dataclass(frozen=True)
class CollapseRepeatedSpan:
    """A paragraph that is one span said k times ("A A", "A A A") becomes that span once.

    Gallery widgets flatten every caption twice; the minimum span length keeps short
    deliberate repetition ("Go, go, go") alone.
    """

    min_span_chars: int = SHIPPED.repetition.min_span_chars
    once: bool = False  # the cleaner runs it once before the header step, and again among the rules

    @property
    def name(self) -> str:
        return "collapse_repeated_span"

    def __call__(self, article: Article) -> None:
        shortest, head = 2 * self.min_span_chars + 1, self.min_span_chars
        for paragraph in article.paragraphs:
            text = paragraph.text
            # repeated_span's first two screens, without a call per paragraph (nearly all stop here)
            if len(text) < shortest or (head > 0 and text.find(text[:head], head + 1) < 0):
                continue
            span, copies = repeated_span(text, self.min_span_chars)
            if copies > 1:
                article.remove(paragraph, "repeat.span", "repetition", " ".join([span] * (copies - 1)))
                paragraph.text = span
                paragraph.lines = [span]


_SPACE_RUN = re.compile(r"\s+")  # \s is str.isspace(), the whitespace split() and strip() see
_NON_SPACE = re.compile(r"\S")


def repeated_span(text: str, min_chars: int) -> tuple[str, int]:
    """(span, k) when text is span repeated k times separated by whitespace, else (text, 1).

    The first copy is followed by whitespace; later copies may follow one another with or without
    it. When several spans fit, the shortest wins. Linear in the text's length for ordinary
    paragraphs (and O(n log log n) at worst), where trying every possible span was quadratic:
    a span said k times holds 1/k of the text's non-space characters, and those characters are a
    power of their shortest root, so only the few span ends whose non-space count is a multiple
    of that root dividing the total are tried.
    """
    n = len(text)
    if n < 2 * min_chars + 1:
        return text, 1
    # A second copy starts past the first one's end (at least min_chars in, then whitespace), with
    # the text's first min_chars characters: one search rules out nearly all prose without
    # building its non-space characters.
    if min_chars > 0 and text.find(text[:min_chars], min_chars + 1) < 0:
        return text, 1
    squashed = min_chars > 0 and _squashed(text)
    if squashed:
        found = _said_again(text, min_chars)
        if found is not None:
            return found
    bare = text.replace(" ", "") if squashed else "".join(text.split())
    root = _root_length(bare)
    if root == len(bare):  # no repeated root at all: the common case, decided at C speed
        return text, 1
    fitting = _fitting_counts(len(bare), root)
    largest = max(fitting)
    head, last_start = text[:min_chars], n // 2 + 1
    if squashed:
        return _squashed_span(text, head, fitting, largest, last_start)
    spaces = 0  # whitespace characters before the current run
    for run in _SPACE_RUN.finditer(text):
        end, after = run.start(), run.end()  # the span would be text[:end], its copy start in (end, after]
        kept = end - spaces  # non-space characters of text[:end]
        if end >= last_start or kept > largest:
            break
        spaces += after - end
        if end < min_chars or kept not in fitting:
            continue
        for start in range(end + 1, min(after, last_start) + 1):
            copies = _copies(text, text[:end], start) if text.startswith(head, start) else 0
            if copies:
                return text[:end], copies
    return text, 1


def _said_again(text: str, min_chars: int) -> tuple[str, int] | None:
    """(span, k) for a squashed text that is a span said k = 2 or 3 times, one space apart (a
    gallery's doubled caption, a long span said again: the usual repeats), when the span's non-space
    characters have no shorter root; None when it is not that (the general search decides). Then
    it is the general search's answer: the text's non-space characters are the span's k times and
    their shortest root is the span's, so for a prime k the only non-space count a span can have is
    the span's, which (spaces being single) the first copy's end reaches first."""
    for copies in (2, 3):
        if (len(text) + 1) % copies:
            continue
        size = (len(text) + 1) // copies - 1
        span = text[:size]
        if size >= min_chars and text[size] == " " and text == " ".join([span] * copies):
            bare = span.replace(" ", "")
            return (span, copies) if _root_length(bare) == len(bare) else None
    return None


def _squashed(text: str) -> bool:
    """Whether every whitespace run of text is one space (every other white-space character is
    unprintable), as in every paragraph the cleaner makes."""
    return printable(text) and "  " not in text


def _squashed_span(text: str, head: str, fitting: set[int], largest: int, last_start: int) -> tuple[str, int]:
    """repeated_span's search in a text whose whitespace runs are single spaces: the runs are
    visited in the same order, but only those a copy of the head follows (found by str.find, not
    one Python step per word), and the span ends' non-space counts kept up by str.count. The
    counts only grow from run to run, so stopping at the first run found past the bounds stops
    where the general search does."""
    needle = " " + head
    spaces = counted = 0  # spaces in text[:counted]
    end = text.find(needle, len(head))  # the span text[:end] is at least min_chars long
    while end >= 0 and end < last_start:
        spaces += text.count(" ", counted, end)
        counted = end
        kept = end - spaces  # non-space characters of text[:end]
        if kept > largest:
            break
        if kept in fitting and end + 1 <= last_start:
            copies = _copies(text, text[:end], end + 1)
            if copies:
                return text[:end], copies
        end = text.find(needle, end + 1)
    return text, 1


def _root_length(text: str) -> int:
    """Length of the shortest r with text == r * k (len(text) when none shorter; 0 for "")."""
    return (text + text).find(text, 1) if text else 0


def _fitting_counts(total: int, root: int) -> set[int]:
    """The non-space counts a span said at least twice can have: multiples of the root that divide
    the total, below it (total is a multiple of root, at least twice root)."""
    roots = total // root
    divisors = {d for low in range(1, math.isqrt(roots) + 1) if roots % low == 0 for d in (low, roots // low)}
    return {d * root for d in divisors if d < roots}


def _copies(text: str, span: str, start: int) -> int:
    """How many times text is span: text[:start] is its first copy, then copies from start on,
    each followed by optional whitespace, up to the end; 0 when the rest is not made of copies."""
    copies, position = 1, start
    while text.startswith(span, position):
        copies += 1
        found = _NON_SPACE.search(text, position + len(span))
        position = found.start() if found else len(text)
    return copies if position == len(text) and copies > 1 else 0


@dataclass(frozen=True)
class ApplyRules:
    """Span rules cut matches out of paragraphs, then paragraph rules drop whole paragraphs.

    Head/tail windows are positions in the article as it stands (the cleaner repeats its steps
    until nothing changes, so a tail rule sees the true tail once trailing furniture is gone).
    """

    rules: RuleSet
    windowed_only: bool = False  # re-check just the head/tail rules after paragraphs moved
    context: RuleContextSettings = SHIPPED.rule_context  # what is read around a matched line

    @property
    def name(self) -> str:
        return "recheck_windowed_rules" if self.windowed_only else "apply_rules"

    def __call__(self, article: Article) -> None:
        selected = self.rules.selection(article.language, self.windowed_only)
        if selected.span_rules:
            self._apply_span_rules(article, selected)
        if selected.paragraph_rules:
            self._apply_paragraph_rules(article, selected, self.rules.comment_thread, self.context)

    @staticmethod
    def _apply_span_rules(article: Article, selected: Selection) -> None:
        rules, screen = selected.span_checks, selected.span_screen
        count = len(article.paragraphs)
        head, tail = selected.span_reach
        kept: list[Paragraph] = []
        for index, paragraph in enumerate(article.paragraphs):
            # When every span rule needs a literal, a paragraph holding none of them is left as it
            # is; so is one that no rule's head or tail window takes in (the re-check's rules).
            if (index < head or count - index <= tail) and (screen is None or screen(paragraph.text)):
                words = word_count(paragraph.text)
                for rule, literal, literals, bounded in rules:
                    # one literal: one `in`, without a call (the loop meets every span rule)
                    if literal is not None:
                        if literal not in paragraph.text:
                            continue
                    elif literals is not None and not holds_any(paragraph.text, literals):
                        continue
                    if bounded and not rule.applies_at(index, count, words):
                        continue
                    paragraph.text = _cut_spans(article, paragraph, rule)
                    if not _HAS_WORD.search(paragraph.text):
                        break
            if _HAS_WORD.search(paragraph.text):
                kept.append(paragraph)
            elif paragraph.text.strip():
                article.remove(paragraph, "residue.punctuation", "furniture", paragraph.text, "paragraph")
        article.paragraphs = kept

    @staticmethod
    def _apply_paragraph_rules(
        article: Article, selected: Selection, thread: CommentThreadPatterns, context: RuleContextSettings
    ) -> None:
        paragraphs = article.paragraphs
        count = len(paragraphs)
        lengths = [word_count(p.text) for p in paragraphs]
        dropped: dict[int, Rule] = {}
        windowed = selected.all_windowed
        for index in _rule_places(selected, count):
            if index in dropped:
                continue
            if windowed:  # the re-check: a paragraph that no rule's window takes in is left alone
                head, tail = selected.reach(lengths[index])
                if index >= head and count - index > tail:
                    continue
            rule, match = _first_match(paragraphs[index].text, selected, index, count, lengths[index])
            if rule is None or match is None:
                continue
            dropped[index] = rule
            _keep_caption(article, match)
            previous = index - 1
            if (
                rule.takes_previous
                and article.page_dump  # elsewhere the line above a credit is as likely to be prose
                and previous >= 0
                and previous not in dropped
                and lengths[previous] <= rule.takes_previous
            ):
                dropped[previous] = rule  # the caption line above a credit line
                credit = match.groupdict().get("credit")
                article.add_caption(paragraphs[previous].text, squash_spaces(credit) if credit else None)
            # Linked headlines after a bare "Read more:" label or a "Related stories" heading: short
            # lines that are not sentences, up to takes_next of them.
            following = index + 1
            while following < min(count, index + 1 + rule.takes_next) and _is_link_line(
                paragraphs[following].text, context
            ):
                dropped[following] = rule
                following += 1
            if (
                rule.ends_article
                and any(n >= context.article_prose_words for n in lengths[:index])  # the article has begun
                and (
                    rule.heads_thread
                    or _only_form_lines_follow(lengths, index, context)
                    or comment_thread_follows([p.text for p in paragraphs[index + 1 : index + 7]], thread)
                )
            ):
                for rest in range(index + 1, count):
                    # The thread goes; an ad or agency line inside it is credited to its own rule.
                    if rest not in dropped:
                        own = _first_match(paragraphs[rest].text, selected, rest, count, lengths[rest])
                        dropped[rest] = own[0] or rule
                if article.page_dump:  # and, in a page dump, the tag/share/footer lines above it
                    before = index - 1
                    while before >= 0 and (before in dropped or _is_furniture_line(paragraphs[before].text, context)):
                        dropped.setdefault(before, rule)
                        before -= 1
                break
        for index in sorted(dropped):
            article.remove(paragraphs[index], dropped[index].id, dropped[index].category)
        article.paragraphs = [p for index, p in enumerate(paragraphs) if index not in dropped]


def _is_link_line(text: str, context: RuleContextSettings) -> bool:
    return word_count(text) <= context.link_line_words and not text.rstrip().endswith((".", "!", "?", "…", "”", '"'))


def _is_furniture_line(text: str, context: RuleContextSettings) -> bool:
    return word_count(text) <= context.furniture_line_words and _is_link_line(text, context)


def _only_form_lines_follow(lengths: list[int], index: int, context: RuleContextSettings) -> bool:
    """A "Leave a reply" at the very end, with at most a few short form prompts after it: the
    text ends there, so nothing of the article can follow."""
    rest = lengths[index + 1 :]
    return len(rest) <= context.form_lines and all(n <= context.form_line_words for n in rest)


def comment_thread_follows(texts: list[str], thread: CommentThreadPatterns) -> bool:
    """Whether the next (up to six) paragraphs after a comment marker read as a comment thread, not
    as more article: a reply/like button or a "Name says:" signature line, or two commenters (a
    name line followed by a sentence), or a name and a timestamp. Short paragraphs alone are no
    evidence (news paragraphs are short), nor are timestamps alone (a live blog's updates carry
    times), nor a linked name that a page dump cut out of its sentence ("Helmut Kohl" above
    "emotional wurde, ...")."""
    names = timestamps = 0
    for number, text in enumerate(texts):
        if any(p.fullmatch(text) for p in (*thread.buttons, *thread.signatures)):
            return True
        if any(p.fullmatch(text) for p in thread.timestamps):
            timestamps += 1
        elif _is_name_line(text) and (number + 1 < len(texts) and _is_sentence(texts[number + 1]) or timestamps):
            names += 1
    return names >= 2 or (names >= 1 and timestamps >= 1)


def _is_sentence(text: str) -> bool:
    return text[:1].isupper() and text.rstrip().endswith((".", "!", "?", "…", "”", '"', ")"))


def _is_name_line(text: str) -> bool:
    """A commenter's name or handle: one to three capitalized words, nothing else."""
    tokens = text.split()
    return (
        1 <= len(tokens) <= 3
        and len(text) <= 32
        and all(_NAME_WORD.fullmatch(t) and t.lstrip("@")[:1].isupper() for t in tokens)
    )


def _first_match(
    text: str, selected: Selection, index: int, count: int, words: int
) -> tuple[Rule | None, re.Match[str] | None]:
    if text[:1] == "|" or text[-1:] == "|":
        text = text.strip(" |")  # a table row flattened by an extractor: "| Related articles |"
    return selected.first_match(text, words, (index, count)) or (None, None)


def _rule_places(selected: Selection, count: int) -> range | list[int]:
    """The indexes of the paragraphs some paragraph rule's window may take in, in order: all of
    them, or (the re-check's rules, all windowed) the head and the tail, not the middle that no
    window reaches."""
    head, tail = selected.paragraph_reach
    if head + tail >= count:
        return range(count)
    return [*range(int(head)), *range(count - int(tail), count)]


def _cut_spans(article: Article, paragraph: Paragraph, rule: Rule) -> str:
    pieces: list[str] = []
    last = 0
    text = paragraph.text
    single_spaced: bool | None = None  # _squashed(text), read once a match needs it
    for match in rule.pattern.finditer(text):
        if match.end() == match.start():
            continue
        if single_spaced is None:
            single_spaced = _squashed(text)
        _keep_caption(article, match, single_spaced)
        article.remove(paragraph, rule.id, rule.category, match.group(0).strip())
        pieces.append(text[last : match.start()])
        last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return squash_spaces(" ".join(pieces))


def _keep_caption(article: Article, match: re.Match[str], single_spaced: bool = False) -> None:
    """The match's caption and credit groups, squashed, as a caption of the article. single_spaced:
    the matched text is _squashed (printable, no two spaces in a row), so a group of it is squashed
    once a space at either end is stripped: squashed() of it without reading it again, and the
    caption's key without squashing it either (issue 27: three reads of each gallery caption)."""
    groups = match.re.groupindex
    caption = match.group("caption") if "caption" in groups else None
    if caption:
        credit = match.group("credit") if "credit" in groups else None
        if single_spaced:
            article.add_caption(caption.strip(" "), credit.strip(" ") if credit else None, squashed_text=True)
        else:
            article.add_caption(squashed(caption), squashed(credit) if credit else None)


@dataclass(frozen=True)
class DropTitleRepeats(ParagraphFilter):
    name: ClassVar[str] = "drop_title_repeats"

    def judge(self, article: Article) -> Callable[[Paragraph], Verdict] | None:
        if not article.title:
            return None
        title_key, key = article.key(article.title), article.key
        return lambda paragraph: ("repeat.title", "repetition") if key(paragraph.text) == title_key else None


@dataclass(frozen=True)
class DropDuplicateParagraphs(ParagraphFilter):
    """Exact duplicates (after case/space/quote normalization), then near duplicates; first kept.

    Near duplicate: the word sequences of two paragraphs of at least 15 words agree at
    difflib ratio >= 0.85, i.e. about one word in seven inserted, dropped or changed. That is
    what re-run captions and updated wire paragraphs look like ("last two summers" / "last for
    two summers"); two different sentences on one topic share far fewer words in order. Only
    pairs of similar length sharing over half their word bigrams reach the (costly) difflib ratio.

    Short paragraphs are left alone: under 15 words one changed word is a different statement
    ("Vote for Anna on the last page!" / "Vote for Olga ..."), and under 10 words a verbatim
    repeat is usually meant (an interview's recurring question, a repeated "No."); noise lines
    that short are the rules' job. On the 181 real pages of ../shared/eval these floors raise
    F1 from 0.953 to 0.955 over 4 / 8 words.
    """

    near_ratio: float = SHIPPED.repetition.near_ratio
    min_words_exact: int = SHIPPED.repetition.min_words_exact
    min_words_near: int = SHIPPED.repetition.min_words_near

    name: ClassVar[str] = "drop_duplicate_paragraphs"

    def judge(self, article: Article) -> Callable[[Paragraph], Verdict]:
        seen: set[str] = set()  # keys of the paragraphs kept so far
        earlier = _LongParagraphs(self.near_ratio)  # the long ones, for the near-duplicate screen

        def verdict(paragraph: Paragraph) -> Verdict:
            key = article.key(paragraph.text)
            tokens = key_words(key)  # = words(paragraph.text), from the key already case-folded
            size = len(tokens)
            if size >= self.min_words_exact and key in seen:
                return "repeat.exact", "repetition"
            if size >= self.min_words_near:
                long = _LongParagraph(tokens, size)
                similar = earlier.of_similar_length(size)
                if similar and self._near_any(long, similar):
                    return "repeat.near", "repetition"
                earlier.add(long)
            seen.add(key)
            return None

        return verdict

    def _near_any(self, a: _LongParagraph, earlier: list[_LongParagraph]) -> bool:
        """Whether a is a near duplicate of any of these earlier paragraphs (one loop: this runs for
        many pairs of long paragraphs of an article). The length and vocabulary screens only skip
        pairs whose ratio cannot reach near_ratio; the bigram screen then decides as it always did."""
        near_ratio = self.near_ratio
        unmatched_share = 1 - (near_ratio - _FLOAT_SLACK)
        size = a.size
        a_words: set[str] | None = None  # made once, when a pair first needs it
        for b in earlier:
            total = size + b.size
            # ratio = 2 * matches / total <= 2 * min / total: lengths alone can rule out a pair
            if 2 * (size if size < b.size else b.size) < near_ratio * total:
                continue
            # A word that only one of the two has is unmatched, so 2 * matches <= total - the
            # words in only one = total - |a| - |b| + 2 * shared (vocabularies).
            if a_words is None:
                a_words = a.vocabulary()
            b_words = b.vocabulary()
            if 2 * len(a_words & b_words) < len(a_words) + len(b_words) - unmatched_share * total:
                continue
            # Cheap screen: a one-word edit keeps most bigrams, so near pairs share over half of them.
            a_grams, b_grams = a.bigrams(), b.bigrams()
            if 2 * len(a_grams & b_grams) < 0.5 * (len(a_grams) + len(b_grams)):
                continue
            if SequenceMatcher(None, a.tokens, b.tokens, autojunk=False).ratio() >= near_ratio:
                return True
        return False


# The bounds on a pair's ratio are compared with this much less than near_ratio, so that a rounding
# in a bound never skips a pair whose difflib ratio (also a float) reaches it.
_FLOAT_SLACK = 1e-9


@dataclass(slots=True)
class _LongParagraph:
    """A paragraph long enough for the near-duplicate screen: its words and their number; their set
    and its word bigrams are made once a pair needs them (many long paragraphs have no earlier one
    of similar length, and the cheaper screens let few pairs reach the bigrams)."""

    tokens: list[str]
    size: int  # len(tokens)
    _vocabulary: set[str] | None = None
    _bigrams: set[tuple[str, str]] | None = None

    def vocabulary(self) -> set[str]:
        if self._vocabulary is None:
            self._vocabulary = set(self.tokens)
        return self._vocabulary

    def bigrams(self) -> set[tuple[str, str]]:
        if self._bigrams is None:
            self._bigrams = set(zip(self.tokens, self.tokens[1:], strict=False))
        return self._bigrams


class _LongParagraphs:
    """An article's long paragraphs so far, by length: a pair whose lengths differ too much cannot
    reach the ratio (2 * shorter >= near_ratio * (a + b)), so only a window of lengths is read."""

    def __init__(self, near_ratio: float) -> None:
        reach = max(near_ratio - _FLOAT_SLACK, _FLOAT_SLACK)
        self._shortest = reach / (2 - reach)  # of the new paragraph's length, rounded down below
        self._longest = (2 - reach) / reach
        self._lengths: list[int] = []
        self._paragraphs: list[_LongParagraph] = []

    def add(self, paragraph: _LongParagraph) -> None:
        at = bisect_right(self._lengths, paragraph.size)
        self._lengths.insert(at, paragraph.size)
        self._paragraphs.insert(at, paragraph)

    def of_similar_length(self, size: int) -> list[_LongParagraph]:
        low = bisect_left(self._lengths, math.floor(size * self._shortest))
        high = bisect_right(self._lengths, math.ceil(size * self._longest))
        return self._paragraphs[low:high]
