"""Answers GitHub really sent (recorded by other clients' test suites) pass through the parsers the client
uses, give the records those answers say, and are read only for fields GitHub's description documents."""

from __future__ import annotations

import base64
import gzip
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from dateutil.parser import isoparse

from chaoss_mcp.records import ChangeRequest, Comment, Issue, Review
from chaoss_mcp.sources.github import parse

from . import harness
from .descriptions import Api

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RECORDINGS = [FIXTURES / "github", FIXTURES / "contracts"]


@dataclass(frozen=True)
class Answer:
    file: str
    path: str
    body: Any


def _cassette(path: Path) -> Iterator[tuple[str, str, int, bytes]]:
    """Betamax (github3.py) and VCR (octokit.rb) cassettes: (method, url, status, body)."""
    for item in json.loads(path.read_text()).get("http_interactions", []):
        response = item["response"]
        status = (response.get("status") or {}).get("code", 0)
        headers = {k.lower(): v[0] if isinstance(v, list) else v for k, v in response.get("headers", {}).items()}
        body_info = response.get("body") or {}
        data = (
            base64.b64decode(body_info["base64_string"])
            if body_info.get("base64_string")
            else (body_info.get("string") or "").encode()
        )
        if headers.get("content-encoding") == "gzip" and data:
            data = gzip.decompress(data)
        yield item["request"]["method"].upper(), item["request"]["uri"], int(status), data


def _nock(path: Path) -> Iterator[tuple[str, str, int, bytes]]:
    """octokit/fixtures nock recordings: (method, url, status, body)."""
    for item in json.loads(path.read_text()):
        body = item["response"]
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        yield item["method"].upper(), item["scope"] + item["path"], int(item["status"]), data


def recorded_answers() -> list[Answer]:
    out = []
    for root in RECORDINGS:
        for path in sorted(root.rglob("*.json")):
            reader = _nock if path.name.endswith("raw-fixture.json") else _cassette
            for method, url, status, data in reader(path):
                if method == "GET" and status == 200 and data:
                    out.append(Answer(str(path.relative_to(FIXTURES)), urlsplit(url).path, json.loads(data)))
    return out


def _moment(value: str | None) -> Any:
    return isoparse(value) if value else None


def _repository(raw: Any) -> None:
    info = parse.repository(raw)
    assert info.full_name == raw["full_name"] and info.created_at == _moment(raw["created_at"])
    assert info.default_branch == raw["default_branch"] and info.stars == raw["stargazers_count"]


def _issue(raw: Any) -> None:
    item = parse.issue_or_pull(raw)
    assert item.number == raw["number"] and item.created_at == _moment(raw["created_at"])
    assert isinstance(item, ChangeRequest) == ("pull_request" in raw)
    assert isinstance(item, ChangeRequest | Issue) and item.author is not None and item.author.login


def _pull(raw: Any) -> None:
    pull = parse.pull(raw)
    assert pull.number == raw["number"] and pull.merged_at == _moment(raw["merged_at"])
    assert pull.author is not None and pull.author.login == raw["user"]["login"]


def _comment(kind: str) -> Callable[[Any], None]:
    def check(raw: Any) -> None:
        found = parse.comment(raw, kind)
        assert isinstance(found, Comment) and found.created_at == _moment(raw["created_at"])
        url = raw["issue_url"] if kind == "issue_comment" else raw["pull_request_url"]
        assert str(found.item_number) == url.rsplit("/", 1)[1] and found.body == raw["body"]

    return check


def _review(raw: Any) -> None:
    found = parse.review(raw, 1)
    assert (found is None) == (raw["state"] == "PENDING")
    assert isinstance(found, Review | None) and (found is None or found.submitted_at == _moment(raw["submitted_at"]))


def _release(raw: Any) -> None:
    found = parse.release(raw)
    assert found.tag == raw["tag_name"] and found.published_at == _moment(raw["published_at"])


def _tag(raw: Any) -> None:
    found = parse.tag(raw)
    assert found.name == raw["name"] and found.sha == raw["commit"]["sha"]


def _commit(raw: Any) -> None:
    found = parse.commit(raw)
    assert found.sha == raw["sha"] and found.authored_at == _moment(raw["commit"]["author"]["date"])
    assert found.author.email == raw["commit"]["author"]["email"] and found.parents == len(raw["parents"])


def _community(raw: Any) -> None:
    assert isinstance(raw["health_percentage"], int)  # what the snapshot reads of the community profile


# The parser the client uses for each endpoint's answer (for lists: for each item).
PARSERS: list[tuple[str, str, Callable[[Any], None]]] = [
    (r"/repos/[^/]+/[^/]+", "/repos/{owner}/{repo}", _repository),
    (r".*/issues", "/repos/{owner}/{repo}/issues", _issue),
    (r".*/pulls", "/repos/{owner}/{repo}/pulls", _pull),
    (r".*/issues/comments|.*/issues/\d+/comments", "/repos/{owner}/{repo}/issues/comments", _comment("issue_comment")),
    (r".*/pulls/comments|.*/pulls/\d+/comments", "/repos/{owner}/{repo}/pulls/comments", _comment("review_comment")),
    (r".*/pulls/\d+/reviews", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews", _review),
    (r".*/releases", "/repos/{owner}/{repo}/releases", _release),
    (r".*/tags", "/repos/{owner}/{repo}/tags", _tag),
    (r".*/commits", "/repos/{owner}/{repo}/commits", _commit),
    (r".*/community/profile", "/repos/{owner}/{repo}/community/profile", _community),
]


def parser_for(path: str) -> tuple[str, Callable[[Any], None]] | None:
    for pattern, template, check in PARSERS:
        if re.fullmatch(pattern, path):
            return template, check
    return None


@pytest.fixture(scope="module")
def answers() -> list[Answer]:
    return recorded_answers()


def test_every_recorded_answer_parses_into_the_records_it_describes(answers: list[Answer]) -> None:
    used: set[str] = set()
    for answer in answers:
        found = parser_for(answer.path)
        if found is None:
            continue
        template, check = found
        for raw in answer.body if isinstance(answer.body, list) else [answer.body]:
            check(raw)
        used.add(template)
    assert used == {template for _, template, _ in PARSERS}, "a parser has no recorded answer to read"


def test_the_recorded_answers_cover_hundreds_of_items(answers: list[Answer]) -> None:
    items = sum(len(a.body) if isinstance(a.body, list) else 1 for a in answers if parser_for(a.path))
    assert items > 200


def test_the_parsers_read_only_documented_fields_of_the_recorded_answers(dotcom: Api, answers: list[Answer]) -> None:
    reads: list[harness.Read] = []
    for answer in answers:
        found = parser_for(answer.path)
        if found is None:
            continue
        template, check = found
        op = dotcom.operation("GET", template)
        assert op is not None, template
        shape = harness.RestShape(dotcom, [dotcom.response_schema(op)], f"GET {template} ({answer.file})")
        listed = isinstance(answer.body, list)
        for raw in answer.body if listed else [answer.body]:
            check(harness.wrap(raw, shape.item(0) if listed else shape, reads))
    assert reads
    # Only the client's own reads are judged (the checks above read the raw answers to compare).
    bad = sorted({(r.place, r.key) for r in reads if not r.documented and r.at.startswith("src/")})
    assert bad == []
