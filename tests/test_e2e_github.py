"""End to end against the local fake GitHub: the real server, the real client, real HTTP on 127.0.0.1.

Through an in-memory MCP client session and through the ``chaoss-mcp call`` command: repository facts,
the HTTP cache (no request within the TTL, 304s after it), clear errors, and the Starter Project Health
metrics with and without a token (GraphQL and REST collection), checked against figures computed here
directly from the fake's own data, never by our metric code.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import statistics
import subprocess
import sys
import time as time_
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from chaoss_mcp.config import Settings
from chaoss_mcp.server import build_server
from chaoss_mcp.state import load_all_specs
from tests.fake_github import TEST_TOKEN, FakeData, FakeGitHub, Shape, build_synthetic, make_sample_data
from tests.fake_github.data import Repository

pytestmark = pytest.mark.anyio

COMMUNITY = "octo-org/community"
AS_OF = date(2026, 3, 21)  # ten days before the synthetic data ends: later events must be ignored


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def community_data() -> FakeData:
    d = make_sample_data()
    build_synthetic(
        COMMUNITY,
        Shape(as_of=date(2026, 3, 31), window_items=60, older_items=60, people=40, seed=7),
        d,
    )
    d.add_repo("octo-org/secret", owner_type="Organization", private=True, description="Not for everyone")
    d.add_repo("alice/empty", created_at="2026-01-02T00:00:00Z")
    return d


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    # The REST path of several tools on one fake needs more than GitHub's 60 anonymous requests an hour.
    with FakeGitHub(community_data(), anonymous_limits={"core": 2000}) as gh:
        yield gh


def settings(fake: FakeGitHub, cache: Path, *, token: str | None = None, ttl: float = 600.0) -> Settings:
    return Settings(api_url=fake.url, token=token, cache_dir=cache, cache_ttl=ttl)


def client(s: Settings) -> Client:
    return Client(build_server(s, load_all_specs(s)))


async def call(c: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await c.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


async def error_of(c: Client, tool: str, **arguments: Any) -> str:
    result = await c.call_tool(tool, arguments)
    assert result.is_error
    return " ".join(getattr(block, "text", "") for block in result.content)


# == issue 2: repository facts, cache, errors ==========================================================
async def test_repository_overview_tells_an_organisation_owned_from_a_user_owned_repository(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    async with client(settings(fake, tmp_path)) as c:
        org = await call(c, "repository_overview", repo="octo-org/widgets")
        user = await call(c, "repository_overview", repo=f"{fake.origin}/alice/tool.git")  # URL on the web host
    assert (org["owner_login"], org["owner_type"]) == ("octo-org", "Organization")
    assert (user["owner_login"], user["owner_type"]) == ("alice", "User")
    widgets = fake.data.repo("octo-org/widgets")
    assert org["full_name"] == "octo-org/widgets" and org["license"] == "MIT"
    assert org["stars"] == widgets.stargazers_count == 42 and org["watchers"] == widgets.subscribers_count
    assert org["open_issues"] == widgets.open_issues_count == 2
    assert org["topics"] == ["widgets", "python"] and org["default_branch"] == "main"
    assert user["license"] == "Apache-2.0" and user["provenance"]["requests"] == 1


async def test_a_second_call_within_the_ttl_sends_no_request_and_after_it_only_304s(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    async with client(settings(fake, tmp_path)) as c:
        first = await call(c, "repository_overview", repo="octo-org/widgets")
        assert len(fake.requests) == 1
        second = await call(c, "repository_overview", repo="octo-org/widgets")
    assert len(fake.requests) == 1, "a call within the TTL must not reach GitHub"
    assert second["provenance"]["requests"] == 0 and second["provenance"]["cache_hits"] == 1

    # The same cache file, read by a server whose TTL has passed for every entry.
    fake.reset_log()
    async with client(settings(fake, tmp_path, ttl=0)) as c:
        third = await call(c, "repository_overview", repo="octo-org/widgets")
    (conditional,) = fake.requests
    assert conditional.status == 304 and "if-none-match" in conditional.headers
    assert third["provenance"]["not_modified"] == 1 and third["provenance"]["requests"] == 1
    assert _facts(third) == _facts(first)


def _facts(result: dict[str, Any]) -> dict[str, Any]:
    # Provenance (and any signature over it) differs by design: it counts the requests of each call.
    return {k: v for k, v in result.items() if k not in ("provenance", "attestation")}


async def test_errors_are_clear_sentences_and_the_server_keeps_serving(fake: FakeGitHub, tmp_path: Path) -> None:
    async with client(settings(fake, tmp_path)) as c:
        unknown = await error_of(c, "repository_overview", repo="octo-org/nope")
        assert "octo-org/nope was not found, or it is private and GITHUB_TOKEN is not set" in unknown

        before = len(fake.requests)
        for bad in ("not a repo", "../etc/passwd", "octo-org/widgets?x=1", "https://evil.example/a/b"):
            message = await error_of(c, "repository_overview", repo=bad)
            assert "owner/name" in message or "not on" in message, message
        assert len(fake.requests) == before, "malformed input must be refused before any request"

        private = await error_of(c, "repository_overview", repo="octo-org/secret")
        assert "GITHUB_TOKEN" in private and "private" in private

        still = await call(c, "repository_overview", repo="alice/tool")
        assert still["owner_type"] == "User"


async def test_with_a_token_a_private_repository_is_visible_and_unknown_names_say_so(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    async with client(settings(fake, tmp_path, token=TEST_TOKEN)) as c:
        private = await call(c, "repository_overview", repo="octo-org/secret")
        unknown = await error_of(c, "repository_overview", repo="octo-org/nope")
    assert private["description"] == "Not for everyone"
    assert "not found, or the token cannot see it" in unknown
    assert all(r.headers["authorization"].startswith("sha256:") for r in fake.requests)


async def test_a_rejected_token_is_a_clear_error_and_never_echoed(fake: FakeGitHub, tmp_path: Path) -> None:
    async with client(settings(fake, tmp_path, token="ghp_not-valid-at-all")) as c:
        message = await error_of(c, "repository_overview", repo="octo-org/widgets")
        status = await call(c, "api_status")
    assert "401" in message and "GITHUB_TOKEN" in message
    assert "ghp_not-valid-at-all" not in message + json.dumps(status)
    assert status["token_configured"] is True


async def test_an_enterprise_server_layout_works_for_rest_and_graphql(tmp_path: Path) -> None:
    with FakeGitHub(community_data(), enterprise=True) as gh:
        async with client(settings(gh, tmp_path, token=TEST_TOKEN)) as c:
            facts = await call(c, "repository_overview", repo=f"{gh.origin}/alice/tool")
            crcr = await call(c, "change_request_closure_ratio", repo=COMMUNITY, as_of=AS_OF.isoformat())
        assert facts["owner_type"] == "User"
        assert any(r.path == "/api/graphql" for r in gh.requests)
        assert crcr["definition"]["collection"] == "graphql"


# -- the command line -----------------------------------------------------------------------------------
def cli(fake: FakeGitHub, cache: Path, *args: str, ttl: float = 600) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("chaoss-mcp")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "chaoss_mcp"]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cache.parent),
        "GITHUB_API_URL": fake.url,
        "CHAOSS_MCP_CACHE_DIR": str(cache),
        "CHAOSS_MCP_CACHE_TTL": str(ttl),
    }  # no GITHUB_TOKEN / GH_TOKEN from the developer's environment
    return subprocess.run(
        [*command, "call", *args], env=env, capture_output=True, text=True, timeout=60, cwd=cache.parent, check=False
    )


def test_the_call_command_reports_owner_types_and_uses_the_cache_across_processes(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    org = cli(fake, cache, "repository_overview", "repo=octo-org/widgets")
    assert org.returncode == 0, org.stderr
    assert json.loads(org.stdout)["owner_type"] == "Organization"
    user = cli(fake, cache, "repository_overview", "repo=alice/tool")
    assert json.loads(user.stdout)["owner_type"] == "User"
    assert len(fake.requests) == 2

    again = cli(fake, cache, "repository_overview", "repo=octo-org/widgets")
    assert json.loads(again.stdout)["provenance"]["requests"] == 0
    assert len(fake.requests) == 2, "within the TTL a new process answers from the cache file"

    stale = cli(fake, cache, "repository_overview", "repo=octo-org/widgets", ttl=0)
    out = json.loads(stale.stdout)
    assert out["provenance"]["not_modified"] == 1 and fake.requests[-1].status == 304
    assert _facts(out) == _facts(json.loads(org.stdout))


def test_the_call_command_exits_1_with_the_message_on_stderr(fake: FakeGitHub, tmp_path: Path) -> None:
    missing = cli(fake, tmp_path / "cache", "repository_overview", "repo=octo-org/secret")
    assert missing.returncode == 1 and missing.stdout == ""
    assert "was not found, or it is private and GITHUB_TOKEN is not set" in missing.stderr
    malformed = cli(fake, tmp_path / "cache", "repository_overview", "repo=a/b/c/d")
    assert malformed.returncode == 1 and "owner/name" in malformed.stderr
    assert "Traceback" not in missing.stderr + malformed.stderr


# == issue 8: comparing projects ==========================================================================
@pytest.mark.parametrize("token", [TEST_TOKEN, None])
async def test_compare_projects_over_three_fake_repositories_gives_each_repositorys_own_result_in_budget(
    fake: FakeGitHub, tmp_path: Path, token: str | None
) -> None:
    s = settings(fake, tmp_path / "compare", token=token).model_copy(update={"time_budget": 20.0})
    repos = [COMMUNITY, "octo-org/widgets", "octo-org/secret"]
    async with client(s) as c:
        started = time_.monotonic()
        compared = await call(c, "compare_projects", repos=repos, as_of=AS_OF.isoformat())
        elapsed = time_.monotonic() - started
    async with client(settings(fake, tmp_path / "alone", token=token)) as c:
        alone = [await call(c, "project_health", repo=r, as_of=AS_OF.isoformat()) for r in repos[:2]]
    assert elapsed < 20.0 + 5
    rows = compared["rows"]
    assert [r["repo"] for r in rows] == repos
    for row, single in zip(rows[:2], alone, strict=True):
        assert row["canonical"] == single["repository"]["canonical"]
        assert (row["status"], row["score"], row["band"]) == (single["status"], single["score"], single["band"])
        assert row["members"] == {m["metric"]: m["score"] for m in single["members"]} | {
            e["metric"]: None for e in single["excluded"] if e["metric"] not in row["members"]
        }
    assert rows[0]["status"] == "ok" and rows[0]["score"] is not None
    secret = rows[2]
    if token is None:  # a private repository: an error row that says what to do, the others unharmed
        assert secret["status"] == "error" and secret["canonical"] is None and secret["score"] is None
        assert "octo-org/secret" in secret["error"] and "GITHUB_TOKEN" in secret["error"]
        assert compared["incomplete_rows"] >= 1
    else:  # the token sees it: an empty repository, inconclusive rather than an error or zeros
        assert secret["status"] == "inconclusive" and secret["canonical"] == "octo-org/secret"
        assert secret["score"] is None and secret["error"] is None
    assert compared["as_of"] == AS_OF.isoformat()


# == issue 4: Starter Project Health, checked against the fake's own data ==============================
@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    @classmethod
    def of(cls, as_of: date, days: int) -> Window:
        return cls(
            datetime.combine(as_of - timedelta(days=days - 1), time.min, tzinfo=UTC),
            datetime.combine(as_of, time.max, tzinfo=UTC),
        )

    def __contains__(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment <= self.end


def is_bot(data: FakeData, login: str | None) -> bool:
    return login is not None and (login.endswith("[bot]") or data.account(login).type == "Bot")


def expected_first_responses(data: FakeData, repo: Repository, w: Window) -> dict[str, list[float | None]]:
    """Hours to the first comment, submitted review or review comment by someone else and not a bot."""
    out: dict[str, list[float | None]] = {"issues": [], "change_requests": []}
    for item in repo.issues.values():
        if item.created_at not in w:
            continue
        moments = [(c.created_at, c.author) for c in repo.comments_of(item.number)]
        moments += [(v.submitted_at, v.author) for v in repo.reviews_of(item.number) if v.state != "PENDING"]
        moments += [(rc.created_at, rc.author) for rc in repo.review_comments_of(item.number)]
        answers = [
            when
            for when, who in moments
            if when is not None
            and item.created_at <= when <= w.end
            and (who or "").lower() != (item.author or "").lower()
            and not is_bot(data, who)
        ]
        wait = (min(answers) - item.created_at).total_seconds() / 3600 if answers else None
        out["change_requests" if item.is_pull else "issues"].append(wait)
    out["all"] = out["issues"] + out["change_requests"]
    return out


def summary(waits: list[float | None]) -> dict[str, Any]:
    answered = sorted(x for x in waits if x is not None)
    p90 = statistics.quantiles(answered, n=10, method="inclusive")[8] if len(answered) > 1 else answered[0]
    return {
        "count": len(waits),
        "responded": len(answered),
        "unanswered": len(waits) - len(answered),
        "median_hours": statistics.median(answered),
        "mean_hours": statistics.fmean(answered),
        "p90_hours": p90,
    }


def expected_closure(data: FakeData, repo: Repository, w: Window) -> dict[str, Any]:
    closed = merged = open_during = opened = bots = 0
    for pr in repo.issues.values():
        if not pr.is_pull or pr.created_at > w.end:
            continue
        closed_at = pr.closed_at if pr.closed_at is not None and pr.closed_at <= w.end else None
        if closed_at is not None and closed_at < w.start:
            continue
        if is_bot(data, pr.author):
            bots += 1
            continue
        open_during += 1
        opened += pr.created_at in w
        if closed_at is not None:
            closed += 1
            merged += pr.merged_at is not None and pr.merged_at <= w.end
    return {
        "ratio": round(closed / open_during, 4),
        "closed": closed,
        "merged": merged,
        "open_during_window": open_during,
        "opened": opened,
        "bot_authored_excluded": bots,
    }


def expected_absence(data: FakeData, repo: Repository, w: Window) -> dict[str, Any]:
    counts: dict[str, int] = {}
    bot_commits = 0
    for c in repo.commits.values():
        if c.author_date not in w or len(c.parents) > 1:
            continue
        if is_bot(data, c.author_login):
            bot_commits += 1
            continue
        who = f"login:{c.author_login.lower()}" if c.author_login else f"email:{c.author_email.lower()}"
        counts[who] = counts.get(who, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    total = sum(ranked)
    factor = next(k for k in range(1, len(ranked) + 1) if 2 * sum(ranked[:k]) >= total)
    return {"factor": factor, "contributors": len(counts), "commits": total, "bot_commits": bot_commits}


def expected_releases(repo: Repository, w: Window, as_of: date) -> dict[str, Any]:
    dated = sorted(
        (r.published_at or r.created_at, r)
        for r in repo.releases
        if not r.draft and (r.published_at or r.created_at) <= w.end
    )
    counted = [(when, r) for when, r in dated if not r.prerelease]
    inside = [when for when, _ in counted if when in w]
    gaps = [(b - a).total_seconds() / 86400 for a, b in itertools.pairwise(inside)]
    last_when, last = counted[-1]
    return {
        "releases": len(inside),
        "prereleases": sum(1 for when, r in dated if r.prerelease and when in w),
        "median_days_between": round(statistics.median(gaps), 2),
        "days_since_last": (as_of - last_when.date()).days,
        "latest_tag": last.tag_name,
        "releases_total": len(dated),
    }


async def run_all(fake: FakeGitHub, cache: Path, token: str | None) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    async with client(settings(fake, cache, token=token)) as c:
        for tool in (
            "time_to_first_response",
            "change_request_closure_ratio",
            "contributor_absence_factor",
            "release_frequency",
        ):
            out[tool] = await call(c, tool, repo=COMMUNITY, as_of=AS_OF.isoformat())
        out["project_health"] = await call(c, "project_health", repo=COMMUNITY, as_of=AS_OF.isoformat())
    return out


@pytest.fixture
def both_paths(fake: FakeGitHub, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every Starter tool once with a token (GraphQL) and once without (REST), on separate caches."""
    import anyio

    async def collect() -> tuple[dict[str, Any], dict[str, Any]]:
        with_token = await run_all(fake, tmp_path / "with-token", TEST_TOKEN)
        graphql_requests = sum(1 for r in fake.requests if r.path == "/graphql")
        fake.reset_log()
        without = await run_all(fake, tmp_path / "without", None)
        assert graphql_requests > 0 and not any(r.path == "/graphql" for r in fake.requests)
        return with_token, without

    return anyio.run(collect)


