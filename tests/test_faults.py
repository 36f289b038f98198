"""Fault injection: the real server and client against the fake GitHub misbehaving on purpose.

Each scripted fault (bursts of 502/503, answers slower than the HTTP timeout, bodies that trickle in,
connections dropped before or in the middle of a body, truncated or invalid JSON, a 200 with an HTML
page, secondary rate limits with and without ``retry-after``, the primary quota running out part-way,
202 Accepted that never turns into 200) is put on the path a tool needs. Whatever happens, the call must
end within its time budget plus a small margin with one of three honest outcomes:

- a correct result: complete, and identical to the same call without the fault;
- a partial result: marked incomplete (``provenance.complete`` false with a note, the "cut short"
  caveat, or members excluded with the cause as their reason);
- a clear error: a ``ToolError`` whose message says what happened and what to do, never a crash.

And the server keeps serving: the same call, once the fault is gone, answers completely and correctly in
the same session. Budgets are set small (2 s, with a 0.5 s HTTP timeout) so the whole file stays fast.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import anyio
import httpx
import pytest
from mcp import Client

from chaoss_mcp.budget import Budget, Call
from chaoss_mcp.config import Settings
from chaoss_mcp.errors import StillComputingError
from chaoss_mcp.server import build_server
from chaoss_mcp.sources.github.cache import HttpCache
from chaoss_mcp.sources.github.client import GitHubClient
from chaoss_mcp.state import load_all_specs
from tests.fake_github import TEST_TOKEN, FakeData, FakeGitHub, Fault, Shape, build_synthetic, make_sample_data

pytestmark = pytest.mark.anyio

COMMUNITY = "octo-org/community"
AS_OF = "2026-03-21"
BUDGET = 2.0  # seconds per tool call (CHAOSS_MCP_TIME_BUDGET)
HTTP_TIMEOUT = 0.5  # seconds per request (CHAOSS_MCP_HTTP_TIMEOUT)
MARGIN = 1.0  # computing, scoring and signing after collection stops, on a busy 2-core machine
ADVICE = ("Try again", "try again", "Wait ", "Raise CHAOSS_MCP_TIME_BUDGET", "call again", "Set GITHUB_TOKEN")
CUT_SHORT = "The collection was cut short"

Outcome = Literal["result", "partial", "error"]


def community_data() -> FakeData:
    d = make_sample_data()
    build_synthetic(COMMUNITY, Shape(as_of=date(2026, 3, 31), window_items=60, older_items=60, people=40, seed=7), d)
    return d


@pytest.fixture(scope="module")
def data() -> FakeData:
    return community_data()  # built once: it is the slow part, and serving it never changes it


@pytest.fixture(scope="module")
def fake(data: FakeData) -> Iterator[FakeGitHub]:
    # One fake for the module; every test leaves it with no faults queued.
    with FakeGitHub(data, anonymous_limits={"core": 100_000}) as gh:
        yield gh


@pytest.fixture(autouse=True)
def _no_leftover_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "fake" in request.fixturenames:
        request.getfixturevalue("fake").clear_faults()


def settings(gh: FakeGitHub, cache: Path, *, token: bool, budget: float = BUDGET) -> Settings:
    return Settings(
        api_url=gh.url,
        token=TEST_TOKEN if token else None,
        cache_dir=cache,
        time_budget=budget,
        http_timeout=HTTP_TIMEOUT,
    )


def client(s: Settings) -> Client:
    return Client(build_server(s, load_all_specs(s)))


def arguments(tool: str) -> dict[str, Any]:
    return {"repo": COMMUNITY} if tool == "repository_overview" else {"repo": COMMUNITY, "as_of": AS_OF}


@dataclass
class Answer:
    tool: str
    elapsed: float
    error: str | None = None
    data: dict[str, Any] | None = None

    @property
    def outcome(self) -> Outcome:
        if self.error is not None:
            return "error"
        assert self.data is not None
        return "result" if self.data["provenance"]["complete"] and not self.dropped_members() else "partial"

    def summary(self) -> str:
        if self.error is not None:
            return self.error
        assert self.data is not None
        provenance = self.data["provenance"]
        dropped = "; ".join(f"{m['metric']} excluded: {m['reason']}" for m in self.dropped_members())
        return f"retries {provenance['retries']}; {provenance['incomplete_note'] or dropped or 'complete'}"

    def dropped_members(self) -> list[dict[str, Any]]:
        """project_health members excluded for a failure (not for want of data, which the baseline shows)."""
        if self.tool != "project_health" or self.data is None:
            return []
        return [e for e in self.data["excluded"] if not e["reason"].startswith(("Not enough data", "No GitHub"))]


async def ask(c: Client, tool: str, **extra: Any) -> Answer:
    started = time.monotonic()
    result = await c.call_tool(tool, {**arguments(tool), **extra})
    elapsed = time.monotonic() - started
    if result.is_error:
        return Answer(tool, elapsed, error=" ".join(getattr(block, "text", "") for block in result.content))
    assert result.structured_content is not None
    return Answer(tool, elapsed, data=result.structured_content)


def facts(tool: str, data: dict[str, Any]) -> Any:
    """What must not change because of a fault: everything but provenance, timing and signature."""
    if tool == "repository_overview":
        return {k: v for k, v in data.items() if k not in ("provenance", "attestation")}
    if tool == "project_health":
        members = [(m["metric"], m["status"], m["score"], m["band"], m["figures"]) for m in data["members"]]
        return (data["status"], data["score"], data["band"], data["coverage"], members, data["excluded"])
    return (data["status"], data["score"], data["band"], data["value"])


BASELINE_CALLS = [
    ("repository_overview", False),
    ("contribution_activity", False),
    ("contribution_activity", True),
    ("project_health", False),
    ("project_health", True),
]


@pytest.fixture(scope="module")
def baseline(fake: FakeGitHub, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, bool], Any]:
    """Each tool's answer with no fault, on its own cold cache: what a correct result looks like."""

    async def collect() -> dict[tuple[str, bool], Any]:
        out: dict[tuple[str, bool], Any] = {}
        for tool, token in BASELINE_CALLS:
            cache = tmp_path_factory.mktemp("baseline")
            async with client(settings(fake, cache, token=token, budget=60)) as c:
                answer = await ask(c, tool)
            assert answer.outcome == "result", (tool, token, answer)
            assert answer.data is not None
            out[tool, token] = facts(tool, answer.data)
        return out

    return anyio.run(collect)


