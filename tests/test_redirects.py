"""Redirects away from the API base are never followed, so the token never leaves GitHub's origin.

Two small HTTP servers on the loopback: ``api`` (the configured API base) answers with scripted
redirects and ``Link`` headers; ``elsewhere`` (another port, or another loopback address) stands for a
foreign host and records anything that reaches it. Every request of the server under test also passes
a guard transport that refuses and records URLs outside the API base, so a redirect to a name such as
``evil.example`` would be seen without any lookup or connection being made.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from chaoss_mcp.budget import Budget, Call
from chaoss_mcp.config import Settings
from chaoss_mcp.errors import UnavailableError
from chaoss_mcp.server import build_server
from chaoss_mcp.sources.github.client import MAX_REDIRECTS, GitHubClient
from chaoss_mcp.state import load_all_specs, open_state
from tests.test_hostile_input import HostGuard

pytestmark = pytest.mark.anyio

TOKEN = "ghp_REDIRECTcanary0000000000000000000000"
REPO_JSON = {
    "full_name": "octo-org/renamed",
    "owner": {"login": "octo-org", "type": "Organization"},
    "default_branch": "main",
    "stargazers_count": 1,
}


@dataclass
class Seen:
    method: str
    path: str
    authorization: str | None


@dataclass
class Loopback:
    """A tiny scripted HTTP server: ``routes[path] = (status, headers, body)``; unknown paths are 404."""

    host: str = "127.0.0.1"
    routes: dict[str, tuple[int, dict[str, str], Any]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self.server is not None
        return f"http://{self.host}:{self.server.server_address[1]}"

    def start(self) -> Loopback:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                path = self.path.split("?")[0]
                owner.seen.append(Seen(self.command, path, self.headers.get("Authorization")))
                status, headers, body = owner.routes.get(path, (404, {}, {"message": "Not Found"}))
                raw = json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value.replace("{API}", owner_api_origin()))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            do_POST = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        def owner_api_origin() -> str:
            return self.origin

        self.server = ThreadingHTTPServer((self.host, 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def _loopback_alias_available() -> bool:
    try:
        with socket.socket() as s:
            s.bind(("127.0.0.2", 0))
    except OSError:
        return False
    return True


@pytest.fixture
def api() -> Iterator[Loopback]:
    server = Loopback().start()
    yield server
    server.stop()


@pytest.fixture
def elsewhere() -> Iterator[Loopback]:
    server = Loopback().start()
    yield server
    server.stop()


@pytest.fixture
def elsewhere_address() -> Iterator[Loopback]:
    if not _loopback_alias_available():
        pytest.skip("127.0.0.2 is not bound to the loopback interface here")
    server = Loopback(host="127.0.0.2").start()
    yield server
    server.stop()


def settings(api: Loopback, tmp_path: Path) -> Settings:
    return Settings(api_url=api.origin, token=TOKEN, cache_dir=tmp_path / "cache", config_dir=tmp_path / "config")


async def overview(api: Loopback, tmp_path: Path) -> tuple[Any, HostGuard]:
    s = settings(api, tmp_path)
    specs = load_all_specs(s)
    guard = HostGuard(api.origin)
    async with open_state(s, specs, transport=guard) as state, Client(build_server(s, specs, state=state)) as c:
        result = await c.call_tool("repository_overview", {"repo": "octo-org/old"})
    return result, guard


def text_of(result: Any) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


TARGETS = {
    "another port": lambda other, api: f"{other.origin}/repos/octo-org/renamed",
    "another host name for the same server": lambda other, api: (
        api.origin.replace("127.0.0.1", "localhost") + "/repos/octo-org/renamed"
    ),
    "https on the same host and port": lambda other, api: api.origin.replace("http:", "https:") + "/x",
    "scheme-relative": lambda other, api: "//evil.example/repos/octo-org/renamed",
    "a foreign name": lambda other, api: "https://evil.example/repos/octo-org/renamed",
    "userinfo trick": lambda other, api: f"http://{api.origin[len('http://') :]}@evil.example/x",
    "fragment trick": lambda other, api: f"http://evil.example#@{api.origin[len('http://') :]}/x",
}


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("target", list(TARGETS))
async def test_a_redirect_off_the_api_base_is_refused_and_the_token_goes_nowhere(
    api: Loopback, elsewhere: Loopback, tmp_path: Path, status: int, target: str
) -> None:
    location = TARGETS[target](elsewhere, api)
    api.routes["/repos/octo-org/old"] = (status, {"Location": location}, {"message": "Moved"})
    result, guard = await overview(api, tmp_path)
    assert result.is_error
    assert "another host; it was not followed" in text_of(result)
    assert elsewhere.seen == [], "the foreign server was reached"
    assert guard.foreign == [], f"a request to {guard.foreign} was attempted"
    assert [s.path for s in api.seen] == ["/repos/octo-org/old"]
    assert TOKEN not in text_of(result)


async def test_a_redirect_to_another_loopback_address_is_refused(
    api: Loopback, elsewhere_address: Loopback, tmp_path: Path
) -> None:
    location = f"{elsewhere_address.origin}/repos/octo-org/renamed"
    api.routes["/repos/octo-org/old"] = (301, {"Location": location}, {})
    elsewhere_address.routes["/repos/octo-org/renamed"] = (200, {}, REPO_JSON)
    result, guard = await overview(api, tmp_path)
    assert result.is_error and "not followed" in text_of(result)
    assert elsewhere_address.seen == [] and guard.foreign == []


async def test_a_renamed_repository_redirect_on_the_api_origin_is_followed_with_the_token(
    api: Loopback, tmp_path: Path
) -> None:
    api.routes["/repos/octo-org/old"] = (301, {"Location": "{API}/repositories/42"}, {})
    api.routes["/repositories/42"] = (200, {}, REPO_JSON)
    result, guard = await overview(api, tmp_path)
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    assert result.structured_content["full_name"] == "octo-org/renamed"
    assert result.structured_content["renamed_from"] == "octo-org/old"
    assert [s.path for s in api.seen] == ["/repos/octo-org/old", "/repositories/42"]
    assert all(s.authorization == f"Bearer {TOKEN}" for s in api.seen)
    assert guard.foreign == []


async def test_a_same_origin_redirect_that_then_leaves_the_origin_is_refused_at_the_second_hop(
    api: Loopback, elsewhere: Loopback, tmp_path: Path
) -> None:
    api.routes["/repos/octo-org/old"] = (302, {"Location": "/hop"}, {})
    api.routes["/hop"] = (307, {"Location": f"{elsewhere.origin}/repos/octo-org/renamed"}, {})
    result, _ = await overview(api, tmp_path)
    assert result.is_error and "not followed" in text_of(result)
    assert [s.path for s in api.seen] == ["/repos/octo-org/old", "/hop"]
    assert elsewhere.seen == []


async def test_a_redirect_loop_on_the_api_origin_stops_after_a_bounded_number_of_hops(
    api: Loopback, tmp_path: Path
) -> None:
    api.routes["/repos/octo-org/old"] = (301, {"Location": "/loop"}, {})
    api.routes["/loop"] = (301, {"Location": "/repos/octo-org/old"}, {})
    result, _ = await overview(api, tmp_path)
    assert result.is_error and "redirect" in text_of(result).lower()
    assert len(api.seen) == MAX_REDIRECTS + 1


async def client_for(api: Loopback, tmp_path: Path) -> tuple[GitHubClient, HostGuard, Any]:
    s = settings(api, tmp_path)
    guard = HostGuard(api.origin)
    state_cm = open_state(s, load_all_specs(s), transport=guard)
    state = await state_cm.__aenter__()
    return state.github, guard, state_cm


@pytest.mark.parametrize("status", [307, 308])
async def test_a_graphql_post_redirected_off_the_origin_is_not_resent(
    api: Loopback, elsewhere: Loopback, tmp_path: Path, status: int
) -> None:
    api.routes["/graphql"] = (status, {"Location": f"{elsewhere.origin}/graphql"}, {})
    github, guard, state_cm = await client_for(api, tmp_path)
    try:
        with pytest.raises(UnavailableError, match="not followed"):
            await github.graphql("query { viewer { login } }", {}, call=Call(budget=Budget(10)), what="a test query")
    finally:
        await state_cm.__aexit__(None, None, None)
    assert elsewhere.seen == [] and guard.foreign == []
    assert [(s.method, s.path) for s in api.seen] == [("POST", "/graphql")]


async def test_a_next_page_link_to_another_host_is_not_followed(
    api: Loopback, elsewhere: Loopback, tmp_path: Path
) -> None:
    link = f'<{elsewhere.origin}/repos/octo-org/old/releases?page=2>; rel="next"'
    api.routes["/repos/octo-org/old/releases"] = (200, {"Link": link}, [])
    github, guard, state_cm = await client_for(api, tmp_path)
    try:
        with pytest.raises(UnavailableError, match="another host"):
            async for _ in github.paginate("/repos/octo-org/old/releases", call=Call(budget=Budget(10)), what="x"):
                pass
    finally:
        await state_cm.__aexit__(None, None, None)
    assert elsewhere.seen == [] and guard.foreign == []
