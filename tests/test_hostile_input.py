"""Hostile input, property-based: tool arguments and YAML specs that try to escape, crash or confuse.

Every tool call goes through a real MCP client session (in memory) to the real server, whose GitHub
client talks real HTTP to the local fake GitHub on 127.0.0.1. For each generated input the outcome must
be a legitimate result or a clear refusal (a ToolError carrying the server's own sentence), never a
crash. While each call runs, everything it does is watched:

* every HTTP request passes through a guard transport that refuses (and records) any URL outside the
  configured API base;
* Python's audit hooks record every socket connection and name lookup (only the fake's address may
  appear), every file and directory opened (only the allowed root, the server's own cache and config
  directories and the Python installation may appear) and every git process started (only on
  repositories under the allowed root, and only cloning from the fake).

The YAML tests write generated structures and broken text as user criteria files: loading and
validating them must end in ``SpecError`` (or a list of problem lines), never another exception.

Hypothesis runs derandomized (a fixed sequence of examples) without its example database, so the
suite is deterministic; ``max_examples`` stays modest to keep the file well under a minute.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.types import CallToolResult

import chaoss_mcp
from chaoss_mcp.config import Settings
from chaoss_mcp.errors import BadInputError, SpecError
from chaoss_mcp.metrics import params_models
from chaoss_mcp.server import build_server
from chaoss_mcp.sources.git.paths import resolve_local_repo
from chaoss_mcp.sources.github.names import parse_repo
from chaoss_mcp.specs import (
    METRIC_PLACEHOLDERS,
    MODEL_PLACEHOLDERS,
    builtin_specs_dir,
    load_specs,
    validate_dir,
)
from chaoss_mcp.state import load_all_specs, open_state
from tests.fake_github import TEST_TOKEN, FakeGitHub, make_sample_data
from tests.gitrepo import C, make_repo

HOSTILE = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


# == watching what a call does ==========================================================================
class HostGuard(httpx.AsyncBaseTransport):
    """An httpx transport that forwards only requests to ``base`` (scheme, host, port and path prefix).

    Anything else is recorded in ``foreign`` and fails as a connection error, so the test sees it even
    when the code under test would swallow the error.
    """

    def __init__(self, base: str) -> None:
        self.base = httpx.URL(base.rstrip("/") + "/")
        self.inner = httpx.AsyncHTTPTransport()
        self.sent: list[httpx.Request] = []
        self.foreign: list[str] = []

    def allows(self, url: httpx.URL) -> bool:
        return (url.scheme, url.host, url.port) == (self.base.scheme, self.base.host, self.base.port) and (
            url.raw_path.decode("ascii", "replace").startswith(self.base.raw_path.decode("ascii"))
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.allows(request.url):
            self.foreign.append(str(request.url))
            raise httpx.ConnectError(f"test guard: {request.url} is outside the API base", request=request)
        self.sent.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


_WATCHED = frozenset({"open", "os.listdir", "os.scandir", "subprocess.Popen", "socket.connect", "socket.getaddrinfo"})
_events: list[tuple[str, tuple[Any, ...]]] | None = None
_hook_lock = threading.Lock()
_hook_installed = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    events = _events
    if events is not None and event in _WATCHED:
        events.append((event, args))


@contextlib.contextmanager
def audited() -> Iterator[list[tuple[str, tuple[Any, ...]]]]:
    """Record the watched audit events of every thread while the block runs (one hook per process)."""
    global _events, _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)  # hooks cannot be removed; it records nothing outside this block
            _hook_installed = True
    recorded: list[tuple[str, tuple[Any, ...]]] = []
    _events = recorded
    try:
        yield recorded
    finally:
        _events = None


def _real(path: str | bytes | os.PathLike[str]) -> str:
    text = os.fsdecode(path)
    return os.path.realpath(text)


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


# == the harness: fake GitHub, guarded server, one client session in a background event loop ===========
@dataclass
class Harness:
    portal: BlockingPortal
    client: Client
    fake: FakeGitHub
    guard: HostGuard
    tmp: Path
    allowed: Path
    outside: Path
    readable: tuple[str, ...]  # realpaths the server may open
    git_dirs: tuple[str, ...]  # realpaths git may be pointed at
    import_dirs: frozenset[str]  # sys.path entries, which imports list (never read below)
    crashes: list[logging.LogRecord] = field(default_factory=list)

    def substitute(self, text: str) -> str:
        return (
            text.replace("{FAKE}", f"127.0.0.1:{self.fake.port}")
            .replace("{ALLOWED}", str(self.allowed))
            .replace("{OUTSIDE}", str(self.outside))
        )

    def call(self, tool: str, arguments: dict[str, Any]) -> tuple[CallToolResult, list[tuple[str, tuple[Any, ...]]]]:
        before_foreign = len(self.guard.foreign)
        with audited() as events:
            result = self.portal.call(self.client.call_tool, tool, arguments)
        assert self.guard.foreign[before_foreign:] == [], f"{tool} {arguments!r} reached another host"
        self.check_events(tool, arguments, events)
        return result, events

    def check_events(self, tool: str, arguments: dict[str, Any], events: list[tuple[str, tuple[Any, ...]]]) -> None:
        where = f"{tool} {arguments!r}"
        for event, args in events:
            if event == "socket.connect":
                address = args[1]
                assert isinstance(address, tuple) and address[:2] == ("127.0.0.1", self.fake.port), (where, address)
            elif event == "socket.getaddrinfo":
                assert args[0] in ("127.0.0.1", b"127.0.0.1"), (where, args[0])
            elif event in ("open", "os.listdir", "os.scandir"):
                target = args[0]
                if isinstance(target, int) or target is None:
                    continue
                real = _real(target)
                if event != "open" and real in self.import_dirs:
                    continue  # the import system lists sys.path entries when a module is first imported
                assert _under(real, self.readable), (where, event, target)
            elif event == "subprocess.Popen":
                argv = [os.fsdecode(a) for a in args[1]]
                if "-C" in argv:
                    repo = _real(argv[argv.index("-C") + 1])
                    assert _under(repo, self.git_dirs), (where, argv)
                for a in argv:
                    if "://" in a:
                        assert a.startswith(f"http://127.0.0.1:{self.fake.port}/"), (where, argv)


def _is_crash(result: CallToolResult, tool: str) -> bool:
    text = " ".join(getattr(block, "text", "") for block in result.content)
    # The SDK reports an unexpected exception as the bare prefix; an anticipated failure keeps a sentence.
    return result.is_error and (text.strip() == f"Error executing tool {tool}" or "Traceback" in text)


def error_text(result: CallToolResult) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


class _CrashLog(logging.Handler):
    def __init__(self, sink: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    tmp = tmp_path_factory.mktemp("hostile").resolve()
    allowed, outside = tmp / "allowed", tmp / "outside"
    history = [
        C(author="Ada Lovelace <ada@example.com>", when="2026-01-05T10:00:00Z"),
        C(author="Bob Builder <bob@corp.example>", when="2026-02-05T10:00:00Z"),
        C(author="Ada Lovelace <ada@example.com>", when="2026-03-05T10:00:00Z", files=(("SECURITY.md", "Mail us"),)),
    ]
    make_repo(allowed / "project", history, tags=[("v1.0.0", 1, True)])
    (allowed / "project" / "sub").mkdir()
    (allowed / "notgit").mkdir()
    make_repo(outside / "secret-repo", [C(author="Eve <eve@example.com>", when="2026-01-01T00:00:00Z")])
    (outside / "secret.txt").write_text("not for tool callers\n")
    (allowed / "link-out").symlink_to(outside / "secret-repo")
    (allowed / "link-file").symlink_to(outside / "secret.txt")

    data = make_sample_data()
    cache, config = tmp / "cache", tmp / "config"
    readable = tuple(
        {
            _real(p)
            for p in (
                allowed,
                cache,
                config,
                sys.prefix,
                sys.base_prefix,
                sys.exec_prefix,
                Path(chaoss_mcp.__file__).parent,
                builtin_specs_dir(),
                os.devnull,
            )
        }
    )
    crashes: list[logging.LogRecord] = []
    handler = _CrashLog(crashes)
    logging.getLogger().addHandler(handler)
    try:
        with FakeGitHub(data, anonymous_limits={"core": 100_000}) as fake:
            s = Settings(
                api_url=fake.url,
                token=TEST_TOKEN,
                cache_dir=cache,
                config_dir=config,
                allow_paths=(allowed,),
                time_budget=15,
            )
            specs = load_all_specs(s)
            guard = HostGuard(fake.url)
            with start_blocking_portal("asyncio") as portal:
                state_cm = portal.wrap_async_context_manager(open_state(s, specs, transport=guard))
                with state_cm as state:
                    client_cm = portal.wrap_async_context_manager(Client(build_server(s, specs, state=state)))
                    with client_cm as client:
                        yield Harness(
                            portal=portal,
                            client=client,
                            fake=fake,
                            guard=guard,
                            tmp=tmp,
                            allowed=allowed,
                            outside=outside,
                            readable=readable,
                            git_dirs=(_real(allowed), _real(cache)),
                            import_dirs=frozenset(_real(p or ".") for p in sys.path),
                            crashes=crashes,
                        )
    finally:
        logging.getLogger().removeHandler(handler)


def assert_sane(h: Harness, tool: str, arguments: dict[str, Any], result: CallToolResult) -> None:
    """A legitimate result, or a refusal with the server's own sentence; never a crash."""
    assert not _is_crash(result, tool), f"{tool} crashed on {arguments!r}: {error_text(result)}"
    assert not h.crashes, f"{tool} logged an unexpected exception on {arguments!r}: {h.crashes[-1].getMessage()}"
    if result.is_error:
        message = error_text(result)
        prefix = f"Error executing tool {tool}: "
        assert message.startswith(prefix) and len(message) > len(prefix) + 15, message
    else:
        assert result.structured_content is not None
    for request in h.guard.sent:
        path = request.url.raw_path.decode("ascii", "replace").split("?")[0]
        assert ".." not in path.split("/") and "%" not in path and "\\" not in path, path