def assert_honest(answer: Answer, expected: Any, allowed: set[Outcome], budget: float = BUDGET) -> None:
    """The three honest outcomes, within the budget."""
    assert answer.elapsed <= budget + MARGIN, f"{answer.tool} took {answer.elapsed:.2f} s on a {budget:g} s budget"
    assert answer.outcome in allowed, (answer.outcome, answer.error or answer.data)
    if answer.error is not None:
        prefix = f"Error executing tool {answer.tool}: "
        assert answer.error.startswith(prefix), f"not an anticipated failure (a crash?): {answer.error!r}"
        message = answer.error[len(prefix) :]
        assert "Traceback" not in message and message.endswith("."), message
        assert any(word in message for word in ADVICE), f"the error does not say what to do: {message!r}"
        return
    data = answer.data
    assert data is not None
    if answer.outcome == "result":
        assert facts(answer.tool, data) == expected, "a complete result must be the correct one"
        return
    # Partial: marked, and the mark says why.
    provenance = data["provenance"]
    if not provenance["complete"]:
        assert provenance["incomplete_note"], provenance
        assert data["caveats"] and data["caveats"][0].startswith(CUT_SHORT), data["caveats"]
    for member in answer.dropped_members():
        assert any(word in member["reason"] for word in ADVICE), member


@dataclass(frozen=True)
class Case:
    id: str
    tool: str
    token: bool
    path: str  # regex on the API path, as FakeGitHub.inject takes it
    fault: Fault
    times: int | None  # None: for as long as the test runs
    allowed: frozenset[Outcome]
    says: tuple[str, ...] = ()  # words an error must contain
    min_retries: int = 0  # for a correct result: the client did retry
    min_elapsed: float = 0.0  # for a correct result: it waited as told (retry-after)


