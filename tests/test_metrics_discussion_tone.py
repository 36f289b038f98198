from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # type: ignore[import-untyped]

from chaoss_mcp.identity import BotPolicy
from chaoss_mcp.metrics import discussion_tone as tone
from chaoss_mcp.records import Actor, Comment, Review
from chaoss_mcp.window import TimeWindow

AS_OF = date(2026, 6, 30)
WINDOW = TimeWindow.ending(AS_OF, 30)  # 2026-06-01T00:00 .. 2026-06-30T23:59:59.999999
BOTS = BotPolicy.from_lists(accounts=["cla-checker"])
BOB = Actor(login="bob", type="User")
IN_WINDOW = datetime(2026, 6, 15, tzinfo=UTC)

POSITIVE = "Thanks so much, this is great work and I love it!"
NEGATIVE = "This change is annoying."  # negative but not strongly (about -0.4)
NEUTRAL = "The function returns a list of numbers."
HARSH = "This is horrible, awful, disgusting garbage and you should be ashamed."


def params(**overrides: object) -> tone.Params:
    base: dict[str, object] = {
        "window_days": 30,
        "positive_threshold": 0.05,
        "negative_threshold": -0.05,
        "strongly_negative": -0.6,
        "exclude_bots": True,
    }
    base.update(overrides)
    return tone.Params.model_validate(base)


def comment(
    body: str, number: int = 1, when: datetime = IN_WINDOW, author: Actor | None = BOB, kind: str = "issue_comment"
) -> Comment:
    return Comment.model_validate(
        {"item_number": number, "kind": kind, "author": author, "created_at": when, "body": body}
    )


def review(body: str, number: int = 1, when: datetime = IN_WINDOW, author: Actor | None = BOB) -> Review:
    return Review(item_number=number, author=author, submitted_at=when, state="COMMENTED", body=body)


def run(comments: list[Comment], reviews: list[Review] | None = None, **overrides: object) -> tone.Value:
    return tone.compute(
        comments=comments,
        reviews=reviews or [],
        issues=[],
        change_requests=[],
        window=WINDOW,
        params=params(**overrides),
        bots=BOTS,
    )


def test_reference_sentences_have_the_expected_polarity() -> None:
    assert tone.compound(POSITIVE) >= 0.05
    assert -0.6 < tone.compound(NEGATIVE) <= -0.05
    assert -0.05 < tone.compound(NEUTRAL) < 0.05
    assert tone.compound(HARSH) <= -0.6


CLEAN_CASES = [
    ("fenced_backticks", "Nice!\n```python\nkill(process)\n```\nDone.", "Nice!\nDone."),
    ("fenced_tildes", "Nice!\n~~~\ncrash crash\n~~~\nDone.", "Nice!\nDone."),
    ("longer_fence_closes_only_with_as_long_a_fence", "A\n````\n```\nbad\n````\nB", "A\nB"),
    ("unclosed_fence_runs_to_the_end", "Good.\n```\nterrible failure", "Good."),
    ("indented_code_after_blank_line", "Try this:\n\n    rm -rf broken\n\nok", "Try this:\n\n\nok"),
    ("indented_continuation_of_a_paragraph_is_kept", "first line\n    continued", "first line\n    continued"),
    ("inline_code", "Use `kill -9` here", "Use   here"),
    ("quoted_reply_lines", "> This is awful.\n>> nested\nI disagree.", "I disagree."),
    ("urls", "See https://example.org/fail?x=1 and www.example.com/bad now", "See   and   now"),
    ("markdown_link_keeps_its_text", "Read [the guide](https://example.org/g) first", "Read the guide first"),
    ("html_comment", "<!-- template: describe the bug -->\nWorks for me", "Works for me"),
    ("multiline_html_comment", "Hi <!-- hidden\nterrible -->there", "Hi  there"),
    ("html_tags", "<details><summary>Log</summary>fine</details>", "Log fine"),
    ("mentions", "cc @happy-user and @org/team thanks", "cc   and   thanks"),
    ("email_address_is_not_a_mention", "write to a@b.org", "write to a@b.org"),
]


