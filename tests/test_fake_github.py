"""The fake GitHub answers like GitHub on everything the client relies on.

Each test talks HTTP to a running fake (127.0.0.1, a free port) with plain httpx, and checks the
fake against GitHub's documented behaviour and, where a recording exists, against the real answer in
tests/fixtures/github (octokit/fixtures, MIT: get-repository and paginate-issues scenarios, 2022).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from chaoss_mcp.sources.github.collect import ISSUES_QUERY, PULLS_QUERY, TAGS_QUERY
from chaoss_mcp.sources.github.sansio import next_link, request_headers
from tests.fake_github import TEST_TOKEN, FakeData, FakeGitHub, Fault, make_sample_data
from tests.recorded import octokit

WIDGETS = "octo-org/widgets"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    with FakeGitHub(make_sample_data()) as fake:
        yield fake


def headers(token: str | None = TEST_TOKEN, **extra: str) -> dict[str, str]:
    return {**request_headers(token), **extra}


def graphql(fake: FakeGitHub, query: str, token: str | None = TEST_TOKEN, **variables: Any) -> httpx.Response:
    return httpx.post(fake.graphql_url, headers=headers(token), json={"query": query, "variables": variables})


def many_items_data(count: int) -> FakeData:
    d = FakeData()
    d.add_repo("octo-org/many", owner_type="Organization")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for k in range(count):
        when = start + timedelta(hours=k)
        if k % 3 == 0:
            d.add_pull("octo-org/many", f"PR {k}", created_at=when, author=f"user{k % 7}")
        else:
            d.add_issue("octo-org/many", f"Issue {k}", created_at=when, author=f"user{k % 7}")
    return d


# -- auth ---------------------------------------------------------------------------------------------
def test_a_valid_token_is_accepted_and_gets_the_authenticated_quota(gh: FakeGitHub) -> None:
    r = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers())
    assert r.status_code == 200
    assert r.headers["x-ratelimit-limit"] == "5000" and r.headers["x-ratelimit-resource"] == "core"
    assert r.json()["permissions"]["pull"] is True  # GitHub adds permissions for an authenticated caller


def test_without_a_token_the_anonymous_quota_of_60_applies_and_no_permissions_are_shown(gh: FakeGitHub) -> None:
    r = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers(None))
    assert r.status_code == 200
    assert r.headers["x-ratelimit-limit"] == "60" and r.headers["x-ratelimit-remaining"] == "59"
    assert "permissions" not in r.json()


def test_a_wrong_or_unparsable_token_is_401_bad_credentials(gh: FakeGitHub) -> None:
    for value in ("Bearer wrong", "Basic xyz"):
        r = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers={**headers(None), "Authorization": value})
        assert r.status_code == 401 and r.json()["message"] == "Bad credentials"


def test_a_request_without_user_agent_is_refused_with_403(gh: FakeGitHub) -> None:
    with httpx.Client() as client:
        request = client.build_request("GET", f"{gh.url}/repos/{WIDGETS}", headers=headers())
        del request.headers["User-Agent"]
        r = client.send(request)
    assert r.status_code == 403 and "User-Agent" in r.json()["message"]


def test_an_unsupported_api_version_is_400(gh: FakeGitHub) -> None:
    r = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers(**{"X-GitHub-Api-Version": "1999-01-01"}))
    assert r.status_code == 400 and "X-GitHub-Api-Version" in r.json()["message"]


def test_a_private_repository_is_a_404_without_a_token_and_visible_with_one() -> None:
    d = make_sample_data()
    d.add_repo("octo-org/secret", owner_type="Organization", private=True)
    with FakeGitHub(d) as fake:
        assert httpx.get(f"{fake.url}/repos/octo-org/secret", headers=headers(None)).status_code == 404
        r = httpx.get(f"{fake.url}/repos/octo-org/secret", headers=headers())
        assert r.status_code == 200 and r.json()["private"] is True and r.json()["visibility"] == "private"


def test_the_request_log_never_holds_a_token(gh: FakeGitHub) -> None:
    httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers())
    (record,) = gh.requests
    assert TEST_TOKEN not in json.dumps(record.headers)
    assert record.headers["authorization"].startswith("sha256:")


# -- rate limits ----------------------------------------------------------------------------------------
def test_every_answer_carries_the_rate_limit_headers_and_the_quota_counts_down(gh: FakeGitHub) -> None:
    seen = []
    for _ in range(3):
        r = httpx.get(f"{gh.url}/repos/{WIDGETS}/releases", headers=headers())
        for name in ("limit", "remaining", "reset", "used", "resource"):
            assert f"x-ratelimit-{name}" in r.headers
        seen.append(int(r.headers["x-ratelimit-remaining"]))
    assert seen == [4999, 4998, 4997]
    assert int(r.headers["x-ratelimit-reset"]) > time.time()


def test_an_exhausted_quota_answers_403_with_remaining_zero_and_the_reset_time(gh: FakeGitHub) -> None:
    reset = int(time.time()) + 1800
    gh.set_quota(0, reset, token=TEST_TOKEN)
    r = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers())
    assert r.status_code == 403
    assert r.headers["x-ratelimit-remaining"] == "0" and r.headers["x-ratelimit-reset"] == str(reset)
    assert "API rate limit exceeded" in r.json()["message"]
    # Another caller's bucket is untouched.
    assert httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers(None)).status_code == 200


def test_rate_limit_endpoint_reports_every_resource_and_costs_nothing(gh: FakeGitHub) -> None:
    r = httpx.get(f"{gh.url}/rate_limit", headers=headers())
    body = r.json()
    assert {"core", "search", "graphql"} <= set(body["resources"])
    assert body["rate"] == body["resources"]["core"]
    assert body["resources"]["core"]["remaining"] == 5000


def test_a_scripted_secondary_limit_answers_with_retry_after_then_recovers(gh: FakeGitHub) -> None:
    gh.inject(r"/repos/octo-org/widgets$", Fault.secondary_rate_limit(retry_after=3))
    first = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers())
    assert first.status_code == 403 and first.headers["retry-after"] == "3"
    assert "secondary rate limit" in first.json()["message"]
    assert httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers()).status_code == 200


def test_scripted_server_errors_are_served_the_given_number_of_times(gh: FakeGitHub) -> None:
    gh.inject(r"/releases$", Fault.bad_gateway(), times=2)
    statuses = [httpx.get(f"{gh.url}/repos/{WIDGETS}/releases", headers=headers()).status_code for _ in range(3)]
    assert statuses == [502, 502, 200]


# -- pagination ---------------------------------------------------------------------------------------
def test_link_pagination_visits_every_item_once_and_clamps_per_page_to_100() -> None:
    with FakeGitHub(many_items_data(250)) as fake:
        url: str | None = f"{fake.url}/repos/octo-org/many/issues?state=all&per_page=500"
        numbers: list[int] = []
        pages = 0
        while url:
            r = httpx.get(url, headers=headers())
            assert r.status_code == 200
            pages += 1
            numbers += [item["number"] for item in r.json()]
            url = next_link(r.headers.get("link"))
        assert pages == 3 and len(numbers) == 250 and len(set(numbers)) == 250
        # Newest first (created, desc), as GitHub's default.
        assert numbers == sorted(numbers, reverse=True)


def test_link_header_has_github_rels_and_keeps_the_query() -> None:
    with FakeGitHub(many_items_data(250)) as fake:
        first = httpx.get(f"{fake.url}/repos/octo-org/many/issues?state=all&per_page=100", headers=headers())
        link = first.headers["link"]
        assert 'rel="next"' in link and 'rel="last"' in link and 'rel="prev"' not in link
        assert "state=all" in link and "per_page=100" in link and "page=2" in link
        last = httpx.get(next_link(link).replace("page=2", "page=3"), headers=headers())  # type: ignore[union-attr]
        assert 'rel="next"' not in last.headers["link"] and 'rel="first"' in last.headers["link"]


def test_link_pagination_has_the_shape_of_a_recorded_github_sequence() -> None:
    recorded = [i for i in octokit("paginate-issues_raw-fixture.json") if i.method == "GET" and "/issues?" in i.url]
    d = FakeData()
    d.add_repo("octo-org/few")
    for k in range(13):
        d.add_issue("octo-org/few", f"Test issue {k}", created_at=datetime(2026, 1, 1, k, tzinfo=UTC))
    with FakeGitHub(d) as fake:
        url: str | None = f"{fake.url}/repos/octo-org/few/issues?per_page=3"
        ours = []
        while url:
            r = httpx.get(url, headers=headers())
            ours.append((len(r.json()), sorted(_rels(r.headers["link"]))))
            url = next_link(r.headers["link"])
    theirs = [(len(i.json()), sorted(_rels(i.headers["link"]))) for i in recorded]  # type: ignore[arg-type]
    assert ours == theirs


def _rels(link: str) -> list[str]:
    return [part.split('rel="')[1].rstrip('"') for part in link.split(", ")]


def test_cursor_mode_refuses_page_numbers_and_links_with_after_cursors() -> None:
    with FakeGitHub(many_items_data(150), cursor_pagination=True) as fake:
        refused = httpx.get(f"{fake.url}/repos/octo-org/many/issues?state=all&page=2", headers=headers())
        assert refused.status_code == 422
        first = httpx.get(f"{fake.url}/repos/octo-org/many/issues?state=all&per_page=100", headers=headers())
        nxt = next_link(first.headers["link"])
        assert nxt is not None and "after=" in nxt and "&page=" not in nxt
        assert len(httpx.get(nxt, headers=headers()).json()) == 50


def test_an_empty_listing_is_an_empty_list_without_a_next_link(gh: FakeGitHub) -> None:
    r = httpx.get(f"{gh.url}/repos/alice/tool/pulls/comments", headers=headers())
    assert r.status_code == 200 and r.json() == [] and "link" not in r.headers


def test_since_filters_listings_on_update_time(gh: FakeGitHub) -> None:
    r = httpx.get(f"{gh.url}/repos/{WIDGETS}/issues?state=all&since=2026-01-14T00:00:00Z", headers=headers())
    assert sorted(i["number"] for i in r.json()) == [5, 6]  # 6 was updated on the 20th, 5 created on the 14th
    comments = httpx.get(f"{gh.url}/repos/{WIDGETS}/issues/comments?since=2026-01-10T00:00:00Z", headers=headers())
    assert [c["issue_url"].rsplit("/", 1)[1] for c in comments.json()] == ["4", "6"]


# -- conditional requests ------------------------------------------------------------------------------
def test_an_unchanged_resource_answers_304_to_its_etag_without_a_body_and_for_free(gh: FakeGitHub) -> None:
    first = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers())
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    again = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers(**{"If-None-Match": etag}))
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    # GitHub: a 304 to an authenticated conditional request does not count against the quota.
    assert again.headers["x-ratelimit-remaining"] == first.headers["x-ratelimit-remaining"]


def test_a_changed_resource_answers_200_with_a_new_etag(gh: FakeGitHub) -> None:
    first = httpx.get(f"{gh.url}/repos/{WIDGETS}/issues?state=all", headers=headers())
    gh.data.add_comment(WIDGETS, 4, author="carol", created_at="2026-01-21T10:00:00Z")
    again = httpx.get(
        f"{gh.url}/repos/{WIDGETS}/issues?state=all", headers=headers(**{"If-None-Match": first.headers["etag"]})
    )
    assert again.status_code == 200 and again.headers["etag"] != first.headers["etag"]


def test_last_modified_validates_with_if_modified_since(gh: FakeGitHub) -> None:
    first = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers())
    modified = first.headers["last-modified"]
    again = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers(**{"If-Modified-Since": modified}))
    assert again.status_code == 304


def test_every_page_of_a_listing_has_its_own_etag() -> None:
    with FakeGitHub(many_items_data(150)) as fake:
        p1 = httpx.get(f"{fake.url}/repos/octo-org/many/issues?state=all&per_page=100", headers=headers())
        p2 = httpx.get(next_link(p1.headers["link"]) or "", headers=headers())
        assert p1.headers["etag"] != p2.headers["etag"]
        again = httpx.get(next_link(p1.headers["link"]) or "", headers=headers(**{"If-None-Match": p2.headers["etag"]}))
        assert again.status_code == 304 and again.headers["link"] == p2.headers["link"]


# -- shapes -------------------------------------------------------------------------------------------
def test_the_repository_answer_has_the_keys_of_a_recorded_github_answer(gh: FakeGitHub) -> None:
    (recorded,) = [i for i in octokit("get-repository_raw-fixture.json") if i.method == "GET"]
    theirs = set(recorded.json())  # type: ignore[call-overload]
    ours = set(httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers()).json())
    # Settings only repository admins see in the recording (the fixture's token owned the repository).
    admin_only = {"allow_update_branch", "temp_clone_token", "use_squash_pr_title_as_default"}
    assert theirs - admin_only <= ours


def test_issue_items_have_the_keys_of_recorded_github_items_and_prs_carry_pull_request(gh: FakeGitHub) -> None:
    recorded = next(i for i in octokit("paginate-issues_raw-fixture.json") if i.method == "GET")
    theirs = set(recorded.json()[0])  # type: ignore[index]
    items = httpx.get(f"{gh.url}/repos/{WIDGETS}/issues?state=all", headers=headers()).json()
    for item in items:
        assert theirs <= set(item)
    kinds = {item["number"]: "pull_request" in item for item in items}
    assert kinds == {1: False, 2: True, 3: True, 4: False, 5: True, 6: True}


def test_owner_type_tells_users_from_organisations(gh: FakeGitHub) -> None:
    org = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers()).json()
    user = httpx.get(f"{gh.url}/repos/alice/tool", headers=headers()).json()
    assert org["owner"]["type"] == "Organization" and "organization" in org
    assert user["owner"]["type"] == "User" and "organization" not in user


def test_a_renamed_repository_answers_301_to_its_canonical_address(gh: FakeGitHub) -> None:
    gh.data.rename("octo-org/gadgets", WIDGETS)
    r = httpx.get(f"{gh.url}/repos/octo-org/gadgets", headers=headers())
    assert r.status_code == 301
    target = r.headers["location"]
    assert target.startswith(f"{gh.url}/repositories/")
    assert httpx.get(target, headers=headers()).json()["full_name"] == WIDGETS


def test_listing_commits_of_an_empty_repository_is_409(gh: FakeGitHub) -> None:
    gh.data.add_repo("alice/empty")
    r = httpx.get(f"{gh.url}/repos/alice/empty/commits", headers=headers())
    assert r.status_code == 409 and r.json()["message"] == "Git Repository is empty."


def test_statistics_answer_202_while_computing_then_200(gh: FakeGitHub) -> None:
    url = f"{gh.url}/repos/{WIDGETS}/stats/contributors"
    first, second = (httpx.get(url, headers=headers()) for _ in range(2))
    assert first.status_code == 202 and "etag" not in first.headers
    assert second.status_code == 200 and {a["author"]["login"] for a in second.json()} >= {"alice", "bob"}


def test_pending_reviews_have_no_submitted_at(gh: FakeGitHub) -> None:
    reviews = httpx.get(f"{gh.url}/repos/alice/tool/pulls/2/reviews", headers=headers()).json()
    assert [(r["state"], "submitted_at" in r) for r in reviews] == [("COMMENTED", True), ("PENDING", False)]


def test_enterprise_mode_serves_under_api_v3_and_graphql_under_api_graphql() -> None:
    with FakeGitHub(make_sample_data(), enterprise=True) as fake:
        assert fake.url.endswith("/api/v3") and fake.graphql_url.endswith("/api/graphql")
        assert httpx.get(f"{fake.url}/repos/{WIDGETS}", headers=headers()).status_code == 200
        assert httpx.get(f"{fake.origin}/repos/{WIDGETS}", headers=headers()).status_code == 404
        r = graphql(fake, "query { rateLimit { remaining } }")
        assert r.status_code == 200 and r.json()["data"]["rateLimit"]["remaining"] == 4999


# -- GraphQL: the queries the collector sends ---------------------------------------------------------
def test_graphql_needs_a_token(gh: FakeGitHub) -> None:
    r = graphql(gh, "query { rateLimit { remaining } }", token=None)
    assert r.status_code == 401


def test_issues_query_returns_issues_updated_since_newest_first_with_first_comments(gh: FakeGitHub) -> None:
    r = graphql(gh, ISSUES_QUERY, owner="octo-org", name="widgets", since="2026-01-01T00:00:00Z", cursor=None)
    body = r.json()
    assert "errors" not in body
    assert body["data"]["rateLimit"]["cost"] == 1
    nodes = body["data"]["repository"]["issues"]["nodes"]
    assert [n["number"] for n in nodes] == [4, 1]  # issues only, created_at descending
    one = nodes[1]
    assert [(c["author"]["login"], c["createdAt"]) for c in one["comments"]["nodes"]] == [
        ("carol", "2026-01-05T12:00:00Z"),
        ("bob", "2026-01-05T15:00:00Z"),
    ]
    # GraphQL reports app bots without the [bot] suffix REST uses, typed Bot.
    assert nodes[0]["comments"]["nodes"][0]["author"] == {"__typename": "Bot", "login": "dependabot"}
    later = graphql(gh, ISSUES_QUERY, owner="octo-org", name="widgets", since="2026-01-09T12:00:00Z", cursor=None)
    assert [n["number"] for n in later.json()["data"]["repository"]["issues"]["nodes"]] == [4]


def test_pulls_query_orders_by_update_filters_states_and_includes_reviews(gh: FakeGitHub) -> None:
    r = graphql(gh, PULLS_QUERY, owner="octo-org", name="widgets", states=None, cursor=None)
    body = r.json()
    assert "errors" not in body
    assert body["data"]["rateLimit"]["cost"] == 2  # 1 + 100 x (comments + reviews) nodes requested, /100
    nodes = body["data"]["repository"]["pullRequests"]["nodes"]
    assert [n["number"] for n in nodes] == [6, 5, 3, 2]  # updated_at descending
    by_number = {n["number"]: n for n in nodes}
    assert by_number[2]["mergedAt"] == "2026-01-07T09:00:00Z" and by_number[5]["isDraft"] is True
    assert [(v["state"], v["author"]["login"]) for v in by_number[2]["reviews"]["nodes"]] == [
        ("CHANGES_REQUESTED", "alice"),
        ("APPROVED", "alice"),
    ]
    assert by_number[3]["author"] == {"__typename": "Bot", "login": "dependabot"}
    open_only = graphql(gh, PULLS_QUERY, owner="octo-org", name="widgets", states=["OPEN"], cursor=None)
    assert [n["number"] for n in open_only.json()["data"]["repository"]["pullRequests"]["nodes"]] == [5]


def test_tags_query_peels_annotated_tags_to_their_commit(gh: FakeGitHub) -> None:
    r = graphql(gh, TAGS_QUERY, owner="octo-org", name="widgets", cursor=None)
    nodes = r.json()["data"]["repository"]["refs"]["nodes"]
    widgets = gh.data.repo(WIDGETS)
    assert [n["name"] for n in nodes] == ["v1.0.0", "v1.1.0"]
    light, annotated = nodes
    assert light["target"]["__typename"] == "Commit" and light["target"]["oid"] == widgets.tags["v1.0.0"]
    assert annotated["target"]["__typename"] == "Tag"
    assert annotated["target"]["target"]["oid"] == widgets.tags["v1.1.0"]
    commit = widgets.commits[widgets.tags["v1.1.0"]]
    assert annotated["target"]["target"]["committedDate"] == commit.committer_date.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_graphql_cursor_pagination_walks_every_item_once() -> None:
    with FakeGitHub(many_items_data(250)) as fake:
        cursor = None
        numbers: list[int] = []
        for _ in range(10):
            r = graphql(fake, ISSUES_QUERY, owner="octo-org", name="many", since=None, cursor=cursor)
            conn = r.json()["data"]["repository"]["issues"]
            numbers += [n["number"] for n in conn["nodes"]]
            if not conn["pageInfo"]["hasNextPage"]:
                break
            cursor = conn["pageInfo"]["endCursor"]
        issues = [i.number for i in fake.data.repo("octo-org/many").issues.values() if not i.is_pull]
        assert numbers == sorted(issues, reverse=True)


def test_graphql_unknown_repository_is_not_found_with_null_data(gh: FakeGitHub) -> None:
    r = graphql(gh, ISSUES_QUERY, owner="octo-org", name="nope", since=None, cursor=None)
    body = r.json()
    assert r.status_code == 200 and body["data"]["repository"] is None
    assert body["errors"][0]["type"] == "NOT_FOUND" and body["errors"][0]["path"] == ["repository"]


def test_graphql_enforces_pagination_bounds_like_github(gh: FakeGitHub) -> None:
    missing = graphql(gh, 'query { repository(owner: "octo-org", name: "widgets") { issues { totalCount } } }')
    assert missing.json()["errors"][0]["type"] == "MISSING_PAGINATION_BOUNDARIES"
    too_many = graphql(
        gh, 'query { repository(owner: "octo-org", name: "widgets") { issues(first: 101) { totalCount } } }'
    )
    assert too_many.json()["errors"][0]["type"] == "EXCESSIVE_PAGINATION"


def test_graphql_rejects_fields_outside_the_schema(gh: FakeGitHub) -> None:
    r = graphql(gh, 'query { repository(owner: "octo-org", name: "widgets") { noSuchField } }')
    assert "noSuchField" in r.json()["errors"][0]["message"]


def test_graphql_cost_is_deducted_and_an_exhausted_budget_is_rate_limited(gh: FakeGitHub) -> None:
    first = graphql(gh, PULLS_QUERY, owner="octo-org", name="widgets", states=None, cursor=None)
    assert first.headers["x-ratelimit-resource"] == "graphql"
    assert first.json()["data"]["rateLimit"]["remaining"] == 4998
    gh.set_quota(1, resource="graphql", token=TEST_TOKEN)
    limited = graphql(gh, PULLS_QUERY, owner="octo-org", name="widgets", states=None, cursor=None)
    assert limited.status_code == 200 and limited.json()["errors"][0]["type"] == "RATE_LIMITED"


# -- control endpoints ----------------------------------------------------------------------------------
def test_control_endpoints_report_and_reset_the_log_without_being_counted(gh: FakeGitHub) -> None:
    etag = httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers()).headers["etag"]
    httpx.get(f"{gh.url}/repos/{WIDGETS}", headers=headers(**{"If-None-Match": etag}))
    graphql(gh, "query { rateLimit { remaining } }")
    summary = httpx.get(f"{gh.origin}/_fake/summary").json()
    assert summary["requests"] == 3 and summary["not_modified"] == 1 and summary["conditional"] == 1
    assert summary["by_kind"] == {"rest": 2, "graphql": 1}
    httpx.post(f"{gh.origin}/_fake/reset")
    assert httpx.get(f"{gh.origin}/_fake/summary").json()["requests"] == 0
    assert gh.requests == []


def test_added_latency_delays_every_request() -> None:
    with FakeGitHub(make_sample_data(), latency=0.05) as fake:
        started = time.perf_counter()
        httpx.get(f"{fake.url}/repos/{WIDGETS}", headers=headers())
        assert time.perf_counter() - started >= 0.05