# == repository strings =================================================================================
SCHEMES = ["https://", "http://", "ssh://", "git://", "file://", "ftp://", "javascript:", "//", "HTTPS://", "https:/"]
USERINFO = ["", "", "", "user@", "user:pass@", "github.com@", "{FAKE}@", "ghp_x@", ":@", "git@"]
HOSTS = [
    "github.com",
    "www.github.com",
    "evil.example",
    "github.com.evil.example",
    "evil.example#@github.com",
    "evil.example\\@github.com",
    "127.0.0.1",
    "localhost",
    "[::1]",
    "169.254.169.254",
    "{FAKE}",
    "{FAKE}",
    "127.0.0.1:1",
    "g\u0456thub.com",  # Cyrillic i
    "GITHUB.COM",
    "github.com:443",
    "github.com:99999",
    "github.com:-1",
    "github.com:abc",
    "[::1",
    "github.com\uff03evil.example",
    "xn--github-xyz.com",
]
OWNERS = ["octo-org", "alice", "a", "-x", "x-", "a" * 39, "a" * 40, "..", ".", "~", "%2e%2e", "o\u0301", "ｏｃｔｏ", ""]
NAMES = ["widgets", "tool", "tool.git", "..", ".", "...", "%2e%2e", "a" * 100, "a" * 101, "w\\x", "w:x", "w@x", "🙂"]
SEPARATORS = ["/", "/", "/", "//", "\\", "/./", "/../", "%2f", "%2F", "/%2e%2e/"]
SUFFIXES = ["", "", "/", ".git", "?x=1", "#frag", "/issues", "/../../x", "%00", "\n", " ", "/.git"]