@pytest.mark.parametrize(("raw", "cleaned"), [c[1:] for c in CLEAN_CASES], ids=[c[0] for c in CLEAN_CASES])
def test_cleaning_removes_code_quotes_links_and_html_comments(raw: str, cleaned: str) -> None:
    assert tone.clean(raw) == cleaned


def test_shares_mean_and_threads_follow_the_thresholds() -> None:
    # One positive, one negative, one neutral on three threads: each share 1/3 -> 0.3333.
    value = run([comment(POSITIVE, 1), comment(NEGATIVE, 2), comment(NEUTRAL, 3)])
    expected_mean = round((tone.compound(POSITIVE) + tone.compound(NEGATIVE) + tone.compound(NEUTRAL)) / 3, 4)
    assert (value.comments, value.positive_share, value.negative_share, value.neutral_share) == (
        3,
        0.3333,
        0.3333,
        0.3333,
    )
    assert value.mean_compound == expected_mean
    assert (value.threads, value.threads_with_strongly_negative, value.strongly_negative_thread_share) == (3, 0, 0.0)


def test_short_texts_get_plain_vader_compound() -> None:
    assert tone.compound(POSITIVE) == SentimentIntensityAnalyzer().polarity_scores(POSITIVE)["compound"]


def test_code_blocks_and_quotes_do_not_turn_a_positive_comment_negative() -> None:
    body = (
        "> This is terrible, ugly and broken. I hate it.\n\n"
        "Thanks so much, this is great work!\n\n"
        "```\nFATAL: kill failed, terrible crash\n```\n"
        "    error: awful failure\n"
        "Run `kill -9 bad` then."
    )
    value = run([comment(body)])
    assert (value.comments, value.positive_share, value.negative_share) == (1, 1.0, 0.0)


def test_comments_empty_after_cleaning_are_skipped_and_counted() -> None:
    value = run(
        [comment("```\nstack trace\n```"), comment("> quoted only"), comment("https://example.org"), comment("")]
    )
    assert (value.comments, value.skipped_empty, value.threads) == (0, 4, 0)
    assert value.positive_share is None
    assert value.neutral_share is None
    assert value.negative_share is None
    assert value.mean_compound is None
    assert value.strongly_negative_thread_share is None
    assert any("cannot be measured" in note for note in tone.caveats(value))


BOT_AUTHORS = [
    Actor(login="dependabot[bot]", type="User"),
    Actor(login="codecov", type="Bot"),
    Actor(login="CLA-Checker", type="User"),
]


@pytest.mark.parametrize(
    ("exclude_bots", "scored", "excluded"), [(True, 1, 3), (False, 4, 0)], ids=["excluded", "included"]
)
def test_bot_comments_are_left_out_when_asked(exclude_bots: bool, scored: int, excluded: int) -> None:
    comments = [comment(POSITIVE, author=a) for a in BOT_AUTHORS] + [comment(NEGATIVE)]
    value = run(comments, exclude_bots=exclude_bots)
    assert (value.comments, value.bot_comments_excluded) == (scored, excluded)


def test_deleted_accounts_are_scored_as_humans() -> None:
    assert run([comment(POSITIVE, author=None)]).comments == 1


def test_review_bodies_and_review_comments_are_scored_but_bare_reviews_are_not() -> None:
    value = run(
        [comment(NEGATIVE, number=7, kind="review_comment")],
        [review(POSITIVE, number=7), review("", number=7), review("   \n", number=8)],
    )
    assert (value.comments, value.skipped_empty, value.threads) == (2, 0, 1)
    assert (value.positive_share, value.negative_share) == (0.5, 0.5)


WINDOW_CASES = [
    ("at_window_start", WINDOW.start, 1),
    ("at_window_end", WINDOW.end, 1),
    ("just_before_start", WINDOW.start - timedelta(microseconds=1), 0),
    ("after_as_of", WINDOW.end + timedelta(microseconds=1), 0),
]


@pytest.mark.parametrize(("when", "scored"), [c[1:] for c in WINDOW_CASES], ids=[c[0] for c in WINDOW_CASES])
def test_only_comments_created_in_the_window_are_scored(when: datetime, scored: int) -> None:
    value = run([comment(POSITIVE, when=when)], [review(POSITIVE, when=when)])
    assert value.comments == 2 * scored


