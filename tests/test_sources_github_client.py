"""The GitHub client against respx mocks and real recorded responses (tests/fixtures/github)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import httpx
import pytest
import respx

from chaoss_mcp.budget import Budget, Call
from chaoss_mcp.config import Settings, load_settings
from chaoss_mcp.errors import (
    AccessDeniedError,
    BudgetExhaustedError,
    NotFoundError,
    RateLimitedError,
    StillComputingError,
    UnavailableError,
)
from chaoss_mcp.sources.github.cache import HttpCache
from chaoss_mcp.sources.github.client import GitHubClient
from chaoss_mcp.sources.github.parse import repository
from tests import recorded

pytestmark = pytest.mark.anyio
API = "https://api.github.com"
TOKEN = "ghp_TESTTOKEN0123456789abcdefABCDEF0000"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Sleeper:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"cache_dir": tmp_path / "cache", "cache_ttl": 600.0}
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def call(seconds: float = 30.0) -> Call:
    return Call(budget=Budget(seconds))


async def make_client(s: Settings, sleeper: Sleeper | None = None, cache: bool = True) -> GitHubClient:
    http = httpx.AsyncClient(follow_redirects=False)
    return GitHubClient(
        s, http, HttpCache(s.cache_path) if cache else None, sleep=sleeper or Sleeper(), jitter=lambda: 0.5
    )


def add(router: respx.MockRouter, interaction: recorded.Interaction) -> respx.Route:
    return router.request(interaction.method, interaction.url).mock(
        return_value=httpx.Response(interaction.status, headers=interaction.headers, content=interaction.body)
    )


@respx.mock
async def test_every_request_carries_the_api_headers_and_the_token_only_as_a_bearer_header(tmp_path: Path) -> None:
    route = respx.get(f"{API}/repos/o/r").mock(return_value=httpx.Response(200, json={"full_name": "o/r"}))
    client = await make_client(settings(tmp_path, token=TOKEN))
    await client.get("/repos/o/r", call=call(), what="repository o/r")
    sent = route.calls.last.request
    assert sent.headers["accept"] == "application/vnd.github+json"
    assert sent.headers["x-github-api-version"] == "2022-11-28"
    assert sent.headers["user-agent"].startswith("chaoss-mcp/")
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"


@respx.mock
async def test_without_a_token_no_authorization_header_is_sent(tmp_path: Path) -> None:
    route = respx.get(f"{API}/repos/o/r").mock(return_value=httpx.Response(200, json={"full_name": "o/r"}))
    client = await make_client(settings(tmp_path))
    await client.get("/repos/o/r", call=call(), what="repository o/r")
    assert "authorization" not in route.calls.last.request.headers
    assert not client.has_token


@respx.mock
async def test_pagination_follows_recorded_link_headers_across_five_pages(tmp_path: Path) -> None:
    pages = [i for i in recorded.octokit("paginate-issues_raw-fixture.json") if i.method == "GET"]
    for page in pages:
        add(respx.mock, page)
    repo = "octokit-fixture-org/tmp-scenario-paginate-issues-20220719043836917-izyoe"
    client = await make_client(settings(tmp_path))
    c = call()
    items = [
        item
        async for page in client.paginate(f"/repos/{repo}/issues", {"per_page": 3}, call=c, what="x")
        for item in page
    ]
    assert len(items) == 13
    assert c.pages == 5
    assert c.stats.requests == 5
    # Later pages were fetched from the link URLs exactly as GitHub wrote them.
    assert [str(r.request.url).split("?")[1] for r in respx.calls][1:] == [f"per_page=3&page={n}" for n in range(2, 6)]


@respx.mock
async def test_pages_default_to_one_hundred_items_and_an_empty_204_is_an_empty_list(tmp_path: Path) -> None:
    route = respx.get(f"{API}/repos/o/r/contributors").mock(return_value=httpx.Response(204))
    client = await make_client(settings(tmp_path))
    pages = [p async for p in client.paginate("/repos/o/r/contributors", call=call(), what="contributors")]
    assert pages == [[]]
    assert route.calls.last.request.url.params["per_page"] == "100"


@respx.mock
async def test_a_renamed_repository_is_followed_through_the_recorded_301_and_named_canonically(
    tmp_path: Path,
) -> None:
    moved, canonical = recorded.betamax("Repository_issues_state_all.json")[:2]
    add(respx.mock, moved)
    add(respx.mock, canonical)
    client = await make_client(settings(tmp_path))
    response = await client.get("/repos/sigmavirus24/betamax", call=call(), what="repository")
    assert repository(response.data).full_name == "betamaxpy/betamax"
    assert response.url == "https://api.github.com/repositories/11439734"


@respx.mock
async def test_a_redirect_to_another_host_is_not_followed_and_the_token_does_not_leave(tmp_path: Path) -> None:
    respx.get(f"{API}/repos/o/r").mock(
        return_value=httpx.Response(301, headers={"location": "https://evil.example/steal"})
    )
    evil = respx.get("https://evil.example/steal").mock(return_value=httpx.Response(200, json={}))
    client = await make_client(settings(tmp_path, token=TOKEN))
    with pytest.raises(UnavailableError, match="another host"):
        await client.get("/repos/o/r", call=call(), what="repository o/r")
    assert not evil.called


@respx.mock
async def test_a_second_call_within_the_ttl_sends_no_request_and_after_it_revalidates_with_a_304(
    tmp_path: Path,
) -> None:
    repo, *_ = recorded.betamax("Branch_latest_sha.json")
    etag = repo.headers["etag"]

    def answer(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == etag:
            return httpx.Response(304, headers={"etag": etag})
        return httpx.Response(200, headers=repo.headers, content=repo.body)

    route = respx.get(repo.url).mock(side_effect=answer)
    s = settings(tmp_path, token=TOKEN)
    client = await make_client(s)
    first, second = call(), call()
    a = await client.get("/repos/PyCQA/flake8", call=first, what="repository")
    b = await client.get("/repos/PyCQA/flake8", call=second, what="repository")
    assert route.call_count == 1
    assert (first.stats.requests, second.stats.requests, second.stats.cache_hits) == (1, 0, 1)
    assert a.data == b.data

    # After the TTL: a conditional request, answered 304, serves the stored body.
    stale = await make_client(settings(tmp_path, token=TOKEN, cache_ttl=0.0))
    third = call()
    c = await stale.get("/repos/PyCQA/flake8", call=third, what="repository")
    assert route.call_count == 2
    assert route.calls.last.request.headers["if-none-match"] == etag
    assert (third.stats.requests, third.stats.not_modified) == (1, 1)
    assert c.data == a.data and c.origin == "revalidated"


@respx.mock
async def test_cache_entries_are_separate_per_token_and_the_cache_file_never_holds_the_token(
    tmp_path: Path,
) -> None:
    route = respx.get(f"{API}/repos/o/r").mock(
        return_value=httpx.Response(200, headers={"etag": '"1"'}, json={"full_name": "o/r"})
    )
    await (await make_client(settings(tmp_path, token=TOKEN))).get("/repos/o/r", call=call(), what="r")
    await (await make_client(settings(tmp_path))).get("/repos/o/r", call=call(), what="r")
    assert route.call_count == 2
    s = settings(tmp_path)
    for path in s.cache_dir.iterdir():
        assert TOKEN.encode() not in path.read_bytes()
    assert stat.S_IMODE(os.stat(s.cache_path).st_mode) == 0o600


@respx.mock
async def test_rate_limit_state_is_kept_from_every_response(tmp_path: Path) -> None:
    repo = recorded.octokit("get-repository_raw-fixture.json")
    get = next(i for i in repo if i.method == "GET")
    add(respx.mock, get)
    client = await make_client(settings(tmp_path))
    c = call()
    await client.get(get.url.replace(":443", ""), call=c, what="repository")
    state = client.rate_limits["core"]
    assert state.limit == int(get.headers["x-ratelimit-limit"])
    assert state.remaining == int(get.headers["x-ratelimit-remaining"])
    assert c.stats.rate_limit_remaining == state.remaining


@respx.mock
@pytest.mark.parametrize("status", [403, 429])
async def test_primary_rate_limit_exhaustion_names_the_reset_time_and_stops_sending(
    tmp_path: Path, status: int
) -> None:
    route = respx.get(f"{API}/repos/o/r").mock(
        return_value=httpx.Response(
            status,
            headers={
                "x-ratelimit-limit": "60",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": "4102444800",
                "x-ratelimit-resource": "core",
            },
            json={"message": "API rate limit exceeded for 203.0.113.1."},
        )
    )
    client = await make_client(settings(tmp_path))
    with pytest.raises(RateLimitedError, match="2100-01-01 00:00 UTC") as caught:
        await client.get("/repos/o/r", call=call(), what="repository o/r")
    assert "GITHUB_TOKEN" in str(caught.value)
    with pytest.raises(RateLimitedError):
        await client.get("/repos/o/r", call=call(), what="repository o/r")
    assert route.call_count == 1  # the second call never reached the network


@respx.mock
async def test_a_secondary_limit_waits_retry_after_then_succeeds(tmp_path: Path) -> None:
    route = respx.get(f"{API}/repos/o/r").mock(
        side_effect=[
            httpx.Response(
                403, headers={"retry-after": "3"}, json={"message": "You have exceeded a secondary rate limit."}
            ),
            httpx.Response(200, json={"full_name": "o/r"}),
        ]
    )
    sleeper = Sleeper()
    client = await make_client(settings(tmp_path), sleeper)
    c = call()
    await client.get("/repos/o/r", call=c, what="repository o/r")
    assert sleeper.waits == [3.0]
    assert route.call_count == 2 and c.stats.retries == 1


@respx.mock
async def test_a_secondary_limit_without_retry_after_waits_a_minute_only_if_the_budget_allows(
    tmp_path: Path,
) -> None:
    respx.get(f"{API}/repos/o/r").mock(
        return_value=httpx.Response(403, json={"message": "You have exceeded a secondary rate limit."})
    )
    sleeper = Sleeper()
    client = await make_client(settings(tmp_path), sleeper)
    with pytest.raises(RateLimitedError, match="secondary rate limit"):
        await client.get("/repos/o/r", call=call(seconds=30), what="repository o/r")
    assert sleeper.waits == []  # 60 s does not fit in a 30 s budget: fail clearly instead of waiting


@respx.mock
async def test_a_burst_of_server_errors_is_retried_with_growing_back_off(tmp_path: Path) -> None:
    route = respx.get(f"{API}/repos/o/r").mock(
        side_effect=[httpx.Response(502), httpx.Response(503), httpx.Response(200, json={"full_name": "o/r"})]
    )
    sleeper = Sleeper()
    client = await make_client(settings(tmp_path), sleeper)
    await client.get("/repos/o/r", call=call(), what="repository o/r")
    assert route.call_count == 3
    assert len(sleeper.waits) == 2 and sleeper.waits[1] > sleeper.waits[0]


@respx.mock
async def test_persistent_server_errors_end_in_a_clear_unavailable_error(tmp_path: Path) -> None:
    route = respx.get(f"{API}/repos/o/r").mock(return_value=httpx.Response(500))
    client = await make_client(settings(tmp_path))
    with pytest.raises(UnavailableError, match="500"):
        await client.get("/repos/o/r", call=call(), what="repository o/r")
    assert route.call_count == 4  # one try and three retries


@respx.mock
async def test_timeouts_and_connection_resets_are_retried_then_reported(tmp_path: Path) -> None:
    route = respx.get(f"{API}/repos/o/r").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.ConnectError("reset"), httpx.Response(200, json={"a": 1})]
    )
    client = await make_client(settings(tmp_path))
    assert (await client.get("/repos/o/r", call=call(), what="r")).data == {"a": 1}
    route.side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(UnavailableError, match="timed out"):
        await client.get("/repos/o/r", params={"fresh": 1}, call=call(), what="r")


@respx.mock
async def test_an_exhausted_budget_stops_before_sending(tmp_path: Path) -> None:
    route = respx.get(f"{API}/repos/o/r").mock(return_value=httpx.Response(200, json={}))
    client = await make_client(settings(tmp_path))
    with pytest.raises(BudgetExhaustedError, match="time budget"):
        await client.get("/repos/o/r", call=call(seconds=0.000001), what="r")
    assert not route.called


@respx.mock
@pytest.mark.parametrize(
    ("status", "error", "text"),
    [
        (404, NotFoundError, "private and GITHUB_TOKEN is not set"),
        (401, AccessDeniedError, "Bad credentials"),
        (403, AccessDeniedError, "403 Forbidden"),
    ],
)
async def test_statuses_map_to_the_exception_tree_with_what_to_do(
    tmp_path: Path, status: int, error: type[Exception], text: str
) -> None:
    respx.get(f"{API}/repos/acme/widgit").mock(return_value=httpx.Response(status, json={"message": "x"}))
    client = await make_client(settings(tmp_path))
    with pytest.raises(error, match=text):
        await client.get("/repos/acme/widgit", call=call(), what="repository acme/widgit")


@respx.mock
async def test_a_200_with_an_html_page_or_truncated_json_is_retried_once_then_unavailable(tmp_path: Path) -> None:
    route = respx.get(f"{API}/repos/o/r").mock(
        side_effect=[httpx.Response(200, text="<html>oops</html>"), httpx.Response(200, text='{"trunc')]
    )
    client = await make_client(settings(tmp_path))
    with pytest.raises(UnavailableError, match="unreadable"):
        await client.get("/repos/o/r", call=call(), what="r")
    assert route.call_count == 2


@respx.mock
async def test_statistics_202_is_polled_then_reported_as_still_computing(tmp_path: Path) -> None:
    _, accepted = recorded.betamax("Repository_code_frequency.json")
    route = respx.get(accepted.url.split("?")[0]).mock(
        return_value=httpx.Response(accepted.status, headers=accepted.headers, content=accepted.body)
    )
    sleeper = Sleeper()
    client = await make_client(settings(tmp_path), sleeper)
    with pytest.raises(StillComputingError, match="still computing"):
        await client.get_statistics("/repos/sigmavirus24/github3.py/stats/code_frequency", call=call(), what="stats")
    assert route.call_count == 5 and sleeper.waits == [1.0, 2.0, 4.0, 8.0, 16.0]


@respx.mock
async def test_statistics_answer_when_github_has_finished_computing(tmp_path: Path) -> None:
    respx.get(f"{API}/repos/o/r/stats/contributors").mock(
        side_effect=[httpx.Response(202, json={}), httpx.Response(200, json=[{"total": 3}])]
    )
    client = await make_client(settings(tmp_path), cache=False)
    assert await client.get_statistics("/repos/o/r/stats/contributors", call=call(), what="s") == [{"total": 3}]


@respx.mock
async def test_graphql_posts_to_the_graphql_endpoint_counts_rate_limit_and_caches(tmp_path: Path) -> None:
    route = respx.post(f"{API}/graphql").mock(
        return_value=httpx.Response(200, json={"data": {"rateLimit": {"cost": 1, "remaining": 4990}, "x": 1}})
    )
    client = await make_client(settings(tmp_path, token=TOKEN))
    c = call()
    data = await client.graphql("query { rateLimit { cost remaining } }", {}, call=c, what="q")
    assert data["x"] == 1 and c.stats.rate_limit_remaining == 4990
    assert json.loads(route.calls.last.request.content)["query"].startswith("query")
    again = call()
    await client.graphql("query { rateLimit { cost remaining } }", {}, call=again, what="q")
    assert route.call_count == 1 and again.stats.cache_hits == 1


@respx.mock
async def test_graphql_rate_limited_errors_map_like_rest_ones(tmp_path: Path) -> None:
    respx.post(f"{API}/graphql").mock(
        return_value=httpx.Response(
            200,
            headers={
                "x-ratelimit-limit": "5000",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": "4102444800",
                "x-ratelimit-resource": "graphql",
            },
            json={"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]},
        )
    )
    client = await make_client(settings(tmp_path, token=TOKEN))
    with pytest.raises(RateLimitedError, match="GraphQL rate limit is used up"):
        await client.graphql("query { viewer { login } }", {}, call=call(), what="q")


async def test_graphql_without_a_token_is_refused_before_any_request(tmp_path: Path) -> None:
    client = await make_client(settings(tmp_path))
    with pytest.raises(AccessDeniedError, match="needs a token"):
        await client.graphql("query { viewer { login } }", {}, call=call(), what="q")


def test_enterprise_server_urls_derive_graphql_and_web_host() -> None:
    s = load_settings({"GITHUB_API_URL": "https://ghe.example.com/api/v3/"})
    assert s.api_url == "https://ghe.example.com/api/v3"
    assert s.graphql_url == "https://ghe.example.com/api/graphql"
    assert s.web_host == "ghe.example.com"
    assert load_settings({}).graphql_url == "https://api.github.com/graphql"


@respx.mock
async def test_no_more_requests_are_in_flight_than_the_concurrency_setting(tmp_path: Path) -> None:
    import anyio

    in_flight = 0
    peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, json={})

    respx.get(url__regex=rf"{API}/repos/o/r\d+").mock(side_effect=slow)
    client = await make_client(settings(tmp_path, max_concurrency=2), cache=False)
    async with anyio.create_task_group() as tg:
        for n in range(8):
            tg.start_soon(lambda n=n: client.get(f"/repos/o/r{n}", call=call(), what="r"))
    assert peak == 2