url_like = st.builds(
    lambda scheme, user, host, owner, sep, name, suffix: f"{scheme}{user}{host}/{owner}{sep}{name}{suffix}",
    st.sampled_from(SCHEMES),
    st.sampled_from(USERINFO),
    st.sampled_from(HOSTS),
    st.sampled_from(OWNERS),
    st.sampled_from(SEPARATORS),
    st.sampled_from(NAMES),
    st.sampled_from(SUFFIXES),
)
name_like = st.builds(
    lambda owner, sep, name, suffix: f"{owner}{sep}{name}{suffix}",
    st.sampled_from(OWNERS),
    st.sampled_from(SEPARATORS),
    st.sampled_from(NAMES),
    st.sampled_from(SUFFIXES),
)
PATH_PREFIXES = [
    "/",
    "./",
    "../",
    "~/",
    "~root/",
    "~nosuchuser-chaoss/",
    "file://",
    "file://localhost",
    "file://evil.example",
    "file://[::1",
    "FILE://",
    "C:\\",
    "\\\\server\\share\\",
    "{ALLOWED}/",
    "{ALLOWED}/../",
    "{ALLOWED}/./",
    "file://{ALLOWED}/",
    "{ALLOWED}/link-out/",
    "{OUTSIDE}/",
]
PATH_SEGMENTS = [
    "..",
    ".",
    "%2e%2e",
    "..%2f",
    "project",
    "project",
    "sub",
    "link-out",
    "link-file",
    "secret-repo",
    "secret.txt",
    "outside",
    "allowed",
    "etc",
    "passwd",
    ".git",
    "notgit",
    "a" * 300,
    "\u202e",
    "nul\x00",
    "%00",
    "~",
    "\\..\\",
    "🙂",
    "\udc80",
]
path_like = st.builds(
    lambda prefix, segments: prefix + "/".join(segments),
    st.sampled_from(PATH_PREFIXES),
    st.lists(st.sampled_from(PATH_SEGMENTS), max_size=6),
)
huge = st.one_of(
    st.integers(280, 20_000).map(lambda n: "a/" + "b" * n),
    st.integers(4_000, 20_000).map(lambda n: "./" + "x/" * (n // 2)),
    st.integers(290, 5_000).map(lambda n: "https://github.com/" + "o" * n + "/n"),
)
EXPLICIT = [
    "octo-org/widgets",
    "https://{FAKE}/alice/tool",
    "http://{FAKE}/alice/tool.git",
    "git@127.0.0.1:alice/tool.git",
    "../etc/passwd",
    "/etc/passwd",
    "/etc",
    "~",
    "~root",
    "file:///etc/passwd",
    "file://localhost/etc",
    "file:///{ALLOWED}/project/../../outside/secret-repo",
    "{ALLOWED}/link-out",
    "{ALLOWED}/project/../../outside/secret-repo",
    "{ALLOWED}/project",
    "{ALLOWED}/project/sub",
    "{ALLOWED}/link-file",
    "{ALLOWED}/notgit",
    "https://evil.example/octo-org/widgets",
    "https://github.com@evil.example/octo-org/widgets",
    "https://evil.example@{FAKE}/octo-org/widgets",
    "http://{FAKE}@evil.example/octo-org/widgets",
    "https://{FAKE}//octo-org//widgets",
    "https://{FAKE}/octo-org/%2e%2e",
    "https://{FAKE}/octo-org/widgets/../../../etc/passwd",
    "https://{FAKE}:99999/octo-org/widgets",
    "https://[::1/octo-org/widgets",
    "octo-org\\widgets",
    "octo-org/widgets\\..\\..",
    "octo-org/widgets?per_page=1",
    "octo-org/widgets#x",
    "octo-org/widgets/../../rate_limit",
    "\u202eocto-org/widgets",
    "octo-org/widgets\x00",
    "octo-org/\ud800",
    "",
    " ",
    "\n",
]
texts = st.text(max_size=300)
repo_strings = st.one_of(
    url_like, name_like, path_like, texts, huge, st.sampled_from(EXPLICIT), st.sampled_from(EXPLICIT)
)

REPO_TOOLS = [
    "repository_overview",
    "contribution_activity",
    "time_to_first_response",
    "project_health",
    "security_practices",
    "release_frequency",
    "compare_projects",
]


def _arguments(tool: str, repo: str, source: str | None) -> dict[str, Any]:
    if tool == "compare_projects":
        return {"repos": [repo, "octo-org/widgets"] if repo != "octo-org/widgets" else [repo]}
    arguments: dict[str, Any] = {"repo": repo}
    if tool != "repository_overview" and source is not None:
        arguments["source"] = source
    if tool not in ("repository_overview", "compare_projects", "project_health", "security_practices"):
        arguments["as_of"] = "2026-03-31"
    return arguments


@HOSTILE
@given(
    tool=st.sampled_from(REPO_TOOLS),
    repo=repo_strings,
    source=st.sampled_from([None, None, None, None, None, None, "github", "github", "git", "svn"]),
)
@example(tool="repository_overview", repo="https://evil.example/octo-org/widgets", source=None)
@example(tool="contribution_activity", repo="{ALLOWED}/link-out", source=None)
@example(tool="contribution_activity", repo="{ALLOWED}/project/../../outside/secret-repo", source=None)
@example(tool="security_practices", repo="file://{ALLOWED}/project", source=None)
@example(tool="repository_overview", repo="https://{FAKE}:99999/octo-org/widgets", source=None)
@example(tool="contribution_activity", repo="~nosuchuser-chaoss/x", source=None)
@example(tool="contribution_activity", repo="{ALLOWED}/" + "a" * 300, source=None)
@example(tool="contribution_activity", repo="file://{ALLOWED}/x%00y", source=None)
@example(tool="contribution_activity", repo="{ALLOWED}/\ud800", source=None)
@example(tool="contribution_activity", repo="https://{FAKE}/alice/tool", source="git")
def test_hostile_repository_arguments_get_a_result_or_a_clear_refusal_and_never_leave_their_bounds(
    harness: Harness, tool: str, repo: str, source: str | None
) -> None:
    repo = harness.substitute(repo)
    arguments = _arguments(tool, repo, source)
    result, _ = harness.call(tool, arguments)
    assert_sane(harness, tool, arguments, result)
    if not result.is_error and tool != "compare_projects":
        assert result.structured_content is not None
        # A result is only ever about a fake repository or a repository under the allowed root.
        text = str(result.structured_content)
        assert str(harness.outside) not in text


@pytest.mark.parametrize(
    "text",
    [
        "https://github.com:99999/a/b",
        "https://github.com:abc/a/b",
        "ssh://git@github.com:-1/a/b",
        "https://[::1/a/b",
        "https://github.com\uff03@evil.example/a/b",
        "https://github.com\u2100evil/a/b",
    ],
)
def test_a_url_whose_host_or_port_cannot_be_read_is_a_bad_input_error(text: str) -> None:
    with pytest.raises(BadInputError, match="is not a valid URL"):
        parse_repo(text)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("~nosuchuser-chaoss/x", "names no known home directory"),
        ("file://[::1/x", "is not a valid file:// URL"),
        ("file://{ALLOWED}/x%00y", "is not a usable file name"),
        ("{ALLOWED}/\ud800", "is not a usable file name"),
        ("{ALLOWED}/" + "a" * 300, "cannot be read (File name too long)"),
    ],
)
def test_a_local_path_that_cannot_name_a_file_is_a_bad_input_error(tmp_path: Path, text: str, says: str) -> None:
    text = text.replace("{ALLOWED}", str(tmp_path))
    with pytest.raises(BadInputError) as refused:
        resolve_local_repo(text, [tmp_path])
    assert says in str(refused.value)