REPO_PATH = r"^/repos/octo-org/community$"
RESULT = frozenset({"result"})
ERROR = frozenset({"error"})
PARTIAL_OR_ERROR = frozenset({"partial", "error"})

CASES = [
    # -- bursts of 5xx: retried with back-off; a burst that does not end is a clear error
    Case("502-burst", "repository_overview", False, REPO_PATH, Fault.bad_gateway(), 2, RESULT, min_retries=2),
    Case("503-burst-rest", "project_health", False, r"/issues$", Fault.unavailable(), 2, RESULT, min_retries=2),
    Case("502-burst-graphql", "project_health", True, r"^/graphql$", Fault.bad_gateway(), 2, RESULT, min_retries=2),
    Case(
        "503-forever",
        "contribution_activity",
        False,
        r"/commits$",
        Fault.unavailable(),
        None,
        PARTIAL_OR_ERROR,
        says=("GitHub", "commits"),
    ),
    # -- slower than the HTTP timeout: one slow answer is retried; a slow server ends in the budget
    Case("slow-once", "repository_overview", False, REPO_PATH, Fault.slow(2.0), 1, RESULT, min_retries=1),
    Case("slow-forever-rest", "contribution_activity", False, r"/commits$", Fault.slow(5.0), None, PARTIAL_OR_ERROR),
    Case("slow-forever-graphql", "project_health", True, r"^/graphql$", Fault.slow(5.0), None, PARTIAL_OR_ERROR),
    # a body that trickles in: every read is quick, the whole is not (a per-read timeout never fires)
    Case("trickle-once", "repository_overview", False, REPO_PATH, Fault.trickle(2.5), 1, RESULT, min_retries=1),
    Case("trickle-forever", "repository_overview", False, REPO_PATH, Fault.trickle(10.0), None, ERROR),
    # -- dropped connections
    Case("drop-before", "repository_overview", False, REPO_PATH, Fault.drop(), 1, RESULT, min_retries=1),
    Case("drop-mid-body", "project_health", False, r"/issues$", Fault.drop_mid_body(), 1, RESULT, min_retries=1),
    Case(
        "drop-mid-body-forever",
        "project_health",
        False,
        r"/releases$",
        Fault.drop_mid_body(),
        None,
        PARTIAL_OR_ERROR,
        says=("releases",),
    ),
    # -- bodies that are not what they claim
    Case("truncated", "contribution_activity", False, r"/commits$", Fault.truncated_json(), 1, RESULT, min_retries=1),
    Case(
        "truncated-forever",
        "repository_overview",
        False,
        REPO_PATH,
        Fault.truncated_json(),
        None,
        ERROR,
        says=("unreadable",),
    ),
    Case("invalid-json-graphql", "project_health", True, r"^/graphql$", Fault.invalid_json(), 1, RESULT, min_retries=1),
    Case("truncated-graphql", "project_health", True, r"^/graphql$", Fault.truncated_json(), 1, RESULT, min_retries=1),
    Case("html-200", "project_health", False, r"/releases$", Fault.html_page(), 1, RESULT, min_retries=1),
    Case(
        "html-200-forever-graphql",
        "project_health",
        True,
        r"^/graphql$",
        Fault.html_page(),
        None,
        PARTIAL_OR_ERROR,
        says=("unreadable",),
    ),
    # -- secondary rate limits: wait retry-after when the budget allows, else say how long to wait
    Case(
        "secondary-retry-after",
        "contribution_activity",
        False,
        r"/commits$",
        Fault.secondary_rate_limit(retry_after=1),
        1,
        RESULT,
        min_retries=1,
        min_elapsed=1.0,
    ),
    Case(
        "429-retry-after",
        "project_health",
        False,
        r"/issues$",
        Fault.too_many_requests(retry_after=1),
        1,
        RESULT,
        min_retries=1,
        min_elapsed=1.0,
    ),
    Case(
        "secondary-no-retry-after",
        "repository_overview",
        False,
        REPO_PATH,
        Fault.secondary_rate_limit(retry_after=None),
        1,
        ERROR,
        says=("secondary rate limit", "60 seconds"),
    ),
    Case(
        "secondary-retry-after-past-budget",
        "contribution_activity",
        False,
        r"/commits$",
        Fault.secondary_rate_limit(retry_after=30),
        None,
        PARTIAL_OR_ERROR,
        says=("secondary rate limit", "30 seconds"),
    ),
    Case(
        "secondary-no-retry-after-graphql",
        "project_health",
        True,
        r"^/graphql$",
        Fault.secondary_rate_limit(retry_after=None),
        1,
        PARTIAL_OR_ERROR,
        says=("secondary rate limit",),
    ),
    # -- 202 Accepted where the data should be, for ever
    Case(
        "202-forever-listing",
        "contribution_activity",
        False,
        r"/commits$",
        Fault.accepted(),
        None,
        PARTIAL_OR_ERROR,
        says=("202",),
    ),
    Case("202-forever-repository", "repository_overview", False, REPO_PATH, Fault.accepted(), None, ERROR),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
async def test_every_fault_ends_in_the_budget_with_a_correct_result_a_marked_partial_or_a_clear_error(
    case: Case, fake: FakeGitHub, baseline: dict[tuple[str, bool], Any], tmp_path: Path
) -> None:
    expected = baseline[case.tool, case.token]
    async with client(settings(fake, tmp_path, token=case.token)) as c:
        fake.inject(case.path, case.fault, times=case.times)
        answer = await ask(c, case.tool)
        fake.clear_faults()
        print(f"\n{case.id}: {answer.outcome} in {answer.elapsed:.2f} s of {BUDGET:g} s; {answer.summary()}")
        assert_honest(answer, expected, set(case.allowed))
        if answer.error is not None:
            for word in case.says:
                assert word in answer.error, (word, answer.error)
        elif answer.outcome == "result":
            assert answer.data is not None
            assert answer.data["provenance"]["retries"] >= case.min_retries, answer.data["provenance"]
            assert answer.elapsed >= case.min_elapsed

        # The server keeps serving: the same call, now that GitHub behaves, is complete and correct.
        again = await ask(c, case.tool)
    assert again.outcome == "result", again.error or again.data
    assert again.data is not None and facts(case.tool, again.data) == expected


# -- the primary quota running out part-way through a collection -----------------------------------------
@pytest.mark.parametrize("token", [False, True], ids=["rest", "graphql"])
async def test_primary_quota_exhaustion_mid_collection_is_an_error_naming_the_reset_or_a_marked_partial(
    token: bool, data: FakeData, baseline: dict[tuple[str, bool], Any], tmp_path: Path
) -> None:
    """The quota allows a few requests, not a whole project_health; it comes back at its reset time."""
    expected = baseline["project_health", token]
    resource = "graphql" if token else "core"
    with FakeGitHub(data, anonymous_limits={"core": 100_000}) as gh:  # its own quota buckets
        async with client(settings(gh, tmp_path, token=token)) as c:
            reset = int(time.time()) + 2
            gh.set_quota(6 if not token else 2, reset, resource=resource)
            answer = await ask(c, "project_health")
            assert_honest(answer, expected, {"partial", "error"})
            if answer.error is not None:
                assert "rate limit" in answer.error and "resets at" in answer.error, answer.error
            else:
                assert answer.data is not None
                mentioned = answer.data["provenance"]["incomplete_note"] or " ".join(
                    e["reason"] for e in answer.data["excluded"]
                )
                assert "rate limit" in mentioned or "quota" in mentioned, mentioned

            # Until the reset the server answers at once, saying when to come back; it does not hammer GitHub.
            sent = len(gh.requests)
            early = await ask(c, "repository_overview", repo="octo-org/widgets")
            if early.error is not None:
                assert "resets at" in early.error and len(gh.requests) == sent
            status = await c.call_tool("api_status", {})
            assert not status.is_error and status.structured_content is not None
            limits = {r["resource"]: r for r in status.structured_content["rate_limits"]}
            # REST: nothing left. GraphQL: fewer points left than a query costs.
            assert limits[resource]["remaining"] == 0 if not token else limits[resource]["remaining"] < 2

            # After the reset, the same call in the same session is complete and correct.
            await anyio.sleep(max(0.0, reset + 0.2 - time.time()))
            again = await ask(c, "project_health")
    assert again.outcome == "result", again.error or again.data
    assert again.data is not None and facts("project_health", again.data) == expected


# -- statistics endpoints: 202 while GitHub computes, polled inside the budget ----------------------------
async def test_statistics_that_stay_202_are_polled_within_the_budget_then_reported_as_still_computing(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    """No tool reads statistics yet; the client's polling is checked against the real fake and real sleeps."""
    s = settings(fake, tmp_path, token=False)
    fake.inject(r"/stats/contributors$", Fault.accepted(), times=None)
    fake.reset_log()
    cache = HttpCache(s.cache_path)
    async with httpx.AsyncClient() as http:
        github = GitHubClient(s, http, cache)
        call = Call(budget=Budget(BUDGET))
        started = time.monotonic()
        with pytest.raises(StillComputingError, match="Try again in a minute"):
            await github.get_statistics(f"/repos/{COMMUNITY}/stats/contributors", call=call, what="contributor stats")
        elapsed = time.monotonic() - started
        polls = [r for r in fake.requests if r.path.endswith("/stats/contributors")]
        assert elapsed <= BUDGET and len(polls) >= 2 and {r.status for r in polls} == {202}

        fake.clear_faults()  # GitHub has finished: the next poll answers
        answer = await github.get_statistics(
            f"/repos/{COMMUNITY}/stats/contributors", call=Call(budget=Budget(BUDGET)), what="contributor stats"
        )
    cache.close()
    assert isinstance(answer, list) and answer and all("total" in row for row in answer)


# -- the service layer on cut and lost data: inconclusive or incomplete, never a false zero ------------
async def test_a_metric_whose_data_was_cut_off_by_the_budget_is_inconclusive_not_a_zero(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    # The HTTP timeout is longer than the budget, so the budget (not a timeout and its retry) ends the read.
    s = settings(fake, tmp_path, token=False, budget=1.0).model_copy(update={"http_timeout": 5.0})
    async with client(s) as c:
        fake.inject(r"/commits$", Fault.slow(5.0), times=None)
        answer = await ask(c, "contribution_activity")
    assert answer.data is not None and answer.data["provenance"]["complete"] is False
    assert answer.data["status"] == "inconclusive" and answer.data["score"] is None, (
        answer.data["status"],
        answer.data["score"],
        answer.data["reason"],
    )
    assert "budget" in answer.data["reason"] or "cut short" in answer.data["reason"], answer.data["reason"]


async def test_members_cut_off_by_the_budget_are_excluded_for_that_reason_not_for_missing_data(
    fake: FakeGitHub, baseline: dict[tuple[str, bool], Any], tmp_path: Path
) -> None:
    s = settings(fake, tmp_path, token=True, budget=1.0).model_copy(update={"http_timeout": 5.0})
    async with client(s) as c:
        fake.inject(r"^/graphql$", Fault.slow(5.0), times=None)
        answer = await ask(c, "project_health")
    assert answer.data is not None and answer.data["provenance"]["complete"] is False
    scored_before = {metric for metric, status, *_ in baseline["project_health", True][4] if status == "ok"}
    for member in answer.data["excluded"]:
        if member["metric"] in scored_before:
            assert "budget" in member["reason"] or "cut short" in member["reason"], member


async def test_a_model_that_lost_a_member_to_a_rate_limit_is_not_marked_complete(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    """Either the whole call is a clear error, or the partial answer says in its provenance that it is one."""
    async with client(settings(fake, tmp_path, token=True)) as c:
        fake.inject(r"^/graphql$", Fault.secondary_rate_limit(retry_after=None), times=1)
        answer = await ask(c, "project_health")
    if answer.error is None:
        assert answer.data is not None and answer.dropped_members()
        assert answer.data["provenance"]["complete"] is False, (
            f"a member was excluded for a rate limit, yet provenance.complete is true: {answer.dropped_members()}"
        )


# -- compare_projects: one repository's failure is one row's error -----------------------------------------
async def test_compare_projects_turns_one_repository_s_failure_into_that_row_s_error_and_keeps_the_others(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    arguments = {"repos": [COMMUNITY, "octo-org/widgets", "alice/tool"], "as_of": AS_OF}
    async with client(settings(fake, tmp_path / "calm", token=False)) as c:
        calm = await c.call_tool("compare_projects", arguments)
    async with client(settings(fake, tmp_path / "faulty", token=False)) as c:
        fake.inject(r"^/repos/octo-org/widgets$", Fault.html_page(), times=None)
        started = time.monotonic()
        faulty = await c.call_tool("compare_projects", arguments)
        elapsed = time.monotonic() - started
    assert calm.structured_content is not None and faulty.structured_content is not None
    assert elapsed <= BUDGET + MARGIN
    before = {row["repo"]: row for row in calm.structured_content["rows"]}
    rows = {row["repo"]: row for row in faulty.structured_content["rows"]}
    broken = rows.pop("octo-org/widgets")
    assert broken["status"] == "error" and broken["complete"] is False and broken["score"] is None
    assert "unreadable" in broken["error"] and "Try again" in broken["error"]
    for repo, row in rows.items():
        assert {k: row[k] for k in ("status", "score", "band", "members", "complete")} == {
            k: before[repo][k] for k in ("status", "score", "band", "members", "complete")
        }, repo
    assert faulty.structured_content["incomplete_rows"] == 1
    assert faulty.structured_content["caveats"] and "1 of 3 rows" in faulty.structured_content["caveats"][0]


# -- the real server process: faults never reach its stderr as a traceback ---------------------------------
async def test_the_stdio_server_process_answers_through_faults_without_a_traceback_and_keeps_serving(
    fake: FakeGitHub, baseline: dict[tuple[str, bool], Any], tmp_path: Path
) -> None:
    from mcp import StdioServerParameters
    from mcp.client.stdio import stdio_client

    env = {
        "GITHUB_API_URL": fake.url,
        "CHAOSS_MCP_CACHE_DIR": str(tmp_path / "cache"),
        "CHAOSS_MCP_TIME_BUDGET": str(BUDGET),
        "CHAOSS_MCP_HTTP_TIMEOUT": str(HTTP_TIMEOUT),
        "HOME": str(tmp_path),
    }
    process = StdioServerParameters(command=sys.executable, args=["-m", "chaoss_mcp"], env=env)
    stderr = tmp_path / "stderr.log"
    with stderr.open("w") as errlog:
        async with Client(stdio_client(process, errlog=errlog)) as c:
            fake.inject(r"/commits$", Fault.drop_mid_body(), times=1)
            fake.inject(r"/commits$", Fault.truncated_json(), times=1)
            recovered = await ask(c, "contribution_activity")
            fake.inject(r"^/repos/octo-org/widgets$", Fault.html_page(), times=None)
            refused = await ask(c, "repository_overview", repo="octo-org/widgets")
            fake.clear_faults()
            fake.inject(r"/releases$", Fault.bad_gateway(), times=None)
            failed = await ask(c, "project_health")
            fake.clear_faults()
            again = await ask(c, "project_health")
    assert_honest(recovered, baseline["contribution_activity", False], {"result"})
    assert recovered.data is not None and recovered.data["provenance"]["retries"] >= 2
    assert_honest(refused, baseline["repository_overview", False], {"error"})
    assert_honest(failed, baseline["project_health", False], {"error", "partial"})
    assert_honest(again, baseline["project_health", False], {"result"})
    assert "Traceback" not in stderr.read_text(), stderr.read_text()
