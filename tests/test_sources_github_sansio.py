from datetime import UTC, datetime

import pytest

from chaoss_mcp.errors import AccessDeniedError, BadInputError, NotFoundError, RateLimitedError, UnavailableError
from chaoss_mcp.sources.github import sansio
from tests import recorded


def test_next_link_is_read_from_recorded_link_headers() -> None:
    pages = [i for i in recorded.octokit("paginate-issues_raw-fixture.json") if i.method == "GET"]
    assert sansio.next_link(pages[0].headers["link"]) == (
        "https://api.github.com/repositories/515435940/issues?per_page=3&page=2"
    )
    assert sansio.next_link(pages[-1].headers["link"]) is None  # the last page has prev and first only
    assert sansio.next_link(None) is None


def test_rate_limit_headers_parse_into_state_with_a_utc_reset() -> None:
    get = next(i for i in recorded.octokit("get-repository_raw-fixture.json") if i.method == "GET")
    state = sansio.rate_limit(get.headers)
    assert state is not None
    assert state.resource == "core"
    assert state.reset.tzinfo is UTC
    assert sansio.rate_limit({}) is None  # Enterprise Server with limits off sends none


def test_request_headers_name_the_project_and_pin_the_api_version() -> None:
    headers = sansio.request_headers(None)
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert "Authorization" not in headers
    assert sansio.request_headers("abc")["Authorization"] == "Bearer abc"


def limit(remaining: int) -> dict[str, str]:
    return {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": str(remaining), "x-ratelimit-reset": "1700000000"}


def test_success_and_not_modified_are_accepted() -> None:
    for status in (200, 201, 202, 204, 304):
        assert isinstance(sansio.decide(status, {}, b"", attempt=0, what="x", has_token=False), sansio.Accept)


def test_primary_exhaustion_raises_at_once_naming_the_reset() -> None:
    with pytest.raises(RateLimitedError) as caught:
        sansio.decide(403, limit(0), b'{"message":"API rate limit exceeded"}', attempt=0, what="x", has_token=True)
    assert caught.value.reset_at == datetime.fromtimestamp(1700000000, tz=UTC)
    assert "2023-11-14 22:13 UTC" in str(caught.value)


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"retry-after": "7"}, b"{}", 7.0),
        ({}, b'{"message":"You have exceeded a secondary rate limit."}', 60.0),
        (limit(10), b'{"message":"secondary rate limit"}', 60.0),
        ({}, b"", 60.0),  # a bare 429
    ],
)
def test_secondary_limits_wait_retry_after_or_a_minute(headers: dict[str, str], body: bytes, expected: float) -> None:
    status = 429 if not body else 403
    decision = sansio.decide(status, headers, body, attempt=0, what="x", has_token=True)
    assert isinstance(decision, sansio.Retry)
    assert decision.after == expected


def test_secondary_back_off_grows_and_then_gives_up() -> None:
    body = b'{"message":"You have exceeded a secondary rate limit."}'
    waits = [sansio.decide(403, {}, body, attempt=a, what="x", has_token=True) for a in range(3)]
    assert [w.after for w in waits if isinstance(w, sansio.Retry)] == [60.0, 120.0, 240.0]
    with pytest.raises(RateLimitedError):
        sansio.decide(403, {}, body, attempt=3, what="x", has_token=True)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, AccessDeniedError),
        (403, AccessDeniedError),
        (404, NotFoundError),
        (410, NotFoundError),
        (422, BadInputError),
        (418, UnavailableError),
    ],
)
def test_one_place_maps_each_status_to_the_exception_tree(status: int, error: type[Exception]) -> None:
    with pytest.raises(error):
        sansio.decide(status, {}, b'{"message":"m"}', attempt=0, what="repository a/b", has_token=False)


def test_server_errors_retry_with_jittered_exponential_back_off_then_fail() -> None:
    delays = []
    for attempt in range(3):
        decision = sansio.decide(502, {}, b"", attempt=attempt, what="x", has_token=False, jitter=0.0)
        assert isinstance(decision, sansio.Retry)
        delays.append(decision.after)
    assert delays == [0.25, 0.5, 1.0]
    with pytest.raises(UnavailableError, match="502"):
        sansio.decide(502, {}, b"", attempt=3, what="x", has_token=False)


def test_graphql_rate_limited_errors_are_mapped_and_partial_data_is_accepted() -> None:
    limited = {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]}
    with pytest.raises(RateLimitedError):
        sansio.decide_graphql(limited, limit(0), attempt=0, what="x")
    assert isinstance(sansio.decide_graphql(limited, limit(3), attempt=0, what="x"), sansio.Retry)
    partial = {"data": {"repository": {}}, "errors": [{"message": "something timed out"}]}
    assert isinstance(sansio.decide_graphql(partial, {}, attempt=0, what="x"), sansio.Accept)
    with pytest.raises(NotFoundError):
        sansio.decide_graphql({"data": None, "errors": [{"type": "NOT_FOUND"}]}, {}, attempt=0, what="repo a/b")