def test_the_watchers_see_a_legitimate_local_and_remote_call_and_refuse_an_escape(harness: Harness) -> None:
    """The guard and audit hooks are live: a local read opens git under the root; GitHub goes to the fake."""
    local, events = harness.call("contribution_activity", {"repo": f"{harness.allowed}/project", "as_of": "2026-03-31"})
    assert not local.is_error, error_text(local)
    assert local.structured_content is not None and local.structured_content["value"]["commits"] == 3
    assert any(e == "subprocess.Popen" for e, _ in events)
    remote, _ = harness.call(
        "repository_overview",
        {"repo": "https://{FAKE}/octo-org/widgets".replace("{FAKE}", f"127.0.0.1:{harness.fake.port}")},
    )
    assert not remote.is_error and remote.structured_content is not None
    assert remote.structured_content["owner_login"] == "octo-org"
    assert any(str(r.url).startswith(harness.fake.url) for r in harness.guard.sent)
    escaped, _ = harness.call("contribution_activity", {"repo": f"{harness.allowed}/link-out"})
    assert escaped.is_error and "outside the allowed roots" in error_text(escaped)
    assert str(harness.outside / "secret-repo") in error_text(escaped)  # named, never read


# == windows and dates ==================================================================================
METRIC_TOOLS = [
    "contribution_activity",
    "contributor_absence_factor",
    "release_frequency",
    "organizational_diversity",
    "time_to_first_response",
    "change_request_closure_ratio",
    "discussion_tone",
]
WEIRD_DATES = [
    "2026-13-01",
    "2026-02-30",
    "2026-02-29",
    "2024-02-29",
    "+002026-01-01",
    "2026-06-30T25:00",
    "2026-06-30T23:59:60",
    " 2026-03-31 ",
    "2026-03-31Z",
    "2026-03-31T00:00:00+99:00",
    "2026-03-31T00:00:00-23:59",
    "2026-03-31T12:00:00.123456789Z",
    "20260331",
    "2026-W13-2",
    "2026-090",
    "0000-00-00",
    "0001-01-01",
    "1999-12-31",
    "2000-01-01",
    "9999-12-31",
    "now",
    "today",
    "2026/03/31",
    "31.03.2026",
    "2026-03-31\x00",
    "２０２６-０３-３１",
    "",
]
as_of_values = st.one_of(
    st.none(),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2026, 3, 31)).map(date.isoformat),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.dates(min_value=date(1999, 6, 1), max_value=date(2099, 12, 31)).map(date.isoformat),
    st.datetimes(timezones=st.sampled_from([UTC, None])).map(datetime.isoformat),
    st.sampled_from(WEIRD_DATES),
    st.text(max_size=60),
)
window_values = st.one_of(
    st.none(),
    st.integers(min_value=1, max_value=10_950),
    st.integers(min_value=1, max_value=400),
    st.sampled_from([0, 1, 2, 7, 90, 365, 10_950, 10_951, -1, 2**31, 2**63, -(2**63)]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from(["90", 90.5, True, [90], {"days": 90}, 1e308, "NaN"]),
)


@settings(HOSTILE, max_examples=150)
@given(
    tool=st.sampled_from(METRIC_TOOLS),
    repo=st.sampled_from(["octo-org/widgets", "alice/tool", "{ALLOWED}/project"]),
    as_of=as_of_values,
    window_days=window_values,
)
@example(tool="contribution_activity", repo="octo-org/widgets", as_of="2000-01-01", window_days=10_950)
@example(tool="release_frequency", repo="{ALLOWED}/project", as_of="9999-12-31", window_days=1)
@example(tool="time_to_first_response", repo="alice/tool", as_of="0001-01-01", window_days=10_951)
def test_windows_and_dates_out_of_range_are_refused_and_those_in_range_are_honoured(
    harness: Harness, tool: str, repo: str, as_of: Any, window_days: Any
) -> None:
    arguments: dict[str, Any] = {"repo": harness.substitute(repo)}
    if as_of is not None:
        arguments["as_of"] = as_of
    if window_days is not None:
        arguments["window_days"] = window_days
    result, _ = harness.call(tool, arguments)
    assert_sane(harness, tool, arguments, result)
    today = datetime.now(UTC).date()
    out_of_range = isinstance(window_days, int) and not isinstance(window_days, bool) and not 1 <= window_days <= 10_950
    if out_of_range or isinstance(window_days, (list, dict, float)):
        assert result.is_error, f"window_days={window_days!r} was accepted"
    if isinstance(as_of, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", as_of):
        try:
            day: date | None = date.fromisoformat(as_of)
        except ValueError:
            day = None
        if day is None or day > today or day < date(2000, 1, 1):
            assert result.is_error, f"as_of={as_of!r} was accepted"
            window_ok = window_days is None or (type(window_days) is int and 1 <= window_days <= 10_950)
            if day is not None and day > today and window_ok:
                assert "future" in error_text(result)
    if not result.is_error:
        out = result.structured_content
        assert out is not None
        answered = date.fromisoformat(out["as_of"])
        assert date(2000, 1, 1) <= answered <= today
        if isinstance(window_days, int) and not isinstance(window_days, bool):
            assert out["window"]["days"] == window_days
        if as_of is None:
            assert answered == today


@settings(HOSTILE, max_examples=40)
@given(
    model=st.one_of(st.text(max_size=120), st.sampled_from(["starter_project_health", "../models/x", "", "\x00"])),
    detail=st.sampled_from(["summary", "full", "FULL", "", "none"]),
    repos=st.lists(st.sampled_from(["octo-org/widgets", "alice/tool", "x/y", "../x", ""]), max_size=12),
)
def test_model_names_details_and_repository_lists_are_checked(
    harness: Harness, model: str, detail: str, repos: list[str]
) -> None:
    health_args = {"repo": "alice/tool", "model": model, "detail": detail}
    result, _ = harness.call("project_health", health_args)
    assert_sane(harness, "project_health", health_args, result)
    if model != "starter_project_health" or detail not in ("summary", "full"):
        assert result.is_error
    compare_args = {"repos": repos, "model": model}
    result, _ = harness.call("compare_projects", compare_args)
    assert_sane(harness, "compare_projects", compare_args, result)
    if not repos or len(repos) > 10 or len(set(repos)) != len(repos):
        assert result.is_error


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)


@settings(HOSTILE, max_examples=60)
@given(
    result=st.one_of(json_values, st.text(max_size=200), st.dictionaries(st.text(max_size=12), json_values)),
    # Any text, single-line ones included: a key text is never taken for a file name.
    public_key=st.one_of(
        st.none(),
        st.text(max_size=200),
        st.tuples(st.text(max_size=100), st.text(min_size=1, max_size=100)).map(lambda t: f"x{t[0]}\n{t[1]}x"),
        st.text(max_size=200).map(lambda t: f"-----BEGIN PUBLIC KEY-----\n{t}\n-----END PUBLIC KEY-----\n"),
        st.binary(min_size=32, max_size=32).map(lambda b: base64.b64encode(b).decode()),
        st.sampled_from(
            ["-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "-----BEGIN PRIVATE KEY-----"]
        ),
    ),
)
def test_verify_result_answers_every_value_with_a_verdict_or_a_clear_refusal(
    harness: Harness, result: Any, public_key: str | None
) -> None:
    arguments: dict[str, Any] = {"result": result}
    if public_key is not None:
        arguments["public_key"] = public_key
    answer, _ = harness.call("verify_result", arguments)
    assert_sane(harness, "verify_result", arguments, answer)
    if not answer.is_error:
        assert answer.structured_content is not None and answer.structured_content["valid"] is False


def test_the_public_key_of_verify_result_is_never_read_as_a_file_path(harness: Harness) -> None:
    pem = harness.outside / "key.pem"
    pem.write_text("-----BEGIN PRIVATE KEY-----\nnot really\n-----END PRIVATE KEY-----\n")
    answers = []
    keys = (str(pem), str(harness.outside / "secret.txt"), str(harness.outside / "missing"), "/etc/hostname")
    for key in keys:
        arguments = {"result": {"a": 1}, "public_key": key}
        with audited() as events:
            answer = harness.portal.call(harness.client.call_tool, "verify_result", arguments)
        opened = [args[0] for event, args in events if event == "open" and not isinstance(args[0], int)]
        answers.append(error_text(answer))
        assert answer.is_error and "PEM" in error_text(answer)
        assert not [p for p in opened if not _under(_real(p), harness.readable)], opened
    # Today the answers differ by what each file holds: an oracle on files outside every root.
    assert len({a.replace(k, "") for a, k in zip(answers, keys, strict=True)}) == 1


def test_a_pem_public_key_with_a_non_ascii_character_is_refused_not_a_crash(harness: Harness) -> None:
    arguments = {
        "result": {"a": 1},
        "public_key": "-----BEGIN PUBLIC KEY-----\nMCowBQ\u00e9\n-----END PUBLIC KEY-----\n",
    }
    answer, _ = harness.call("verify_result", arguments)
    harness.crashes.clear()  # the crash is logged; keep it from failing the tests that follow
    assert not _is_crash(answer, "verify_result"), error_text(answer)
    assert answer.is_error and "PEM" in error_text(answer)


# == YAML specs =========================================================================================
def _write(root: Path, relative: str, content: str | bytes) -> None:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")


def assert_only_spec_errors(root: Path) -> None:
    """validate_dir lists problems (never raises); load_specs raises SpecError or loads usable specs."""
    lines = validate_dir(root, params_models())
    assert isinstance(lines, list) and all(isinstance(line, str) and line for line in lines)
    try:
        loaded = load_specs([root], params_models())
    except SpecError as exc:
        message = str(exc)
        assert message and str(root) in message, message
        assert lines, "load_specs refused what validate_dir accepted"
        return
    assert not lines, lines
    # What loads must be usable: every reason sentence renders with the placeholders scoring fills in.
    for metric in loaded.metrics.values():
        for band in metric.spec.scoring.bands:
            band.interpretation.format(**dict.fromkeys(METRIC_PLACEHOLDERS, "1"))
    for model in loaded.models.values():
        for band in model.spec.scoring.bands:
            band.interpretation.format(**dict.fromkeys(MODEL_PLACEHOLDERS, "1"))


SPEC_FILES = [
    "metrics/time_to_first_response.yaml",
    "metrics/made_up_metric.yaml",
    "models/starter_project_health.yaml",
    "models/my_model.yaml",
    "identities/bots.yaml",
    "identities/ai_agents.yaml",
    "identities/affiliations.yaml",
    "identities/unknown.yaml",
]
yaml_keys = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["id", "name", "version", "scoring", "bands", "members", "parameters", "window_days"]),
)
yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.dates()
    | st.sampled_from(["{value}", "{value:>99999999}", "{value!r}", "{", "}", "{0}", "{value.__class__}"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(yaml_keys, children, max_size=5),
    max_leaves=30,
)


@settings(HOSTILE, max_examples=80)
@given(relative=st.sampled_from(SPEC_FILES), data=yaml_values)
def test_generated_yaml_structures_end_in_spec_errors_or_usable_specs(relative: str, data: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, relative, yaml.safe_dump(data, allow_unicode=True))
        assert_only_spec_errors(root)


def _builtin(relative: str) -> dict[str, Any]:
    loaded = yaml.safe_load((builtin_specs_dir() / relative).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


BUILTIN_FILES = [
    "metrics/time_to_first_response.yaml",
    "metrics/security_practices.yaml",
    "models/starter_project_health.yaml",
    "identities/affiliations.yaml",
]


@st.composite
def mutated_builtin(draw: st.DrawFn) -> tuple[str, Any]:
    """A built-in spec with one value somewhere inside replaced, removed or given a foreign key."""
    relative = draw(st.sampled_from(BUILTIN_FILES))
    data: Any = _builtin(relative)
    node = data
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, (dict, list)) and child and draw(st.booleans()):
            node = child
            continue
        action = draw(st.sampled_from(["replace", "replace", "delete", "extra"]))
        if action == "replace":
            node[key] = draw(yaml_values)
        elif action == "delete":
            del node[key]
        elif isinstance(node, dict):
            node[draw(st.text(max_size=10))] = draw(yaml_values)
        else:
            node.append(draw(yaml_values))
        break
    return relative, data


@settings(HOSTILE, max_examples=80)
@given(mutated_builtin())
def test_builtin_specs_with_one_value_changed_end_in_spec_errors_or_usable_specs(mutated: tuple[str, Any]) -> None:
    relative, data = mutated
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, relative, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
        assert_only_spec_errors(root)


def _alias_bomb(levels: int) -> str:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


BROKEN_YAML: list[str | bytes] = [
    "id: [unclosed\n",
    "id: {a: 1\n",
    "\tid: tab-indented\n",
    "id: a\nid: b\n",  # duplicate key
    "1: a\nb: c\n",  # an integer key beside text keys
    "2026-01-01: a\nid: b\n",  # a date key
    "? [a, b]\n: c\n",  # a list as a key
    "? {a: 1}\n: c\n",  # a mapping as a key
    "null: 1\n",
    "a: &a [*a]\n",  # an alias inside its own anchor
    _alias_bomb(9),  # 9**9 values once expanded
    "a: " + "[" * 200 + "]" * 200 + "\n",
    "a: " + "[" * 2000 + "]" * 2000 + "\n",
    "a: " + "9" * 5000 + "\n",  # more digits than Python converts
    "a: 2026-02-30\n",  # a date that does not exist
    "a: !!python/object/apply:os.system ['true']\n",
    "a: !!binary aGVsbG8=\n",
    "a: !!set {x, y}\n",
    "a: !!float nan\n",
    "a: !!timestamp 'not a date'\n",
    "--- a\n--- b\n",
    "%YAML 9.9\n---\na: 1\n",
    "\ufeffid: bom\n",
    "id: \x00\n",
    b"\xff\xfeid: utf16\n",
    b"id: \xc3\x28\n",
    "",
    "---\n",
    "[]\n",
    "just text\n",
    "id: x\nscoring: {bands: [{label: a, score: 1, up_to: 1, interpretation: '{value:>999999999}'}]}\n",
]


@settings(HOSTILE, max_examples=100)
@given(
    relative=st.sampled_from(SPEC_FILES),
    text=st.one_of(
        st.sampled_from(BROKEN_YAML),
        st.text(max_size=400),
        st.lists(st.sampled_from([*":-[]{}&*!|>'\"%@`#,? \n\tab1", "  ", "- ", ": ", "&a ", "*a"]), max_size=80).map(
            "".join
        ),
        st.binary(max_size=200),
    ),
)
def test_broken_yaml_text_ends_in_spec_errors_naming_the_file(relative: str, text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _write(root, relative, text)
        assert_only_spec_errors(root)


@pytest.mark.parametrize("text", BROKEN_YAML[4:16], ids=lambda t: str(t)[:24].strip())
def test_each_known_trap_in_yaml_is_a_spec_error_that_names_the_file(tmp_path: Path, text: str) -> None:
    _write(tmp_path, "metrics/time_to_first_response.yaml", text)
    with pytest.raises(SpecError) as refused:
        load_specs([tmp_path], params_models())
    assert "time_to_first_response.yaml" in str(refused.value)


def test_an_interpretation_with_a_format_spec_is_refused_when_loaded_not_when_scored(tmp_path: Path) -> None:
    data = _builtin("metrics/time_to_first_response.yaml")
    data["scoring"]["bands"][0]["interpretation"] = "Median {value:>999999999} by {as_of}, under {threshold}."
    _write(tmp_path, "metrics/time_to_first_response.yaml", yaml.safe_dump(data))
    with pytest.raises(SpecError, match=r"scoring\.bands\[0\]\.interpretation: placeholders take no format spec"):
        load_specs([tmp_path], params_models())


def test_the_spec_structure_limits_leave_every_builtin_spec_and_its_hash_alone() -> None:
    loaded = load_specs((), params_models())
    assert loaded.metrics and loaded.models
    assert validate_dir(builtin_specs_dir(), params_models()) == []
    # The hash quoted in README.md's worked example: the checks refuse, they never change a hash.
    assert loaded.models["starter_project_health"].sha256.startswith("696374e17bfb")
