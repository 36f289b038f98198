"""A synthetic repository of realistic shape, for end-to-end tests and the collection benchmark.

Deterministic for a given seed. Shape, as busy GitHub projects look: a heavy-tailed set of people
(a few maintainers do most reviewing and committing, hundreds appear once), dependency bots opening
pull requests and CI bots commenting first, authors replying to themselves before anyone else does,
items nobody answered, reviews without any comment, inline review comments (each inside a review, as on
GitHub), closed, merged and reopened-looking histories, drafts, a steady release train with
prereleases, and squash-merge commits on the default branch.

``window_items`` issues and pull requests are created in the ``window_days`` before ``as_of``;
``older_items`` more are spread over the ``history_days`` before that, mostly closed, some still open
and some commented on inside the window. Nothing is dated after the end of ``as_of``.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from .data import FakeData, ReviewStateName

BOTS_OPENING_PRS = ("dependabot[bot]", "renovate[bot]")
BOTS_COMMENTING = ("codecov[bot]", "github-actions[bot]")


@dataclass(frozen=True)
class Shape:
    as_of: date = date(2026, 6, 30)
    window_days: int = 90
    window_items: int = 1000
    older_items: int = 3000
    history_days: int = 730
    people: int = 400
    maintainers: int = 8
    pull_share: float = 0.45
    seed: int = 2026


def _zipf_weights(n: int, s: float = 1.1) -> list[float]:
    return [1.0 / (k**s) for k in range(1, n + 1)]


def build_synthetic(
    full_name: str = "bench-org/busy", shape: Shape | None = None, data: FakeData | None = None
) -> FakeData:
    """Add one organisation-owned repository of the given shape to ``data`` (a new FakeData by default)."""
    shape = shape or Shape()
    rng = random.Random(shape.seed)
    d = data if data is not None else FakeData()
    owner = full_name.split("/", 1)[0]
    end = datetime.combine(shape.as_of, time(23, 0), tzinfo=UTC)
    window_start = datetime.combine(shape.as_of - timedelta(days=shape.window_days - 1), time.min, tzinfo=UTC)
    history_start = window_start - timedelta(days=shape.history_days)

    people = [f"dev{k:03d}" for k in range(shape.people)]
    maintainers = people[: shape.maintainers]
    weights = _zipf_weights(len(people))
    d.add_user(owner, "Organization", name=owner.title())
    for bot in (*BOTS_OPENING_PRS, *BOTS_COMMENTING):
        d.add_user(bot, "Bot")
    repo = d.add_repo(
        full_name,
        owner_type="Organization",
        description="A busy synthetic project",
        created_at=history_start - timedelta(days=30),
        stargazers_count=1234,
        forks_count=210,
        subscribers_count=56,
        topics=["synthetic", "benchmark"],
        maintainers=set(maintainers),
    )

    def person() -> str:
        return rng.choices(people, weights)[0]

    def responder(not_login: str | None) -> str:
        # Maintainers answer most first responses; sometimes another contributor does.
        pool = maintainers if rng.random() < 0.85 else people[: shape.maintainers * 6]
        choice = rng.choice(pool)
        return choice if choice != not_login else rng.choice([m for m in maintainers if m != not_login])

    def hours(median: float, sigma: float = 1.4) -> timedelta:
        return timedelta(hours=rng.lognormvariate(0, sigma) * median)

    commits: list[tuple[datetime, str]] = []  # (when, login) of squash merges, replayed in order below
    created = sorted(
        [window_start + (end - window_start) * rng.random() for _ in range(shape.window_items)]
        + [history_start + (window_start - history_start) * rng.random() for _ in range(shape.older_items)]
    )
    for when in created:
        in_window = when >= window_start
        is_pull = rng.random() < shape.pull_share
        author = rng.choice(BOTS_OPENING_PRS) if is_pull and rng.random() < 0.08 else person()
        bot_pr = author.endswith("[bot]")
        number = len(repo.issues) + 1

        def add_comment(at: datetime, who: str, num: int = number) -> None:
            if at <= end:  # nothing happens after as_of
                d.add_comment(full_name, num, author=who, created_at=at, body="comment")

        # Closing first (so the item exists), responses after.
        close_after = hours(30 if in_window else 60, 1.6)
        closed_at: datetime | None = when + close_after
        fate = rng.random()
        still_open = (fate < 0.25) if in_window else (fate < 0.06)
        if still_open or (closed_at is not None and closed_at > end):
            closed_at = None
        if is_pull:
            merged = closed_at is not None and rng.random() < 0.82
            d.add_pull(
                full_name,
                f"Change {number}",
                author=author,
                created_at=when,
                closed_at=closed_at,
                merged_at=closed_at if merged else None,
                merged_by=rng.choice(maintainers) if merged else None,
                draft=closed_at is None and rng.random() < 0.1,
                number=number,
            )
            if merged and closed_at is not None:
                commits.append((closed_at, author))
        else:
            d.add_issue(
                full_name, f"Problem {number}", author=author, created_at=when, closed_at=closed_at, number=number
            )

        # Who answers, and how: unanswered, bot first, author first, review only, comments.
        if is_pull and rng.random() < 0.5:
            add_comment(when + timedelta(minutes=rng.randint(2, 20)), rng.choice(BOTS_COMMENTING))
        if rng.random() < 0.12 and not bot_pr:
            add_comment(when + hours(1.0), author)  # the author adds detail before anyone answers
        unanswered = rng.random() < (0.35 if bot_pr else 0.14)
        if not unanswered:
            first = when + hours(6 if in_window else 10)
            who = responder(author)
            style = rng.random()
            if is_pull and style < 0.35:
                # A review without any comment (approval or plain review).
                state: ReviewStateName = rng.choice(["APPROVED", "APPROVED", "COMMENTED", "CHANGES_REQUESTED"])
                if first <= end:
                    d.add_review(full_name, number, author=who, state=state, submitted_at=first, body="")
            elif is_pull and style < 0.55:
                # Inline comments: GitHub files them under a COMMENTED review submitted at the same moment.
                if first <= end:
                    review = d.add_review(full_name, number, author=who, state="COMMENTED", submitted_at=first)
                    for k in range(rng.randint(1, 3)):
                        d.add_review_comment(
                            full_name,
                            number,
                            author=who,
                            created_at=first,
                            review_id=review.id,
                            path=f"src/module_{k}.py",
                        )
            else:
                add_comment(first, who)
            for _ in range(rng.choices([0, 1, 2, 3, 5], [30, 30, 20, 12, 8])[0]):
                add_comment(first + hours(12), rng.choice([author, responder(None), person()]))
            if is_pull and rng.random() < 0.3:
                later = first + hours(20)
                if later <= end:
                    d.add_review(full_name, number, author=responder(author), state="APPROVED", submitted_at=later)
        if not in_window and rng.random() < 0.1:
            # An old item discussed again inside the window (it then shows up in since= listings).
            add_comment(window_start + (end - window_start) * rng.random(), person())
        if is_pull and rng.random() < 0.05:
            d.add_review(full_name, number, author=responder(author), state="PENDING", submitted_at=None)

    # Squash merges on the default branch, a few direct pushes and dependency bumps, in date order.
    for _ in range(len(commits) // 10):
        commits.append((history_start + (end - history_start) * rng.random(), rng.choice(maintainers)))
    history: list[tuple[datetime, str]] = []
    for when, login in sorted(commits):
        if login.endswith("[bot]"):
            name, email = login, f"49699333+{login}@users.noreply.github.com"
        else:
            name, email = f"Developer {login[3:]}", f"{login}@example.com"
        linked = login if rng.random() < 0.9 or login.endswith("[bot]") else None  # some emails not linked
        made = d.add_commit(
            full_name,
            f"Merge change by {login}",
            author=name,
            email=email,
            date=when,
            login=linked,
            committer="GitHub",
            committer_email="noreply@github.com",
            committer_login=None,
            committer_date=when,
        )
        history.append((when, made.sha))

    # A release roughly every two weeks, with an occasional release candidate a few days before.
    moment = history_start + timedelta(days=3)
    minor = 0
    while moment <= end:
        minor += 1
        if rng.random() < 0.25 and moment - timedelta(days=3) > history_start:
            rc = moment - timedelta(days=3)
            d.add_release(full_name, f"v1.{minor}.0-rc1", created_at=rc, prerelease=True, author=maintainers[0])
        d.add_release(full_name, f"v1.{minor}.0", created_at=moment, author=maintainers[0])
        at = bisect.bisect_right(history, (moment, "~")) - 1
        d.add_tag(full_name, f"v1.{minor}.0", history[at][1] if at >= 0 else None)
        moment += timedelta(days=rng.randint(9, 20), hours=rng.randint(0, 23))
    return d


__all__ = ["Shape", "build_synthetic"]