def test_threads_with_a_strongly_negative_comment_are_counted_once() -> None:
    # Thread 1: a harsh and a positive comment, plus a second harsh one; thread 2: positive only.
    value = run([comment(HARSH, 1), comment(POSITIVE, 1), comment(HARSH, 1), comment(POSITIVE, 2)])
    assert (value.threads, value.threads_with_strongly_negative, value.strongly_negative_thread_share) == (2, 1, 0.5)
    # Two of four comments are negative.
    assert (value.negative_share, value.positive_share) == (0.5, 0.5)


def test_thresholds_are_inclusive() -> None:
    score = tone.compound(POSITIVE)
    at_threshold = run([comment(POSITIVE)], positive_threshold=score)
    above = run([comment(POSITIVE)], positive_threshold=score + 0.0001)
    assert (at_threshold.positive_share, above.positive_share, above.neutral_share) == (1.0, 0.0, 1.0)
    harsh = tone.compound(HARSH)
    assert run([comment(HARSH)], strongly_negative=harsh).threads_with_strongly_negative == 1
    assert run([comment(HARSH)], strongly_negative=harsh - 0.0001).threads_with_strongly_negative == 0


def test_long_comments_are_scored_in_pieces_and_keep_their_polarity() -> None:
    long_positive = " ".join([POSITIVE] * 60)
    long_negative = " ".join([NEGATIVE] * 60)
    assert len(long_positive) > 2000
    assert tone.compound(long_positive) >= 0.05
    assert tone.compound(long_negative) <= -0.05
    # One unbroken run of words still ends up in bounded pieces.
    assert -1.0 <= tone.compound("word " * 3000) <= 1.0


def test_value_never_contains_comment_text_or_author_names() -> None:
    secret = Actor(login="very-secret-login", name="Secret Person", type="User")
    value = run([comment("Unmistakable sentence about marmalade, thanks!", author=secret)])
    dumped = value.model_dump_json() + repr(tone.definition(params())) + repr(tone.caveats(value))
    assert "marmalade" not in dumped
    assert "very-secret-login" not in dumped
    assert "Secret Person" not in dumped


def test_caveats_always_warn_about_technical_language() -> None:
    for value in (run([]), run([comment(POSITIVE)] * 40)):
        notes = tone.caveats(value)
        assert "kill the process" in notes[0]
        assert "wording, not intent" in notes[0]
    assert any("Only 1 comments" in note for note in tone.caveats(run([comment(POSITIVE)])))


def test_five_thousand_comments_take_well_under_five_seconds() -> None:
    bodies = [
        POSITIVE + " " + NEUTRAL + "\n```\ncode\n```\n> quoted reply\nSee https://example.org/x",
        NEGATIVE + " " + NEUTRAL + " `inline` and more words about the build and the tests.",
    ]
    comments = [comment(bodies[i % 2] + f" #{i}", number=i % 400) for i in range(5000)]
    started = time.perf_counter()
    value = run(comments)
    elapsed = time.perf_counter() - started
    assert value.comments == 5000
    assert value.threads == 400
    assert elapsed < 5.0


def test_sample_and_definition_report_sizes_and_parameters() -> None:
    value = run([comment(POSITIVE, 1), comment(NEGATIVE, 2)])
    assert tone.sample(value) == {"comments": 2, "threads": 2}
    described = tone.definition(params(strongly_negative=-0.7))
    assert described["variant"] == "vader_compound_human_comments"
    assert described["strongly_negative"] == -0.7
    assert described["experimental"] is True
    assert "vaderSentiment 3." in str(described["scoring"])


def test_params_have_no_defaults_and_reject_unknown_keys() -> None:
    with pytest.raises(ValidationError):
        tone.Params.model_validate({"window_days": 30, "exclude_bots": True})
    with pytest.raises(ValidationError):
        tone.Params.model_validate(
            {
                "window_days": 30,
                "positive_threshold": 0.05,
                "negative_threshold": -0.05,
                "strongly_negative": -0.6,
                "exclude_bots": True,
                "model": "textblob",
            }
        )


def test_every_value_field_is_described() -> None:
    for name, field in tone.Value.model_fields.items():
        assert field.description, name