def _close(a: float | None, b: float) -> bool:
    return a is not None and math.isclose(a, b, abs_tol=0.006)


def test_time_to_first_response_matches_an_independent_count_on_both_paths(
    fake: FakeGitHub, both_paths: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    repo = fake.data.repo(COMMUNITY)
    expected = expected_first_responses(fake.data, repo, Window.of(AS_OF, 90))
    for results, path in zip(both_paths, ("graphql", "rest"), strict=True):
        result = results["time_to_first_response"]
        assert result["definition"]["collection"] == path
        for family in ("issues", "change_requests", "all"):
            want, got = summary(expected[family]), result["value"][family]
            assert {k: got[k] for k in ("count", "responded", "unanswered")} == {
                k: want[k] for k in ("count", "responded", "unanswered")
            }, (path, family)
            for stat in ("median_hours", "mean_hours", "p90_hours"):
                assert _close(got[stat], want[stat]), (path, family, stat, got[stat], want[stat])
    assert expected["all"].count(None) > 0, "the data must contain unanswered items"
    assert both_paths[0]["time_to_first_response"]["value"] == both_paths[1]["time_to_first_response"]["value"]


def test_change_request_closure_ratio_matches_an_independent_count_on_both_paths(
    fake: FakeGitHub, both_paths: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    want = expected_closure(fake.data, fake.data.repo(COMMUNITY), Window.of(AS_OF, 90))
    for results in both_paths:
        value = results["change_request_closure_ratio"]["value"]
        assert {k: value[k] for k in want} == want
    assert (
        both_paths[0]["change_request_closure_ratio"]["value"] == both_paths[1]["change_request_closure_ratio"]["value"]
    )


def test_contributor_absence_factor_matches_an_independent_count_on_both_paths(
    fake: FakeGitHub, both_paths: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    want = expected_absence(fake.data, fake.data.repo(COMMUNITY), Window.of(AS_OF, 365))
    for results in both_paths:
        value = results["contributor_absence_factor"]["value"]
        assert {k: value[k] for k in want} == want
        assert "@" not in json.dumps(value["top"])
    assert both_paths[0]["contributor_absence_factor"]["value"] == both_paths[1]["contributor_absence_factor"]["value"]


def test_release_frequency_matches_an_independent_count_on_both_paths(
    fake: FakeGitHub, both_paths: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    want = expected_releases(fake.data.repo(COMMUNITY), Window.of(AS_OF, 365), AS_OF)
    for results in both_paths:
        value = results["release_frequency"]["value"]
        got = {k: value[k] for k in want if k != "latest_tag"} | {"latest_tag": value["latest"]["tag"]}
        assert got == want
        assert value["source"] == "releases"
    assert both_paths[0]["release_frequency"]["value"] == both_paths[1]["release_frequency"]["value"]


def test_project_health_agrees_with_its_members_and_is_identical_on_both_paths(
    both_paths: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    graphql_side, rest_side = (r["project_health"] for r in both_paths)
    for results in both_paths:
        health = results["project_health"]
        assert health["status"] == "ok" and health["coverage"] == 1.0
        for member in health["members"]:
            alone = results[member["metric"]]
            assert (member["score"], member["band"], member["status"]) == (
                alone["score"],
                alone["band"],
                alone["status"],
            )
        scores = [m["score"] for m in health["members"]]
        assert health["score"] == pytest.approx(sum(scores) / len(scores), abs=0.05)
    for key in ("score", "band", "status", "coverage", "spec"):
        assert graphql_side[key] == rest_side[key], key
    assert [(m["metric"], m["figures"]) for m in graphql_side["members"]] == [
        (m["metric"], m["figures"]) for m in rest_side["members"]
    ]


def test_a_repeated_model_call_within_the_ttl_sends_no_request(fake: FakeGitHub, tmp_path: Path) -> None:
    import anyio

    async def twice() -> tuple[dict[str, Any], dict[str, Any]]:
        async with client(settings(fake, tmp_path, token=TEST_TOKEN)) as c:
            first = await call(c, "project_health", repo=COMMUNITY, as_of=AS_OF.isoformat())
            count = len(fake.requests)
            second = await call(c, "project_health", repo=COMMUNITY, as_of=AS_OF.isoformat())
            assert len(fake.requests) == count
            return first, second

    first, second = anyio.run(twice)
    assert first["provenance"]["requests"] > 0 and second["provenance"]["requests"] == 0
    assert second["provenance"]["cache_hits"] > 0 and second["score"] == first["score"]


# -- inconclusive, not errors or zeros -------------------------------------------------------------------
@pytest.mark.parametrize("token", [TEST_TOKEN, None])
async def test_an_empty_repository_and_an_empty_window_are_inconclusive_with_reasons(
    fake: FakeGitHub, tmp_path: Path, token: str | None
) -> None:
    async with client(settings(fake, tmp_path, token=token)) as c:
        for tool in ("contributor_absence_factor", "release_frequency", "time_to_first_response"):
            out = await call(c, tool, repo="alice/empty", as_of="2026-03-01")
            assert out["status"] == "inconclusive" and out["score"] is None and out["reason"], tool
        quiet = await call(c, "time_to_first_response", repo="octo-org/widgets", as_of="2026-03-01", window_days=7)
    assert quiet["status"] == "inconclusive" and quiet["value"]["all"]["count"] == 0 and quiet["reason"]


def tagged_data() -> FakeData:
    """No GitHub releases; three tags, one on a commit older than the 365-day window."""
    d = make_sample_data()
    d.add_repo("octo-org/tagged", created_at="2024-01-01T00:00:00Z")
    old = d.add_commit("octo-org/tagged", "Old", date="2024-06-01T10:00:00Z")
    mid = d.add_commit("octo-org/tagged", "Mid", date="2025-09-01T10:00:00Z")
    new = d.add_commit("octo-org/tagged", "New", date="2026-02-01T10:00:00Z")
    d.add_tag("octo-org/tagged", "v0.9.0", old.sha)
    d.add_tag("octo-org/tagged", "v1.0.0", mid.sha, message="Release 1.0.0")
    d.add_tag("octo-org/tagged", "v1.1.0", new.sha)
    return d


async def test_without_releases_tags_stand_in_dated_by_their_commit(tmp_path: Path) -> None:
    with FakeGitHub(tagged_data()) as gh:
        values = []
        for token in (TEST_TOKEN, None):
            async with client(settings(gh, tmp_path / str(token), token=token)) as c:
                out = await call(c, "release_frequency", repo="octo-org/tagged", as_of="2026-03-01")
            assert out["status"] == "ok" and "tag" in json.dumps(out["definition"])
            values.append(out["value"])
    for value in values:
        assert value["source"] == "tags" and value["releases"] == 2 and value["tags_total"] == 3
        assert value["median_days_between"] == 153.0  # 2025-09-01 to 2026-02-01
        assert value["latest"]["tag"] == "v1.1.0" and value["days_since_last"] == 28


async def test_tag_dates_are_the_same_with_and_without_a_token_when_the_last_tag_is_old(tmp_path: Path) -> None:
    d = tagged_data()
    del d.repo("octo-org/tagged").tags["v1.1.0"]
    del d.repo("octo-org/tagged").tags["v1.0.0"]
    with FakeGitHub(d) as gh:
        values = []
        for token in (TEST_TOKEN, None):
            async with client(settings(gh, tmp_path / str(token), token=token)) as c:
                result = await c.call_tool("release_frequency", {"repo": "octo-org/tagged", "as_of": "2026-03-01"})
            values.append(result.structured_content)
    assert values[0] is not None and values[1] is not None
    assert values[0]["value"] == values[1]["value"]


async def test_without_a_token_a_tag_github_cannot_date_stays_undated_and_the_others_keep_their_dates(
    tmp_path: Path,
) -> None:
    d = tagged_data()
    tags = d.repo("octo-org/tagged").tags
    del tags["v1.1.0"], tags["v1.0.0"]
    tags["v0.8.0"] = "0" * 40  # a commit GitHub does not have: "No commit found for SHA" (422)
    with FakeGitHub(d) as gh:
        async with client(settings(gh, tmp_path, token=None)) as c:
            out = await call(c, "release_frequency", repo="octo-org/tagged", as_of="2026-03-01")
    assert out["provenance"]["complete"] is True
    assert out["value"]["latest"]["tag"] == "v0.9.0" and out["value"]["latest"]["date"].startswith("2024-06-01")
    assert any("1 tag(s) outside the window's commits were left undated" in c for c in out["caveats"])


# -- frugality: a small version of benchmarks/github_collect.py ----------------------------------------
async def test_project_health_with_a_token_needs_few_requests_cold_and_none_warm(tmp_path: Path) -> None:
    shape = Shape(as_of=date(2026, 3, 31), window_items=300, older_items=300, people=80, seed=11)
    data = build_synthetic("bench-org/busy", shape)
    repo = data.repo("bench-org/busy")
    w = Window.of(shape.as_of, 90)
    in_window = [i for i in repo.issues.values() if i.created_at in w]
    # A per-item REST collection needs at least one comments request per item and one reviews request per PR.
    naive_floor = len(in_window) + sum(1 for i in in_window if i.is_pull)
    with FakeGitHub(data) as gh:
        async with client(settings(gh, tmp_path, token=TEST_TOKEN)) as c:
            cold = await call(c, "project_health", repo="bench-org/busy", as_of="2026-03-31")
            cold_requests = len(gh.requests)
            warm = await call(c, "project_health", repo="bench-org/busy", as_of="2026-03-31")
        assert len(gh.requests) == cold_requests
    assert cold["provenance"]["complete"] is True and cold["status"] == "ok"
    assert cold_requests == cold["provenance"]["requests"] <= 40
    assert naive_floor >= 20 * cold_requests
    assert warm["provenance"]["requests"] == 0 and warm["score"] == cold["score"]
