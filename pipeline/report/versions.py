"""An article's versions as text: each version's batch, then a word diff against the one before."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pipeline.store.versions import Version

CONTEXT_WORDS = 5  # words shown on each side of a change, so the reader finds it in the text


def word_diff(old: str, new: str, context: int = CONTEXT_WORDS) -> list[str]:
    """The changes from old to new, one line each: removed words as [-…-], added as {+…+} (as
    git's word diff), with a few words of context on either side ("…" where text was skipped)."""
    marks = {"same": "{}", "removed": "[-{}-]", "added": "{{+{}+}}", "skipped": "…"}
    return [_joined([marks[kind].format(text) for kind, text in hunk]) for hunk in diff_hunks(old, new, context)]


def diff_hunks(old: str, new: str, context: int = CONTEXT_WORDS) -> list[list[tuple[str, str]]]:
    """The word diff as hunks of (kind, words): kind is same, removed, added or skipped (text left out)."""
    before, after = old.split(), new.split()
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        pieces = [("skipped", "")] if group[0][1] > 0 else []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                pieces.append(("same", " ".join(before[i1:i2])))
                continue
            pieces += [("removed", " ".join(before[i1:i2]))] if i2 > i1 else []
            pieces += [("added", " ".join(after[j1:j2]))] if j2 > j1 else []
        pieces += [("skipped", "")] if group[-1][2] < len(before) else []
        hunks.append(pieces)
    return hunks


def _joined(marked: list[str]) -> str:
    """Pieces separated by spaces, but a replacement reads [-old-]{+new+} without one."""
    text = ""
    for piece in marked:
        glued = text.endswith("-]") and piece.startswith("{+")
        text += piece if not text or glued else " " + piece
    return text


def version_text(version: Version) -> str:
    """What the diff compares: the headline, the dek and the body."""
    return "\n".join(part for part in (version.title, version.subtitle, version.body) if part)


def render_versions(article_id: int, versions: list[Version]) -> Iterator[str]:
    """Lines to print: one header per version (oldest first), each later one with its word diff."""
    if not versions:
        yield f"article {article_id}: no such article"
        return
    yield f"article {article_id}: {len(versions)} version(s), oldest first; {versions[-1].title or '(no title)'}"
    previous: Version | None = None
    for number, version in enumerate(versions, start=1):
        latest = "  (current)" if version.latest else ""
        yield f"version {number}  batch {version.batch_id}  loaded {version.loaded_at:%Y-%m-%d %H:%M:%S}{latest}"
        if previous is not None:
            changes = word_diff(version_text(previous), version_text(version))
            yield from (f"  {line}" for line in changes or ["(no change in the text)"])
        previous = version
