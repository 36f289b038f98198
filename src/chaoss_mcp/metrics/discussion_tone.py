"""Discussion tone: the share of positive, neutral and negative human comments, scored with VADER.

Experimental. CHAOSS has no released sentiment metric; its Diversity & Inclusion working group left
"Contribution Sentiment" and "Project Places: Sentiment" as empty drafts, and the released DEI metrics
(e.g. Psychological Safety, https://chaoss.community/?p=3544) are survey-based. This variant scores
each human comment in the window (issue comments, inline review comments and non-empty review bodies)
with the VADER lexicon after stripping code, quoted replies, links and HTML comments, and reports
shares and the share of threads that contain a strongly negative comment. Only aggregates leave this
module: never comment text or author names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from importlib import metadata

from pydantic import BaseModel, ConfigDict, Field
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

from chaoss_mcp.identity import BotPolicy
from chaoss_mcp.records import Actor, ChangeRequest, Comment, Issue, Review
from chaoss_mcp.window import TimeWindow

ID = "discussion_tone"
VARIANT = "vader_compound_human_comments"

# VADER's cost grows faster than linearly with text length, and its compound score saturates on long
# texts; longer comments are scored in pieces of about this many characters, weighted by length.
_CHUNK_CHARS = 400

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^ {0,3}>")
_INDENTED = re.compile(r"^(?: {4,}|\t)")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_INLINE_CODE = re.compile(r"(`+).+?\1")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.)\S+", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9_.-]+)?")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(description="Length of the window, in days, ending at as_of")
    positive_threshold: float = Field(description="Compound score at or above which a comment is positive")
    negative_threshold: float = Field(description="Compound score at or below which a comment is negative")
    strongly_negative: float = Field(description="Compound score at or below which a comment is strongly negative")
    exclude_bots: bool = Field(description="Leave out comments and reviews written by bots")


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    comments: int = Field(description="Human comments scored (non-empty after cleaning) in the window")
    skipped_empty: int = Field(
        description="Comments left with no text after removing code, quotes, links and HTML comments"
    )
    bot_comments_excluded: int = Field(description="Comments in the window written by bots and left out")
    positive_share: float | None = Field(
        description="Share of scored comments with compound >= positive_threshold; null with no comments"
    )
    neutral_share: float | None = Field(
        description="Share of scored comments between the thresholds; null with no comments"
    )
    negative_share: float | None = Field(
        description="Share of scored comments with compound <= negative_threshold; null with no comments"
    )
    mean_compound: float | None = Field(
        description="Mean VADER compound score (-1 to 1) over scored comments; null with no comments"
    )
    threads: int = Field(description="Distinct issues and pull requests the scored comments belong to")
    threads_with_strongly_negative: int = Field(
        description="Threads with at least one comment whose compound <= strongly_negative"
    )
    strongly_negative_thread_share: float | None = Field(
        description="threads_with_strongly_negative / threads; null with no threads"
    )


@functools.cache
def _analyzer() -> SentimentIntensityAnalyzer:
    # Reads the lexicon shipped inside the package, once, at first use; no network.
    return SentimentIntensityAnalyzer()


@functools.cache
def _vader_version() -> str:
    try:
        return metadata.version("vaderSentiment")
    except metadata.PackageNotFoundError:
        return "unknown"


def clean(text: str) -> str:
    """Remove what is not the writer's own prose: code, quoted replies, links, HTML comments, mentions."""
    text = _HTML_COMMENT.sub(" ", text)
    kept: list[str] = []
    fence: str | None = None
    prev_blank = True
    prev_code = False
    for line in text.splitlines():
        if fence is not None:
            closing = _FENCE.match(line)
            if (
                closing
                and closing.group(1)[0] == fence[0]
                and len(closing.group(1)) >= len(fence)
                and not line[closing.end() :].strip()
            ):
                fence = None
                prev_blank, prev_code = True, False
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)
            continue
        if _QUOTE.match(line):
            prev_blank = prev_code = False
            continue
        if not line.strip():
            kept.append("")
            prev_blank = True
            continue
        # An indented block is code only where it cannot be a paragraph continuation.
        if _INDENTED.match(line) and (prev_blank or prev_code):
            prev_blank, prev_code = False, True
            continue
        kept.append(line)
        prev_blank = prev_code = False
    text = "\n".join(kept)
    text = _INLINE_CODE.sub(" ", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _HTML_TAG.sub(" ", text)
    text = _MENTION.sub(" ", text)
    return text.strip()


def _chunks(text: str) -> Iterator[str]:
    current = ""
    for sentence in _SENTENCE_BREAK.split(text):
        for word in sentence.split():
            if current and len(current) + 1 + len(word) > _CHUNK_CHARS:
                yield current
                current = ""
            current = f"{current} {word}" if current else word
        if len(current) >= _CHUNK_CHARS // 2:
            yield current
            current = ""
    if current:
        yield current


def compound(text: str) -> float:
    """VADER compound score of cleaned text; long texts are averaged over pieces, weighted by length."""
    analyzer = _analyzer()
    if len(text) <= _CHUNK_CHARS:
        return float(analyzer.polarity_scores(text)["compound"])
    total = weighted = 0.0
    for piece in _chunks(text):
        total += len(piece)
        weighted += len(piece) * float(analyzer.polarity_scores(piece)["compound"])
    return weighted / total if total else 0.0


def _texts(comments: Sequence[Comment], reviews: Sequence[Review]) -> Iterator[tuple[int, datetime, Actor | None, str]]:
    for comment in comments:
        yield comment.item_number, comment.created_at, comment.author, comment.body
    for review in reviews:
        if review.body.strip():  # a bare approval has no words to score
            yield review.item_number, review.submitted_at, review.author, review.body


def compute(
    *,
    comments: Sequence[Comment],
    reviews: Sequence[Review],
    issues: Sequence[Issue],
    change_requests: Sequence[ChangeRequest],
    window: TimeWindow,
    params: Params,
    bots: BotPolicy,
) -> Value:
    """Pure apart from loading VADER's packaged lexicon at first use. ``issues`` and
    ``change_requests`` are accepted for a uniform signature; item descriptions are not scored."""
    del issues, change_requests
    scores: list[float] = []
    skipped = bots_out = 0
    threads: set[int] = set()
    harsh_threads: set[int] = set()
    for item_number, moment, author, body in _texts(comments, reviews):
        if not window.contains(moment):
            continue
        if params.exclude_bots and bots.is_bot(author):
            bots_out += 1
            continue
        text = clean(body)
        if not text:
            skipped += 1
            continue
        score = compound(text)
        scores.append(score)
        threads.add(item_number)
        if score <= params.strongly_negative:
            harsh_threads.add(item_number)

    n = len(scores)
    positive = sum(1 for s in scores if s >= params.positive_threshold)
    negative = sum(1 for s in scores if s <= params.negative_threshold and s < params.positive_threshold)
    return Value(
        comments=n,
        skipped_empty=skipped,
        bot_comments_excluded=bots_out,
        positive_share=round(positive / n, 4) if n else None,
        neutral_share=round((n - positive - negative) / n, 4) if n else None,
        negative_share=round(negative / n, 4) if n else None,
        mean_compound=round(sum(scores) / n, 4) if n else None,
        threads=len(threads),
        threads_with_strongly_negative=len(harsh_threads),
        strongly_negative_thread_share=round(len(harsh_threads) / len(threads), 4) if threads else None,
    )


def sample(value: Value) -> dict[str, int]:
    return {"comments": value.comments, "threads": value.threads}


def definition(params: Params) -> dict[str, object]:
    return {
        "variant": VARIANT,
        "experimental": True,
        "population": (
            "issue comments, inline review comments and non-empty review bodies created in the window"
            + (", bots excluded" if params.exclude_bots else "")
        ),
        "cleaning": (
            "removed before scoring: fenced (``` and ~~~) and indented code blocks, inline code, quoted "
            "reply lines starting with '>', URLs (link text kept), HTML comments and tags, @mentions; "
            "comments with nothing left are skipped"
        ),
        "scoring": (
            f"VADER compound score (vaderSentiment {_vader_version()}); texts longer than {_CHUNK_CHARS} "
            "characters are scored in sentence-aligned pieces and averaged by length"
        ),
        "positive_threshold": params.positive_threshold,
        "negative_threshold": params.negative_threshold,
        "strongly_negative": params.strongly_negative,
        "window_days": params.window_days,
        "exclude_bots": params.exclude_bots,
    }


def caveats(value: Value) -> list[str]:
    notes = [
        'Lexicon-based sentiment misreads technical language ("kill the process" or "this test is '
        'failing" read as negative) and measures wording, not intent; treat the figures as a rough, '
        "experimental signal."
    ]
    if value.comments == 0:
        notes.append("No human comment with prose was written in the window, so tone cannot be measured.")
    elif value.comments < 30:
        notes.append(f"Only {value.comments} comments were scored; shares from so few move a lot.")
    return notes
