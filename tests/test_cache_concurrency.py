"""The HTTP cache under concurrency and damage: two server processes on one file, 20 calls at once in one
process, several processes writing the same keys, a damaged file, a damaged entry, a locked file.

Correct means: every answer identical to the same call made alone on a cold cache; no "database is
locked" (or any other cache error) anywhere; every stored entry readable and equal to what GitHub (the
fake) serves for its URL; SQLite's integrity check passing afterwards.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from chaoss_mcp.config import Settings
from chaoss_mcp.server import build_server
from chaoss_mcp.sources.github import sansio
from chaoss_mcp.sources.github.cache import HttpCache
from chaoss_mcp.state import load_all_specs
from tests.fake_github import FakeData, FakeGitHub, Fault
from tests.test_faults import community_data, facts

pytestmark = pytest.mark.anyio

COMMUNITY = "octo-org/community"
AS_OF = "2026-03-21"
CACHE_FILE = "http-cache.sqlite3"
CACHE_TROUBLE = ("locked", "Traceback", "unreadable", "skipped", "malformed")

# The calls every scenario makes: repository facts, a metric, and the four-member model, on three repositories.
CALLS: list[tuple[str, dict[str, Any]]] = [
    ("project_health", {"repo": COMMUNITY, "as_of": AS_OF}),
    ("contribution_activity", {"repo": COMMUNITY, "as_of": AS_OF}),
    ("time_to_first_response", {"repo": COMMUNITY, "as_of": AS_OF}),
    ("release_frequency", {"repo": COMMUNITY, "as_of": AS_OF}),
    ("repository_overview", {"repo": COMMUNITY}),
    ("repository_overview", {"repo": "octo-org/widgets"}),
    ("repository_overview", {"repo": "alice/tool"}),
    ("contribution_activity", {"repo": "octo-org/widgets", "as_of": AS_OF}),
]


REQUESTS = "requests made by the calls alone, one after the other"


def key(tool: str, arguments: dict[str, Any]) -> str:
    return tool + json.dumps(arguments, sort_keys=True)


@pytest.fixture(scope="module")
def data() -> FakeData:
    return community_data()


@pytest.fixture(scope="module")
def fake(data: FakeData) -> Iterator[FakeGitHub]:
    # A little latency, so that concurrent calls really overlap on the wire.
    with FakeGitHub(data, latency=0.003, anonymous_limits={"core": 100_000}) as gh:
        yield gh


def settings(gh: FakeGitHub, cache: Path, **extra: Any) -> Settings:
    return Settings(api_url=gh.url, cache_dir=cache, **extra)


def in_memory(s: Settings) -> Client:
    return Client(build_server(s, load_all_specs(s)))


async def answer(c: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await c.call_tool(tool, arguments)
    assert not result.is_error, (tool, arguments, result.content)
    assert result.structured_content is not None
    return result.structured_content


@pytest.fixture(scope="module")
def expected(fake: FakeGitHub, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each call made alone, one after the other, on a cold cache."""

    async def collect() -> dict[str, Any]:
        out: dict[str, Any] = {}
        before = len(fake.requests)
        async with in_memory(settings(fake, tmp_path_factory.mktemp("alone"))) as c:
            for tool, arguments in CALLS:
                out[key(tool, arguments)] = facts(tool, await answer(c, tool, arguments))
        out[REQUESTS] = len(fake.requests) - before
        return out

    return anyio.run(collect)


def assert_cache_sound(cache_dir: Path, gh: FakeGitHub, *, set_aside: int = 0) -> int:
    """SQLite's own check passes, nothing (else) was set aside, and every entry is what GitHub serves for its
    URL. Returns the number of entries."""
    path = cache_dir / CACHE_FILE
    aside = [p.name for p in cache_dir.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert len(aside) == set_aside, aside
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT url, next_link, body FROM responses").fetchall()
    finally:
        conn.close()
    headers = sansio.request_headers(None)
    with httpx.Client(headers=headers) as http:
        for url, next_link, body in rows:
            stored = json.loads(body)
            live = http.get(url)
            assert live.status_code == 200, url
            assert stored == live.json(), f"the entry for {url} is not what GitHub serves"
            assert next_link == sansio.next_link(live.headers.get("link")), url
    return len(rows)


# -- two server processes, one cache file ------------------------------------------------------------------
def server_process(gh: FakeGitHub, cache: Path, ttl: float) -> StdioServerParameters:
    env = {
        "GITHUB_API_URL": gh.url,
        "CHAOSS_MCP_CACHE_DIR": str(cache),
        "CHAOSS_MCP_CACHE_TTL": str(ttl),
        "HOME": str(cache.parent),
    }
    return StdioServerParameters(command=sys.executable, args=["-m", "chaoss_mcp"], env=env)


async def test_two_server_processes_sharing_one_cache_file_answer_correctly_without_locking_errors(
    fake: FakeGitHub, expected: dict[str, Any], tmp_path: Path
) -> None:
    """Both processes run every call twice, concurrently; one revalidates every entry (TTL 0: 304s and
    writes to entries the other is reading), the other serves from the cache within its TTL."""
    fake.reset_log()
    cache = tmp_path / "shared"
    logs = [tmp_path / "first.stderr", tmp_path / "second.stderr"]
    results: list[tuple[str, dict[str, Any]]] = []
    started = time.monotonic()

    async def one_process(ttl: float, log: Path) -> None:
        with log.open("w") as errors:
            async with Client(stdio_client(server_process(fake, cache, ttl), errlog=errors)) as c:

                async def run(tool: str, arguments: dict[str, Any]) -> None:
                    results.append((key(tool, arguments), await answer(c, tool, arguments)))

                for _ in range(2):
                    async with anyio.create_task_group() as group:
                        for tool, arguments in CALLS:
                            group.start_soon(run, tool, arguments)

    async with anyio.create_task_group() as group:
        group.start_soon(one_process, 600.0, logs[0])
        group.start_soon(one_process, 0.0, logs[1])
    elapsed = time.monotonic() - started

    assert len(results) == 2 * 2 * len(CALLS)
    for name, result in results:
        tool = name.split("{")[0]
        assert facts(tool, result) == expected[name], name
    for log in logs:
        text = log.read_text()
        assert not [word for word in CACHE_TROUBLE if word in text], text
    entries = assert_cache_sound(cache, fake)
    statuses = fake.summary()["by_status"]
    print(
        f"\ntwo processes, one cache: {len(results)} calls in {elapsed:.2f} s, {entries} entries, "
        f"{statuses.get('304', 0)} revalidated (304), {statuses.get('200', 0)} fetched (200)"
    )
    assert statuses.get("304", 0) > 0, "the TTL-0 process must have revalidated shared entries"


# -- twenty calls at once in one process -----------------------------------------------------------------
async def test_twenty_concurrent_tool_calls_in_one_session_are_all_correct_and_send_each_request_once(
    fake: FakeGitHub, expected: dict[str, Any], tmp_path: Path
) -> None:
    """Calls that need the same page at the same moment share one request (the others wait for it and
    read the cache), so 20 calls cost what their distinct requests cost made one after the other."""
    calls = (CALLS * 3)[:20]
    before = len(fake.requests)
    times: list[float] = []
    results: list[tuple[str, dict[str, Any]]] = []
    s = settings(fake, tmp_path / "cache", time_budget=20)

    async def run(c: Client, tool: str, arguments: dict[str, Any]) -> None:
        t0 = time.monotonic()
        results.append((key(tool, arguments), await answer(c, tool, arguments)))
        times.append(time.monotonic() - t0)

    started = time.monotonic()
    async with in_memory(s) as c:
        async with anyio.create_task_group() as group:
            for tool, arguments in calls:
                group.start_soon(run, c, tool, arguments)
        status = await answer(c, "api_status", {})
    wall = time.monotonic() - started

    assert len(results) == 20
    for name, result in results:
        assert facts(name.split("{")[0], result) == expected[name], name
    assert max(times) < s.time_budget
    sent = len(fake.requests) - before
    entries = assert_cache_sound(tmp_path / "cache", fake)
    assert status["cache_entries"] == entries
    print(
        f"\n20 concurrent calls: wall {wall:.2f} s, slowest {max(times):.2f} s, {sent} requests "
        f"({expected[REQUESTS]} for the distinct calls alone), {entries} cache entries, "
        f"{status['cache_hits']} cache hits"
    )
    assert sent == expected[REQUESTS]


async def test_twenty_concurrent_calls_behind_a_slow_github_each_end_within_the_budget(
    fake: FakeGitHub, expected: dict[str, Any], tmp_path: Path
) -> None:
    """Every answer is slower than the HTTP timeout and only four requests may be in flight: waiting for a
    free slot counts against each call's budget, so none overruns it however long the queue. (Twenty
    different repositories: calls for the same one would share a single request.)"""
    budget, margin = 1.5, 0.5
    s = settings(fake, tmp_path / "cache", time_budget=budget, http_timeout=0.4)
    times: list[float] = []
    errors: list[str] = []

    async def run(c: Client, n: int) -> None:
        t0 = time.monotonic()
        result = await c.call_tool("repository_overview", {"repo": f"octo-org/repo-{n}"})
        times.append(time.monotonic() - t0)
        assert result.is_error, "every answer is too slow: no call can succeed"
        errors.append(" ".join(getattr(block, "text", "") for block in result.content))

    fake.inject(r".", Fault.slow(2.0), times=None)
    try:
        async with in_memory(s) as c:
            async with anyio.create_task_group() as group:
                for n in range(20):
                    group.start_soon(run, c, n)
            fake.clear_faults()
            again = await answer(c, "repository_overview", {"repo": COMMUNITY})
    finally:
        fake.clear_faults()
    assert len(times) == 20 and max(times) <= budget + margin, sorted(round(t, 2) for t in times)
    for error in errors:
        assert error.startswith("Error executing tool repository_overview: "), error
        assert "Try again" in error or "call again" in error or "Call again" in error, error
    assert facts("repository_overview", again) == expected[key("repository_overview", {"repo": COMMUNITY})]


# -- several processes writing the same keys ---------------------------------------------------------------
WRITER = """
import hashlib, json, sys
from pathlib import Path
from chaoss_mcp.sources.github.cache import HttpCache

cache = HttpCache(Path(sys.argv[1]))
name = sys.argv[2]
for n in range(300):
    key = f"shared-{n % 25}"  # every process writes the same 25 keys, over and over
    payload = json.dumps({"writer": name, "n": n, "pad": "x" * (n * 7 % 3000)})
    body = json.dumps({"payload": payload, "sha": hashlib.sha256(payload.encode()).hexdigest()}).encode()
    if n % 3 == 0:
        cache.touch(key)
    cache.put(key, f"https://example.invalid/{key}", etag=f"W/{name}{n}", last_modified=None, next_link=None, body=body)
    entry = cache.get(key)
    assert entry is not None
    stored = json.loads(entry.body)
    assert hashlib.sha256(stored["payload"].encode()).hexdigest() == stored["sha"], "torn entry"
    if n % 50 == 0:
        cache.stats()
"""


def test_four_processes_writing_the_same_keys_leave_whole_entries_and_no_errors(tmp_path: Path) -> None:
    path = tmp_path / "contended.sqlite3"  # not created beforehand: the processes race to create it too
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), f"w{i}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for i in range(4)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and not err, err.decode()
    elapsed = time.monotonic() - started
    cache = HttpCache(path)
    try:
        assert not cache.rebuilt and cache.stats()["entries"] == 25
        for n in range(25):
            entry = cache.get(f"shared-{n}")
            assert entry is not None
            stored = json.loads(entry.body)
            payload = json.loads(stored["payload"])
            assert entry.etag == f"W/{payload['writer']}{payload['n']}", "etag and body from different writes"
    finally:
        cache.close()
    print(f"\n4 processes x 300 writes on 25 shared keys: {elapsed:.2f} s")


# -- a damaged cache file ----------------------------------------------------------------------------------
def damage_pages(path: Path) -> bytes:
    """Keep SQLite's 100-byte header, overwrite the rest: a file that opens but whose pages are garbage."""
    raw = path.read_bytes()
    damaged = raw[:100] + bytes((b * 7 + 13) % 256 for b in raw[100:])
    path.write_bytes(damaged)
    for side in ("-wal", "-shm"):
        Path(str(path) + side).unlink(missing_ok=True)
    return damaged


@pytest.mark.parametrize("damage", ["garbage", "pages"])
async def test_a_damaged_cache_file_is_set_aside_and_rebuilt_and_the_answer_is_unaffected(
    damage: str, fake: FakeGitHub, expected: dict[str, Any], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    path = cache / CACHE_FILE
    if damage == "garbage":
        cache.mkdir()
        original = os.urandom(64 * 1024)
        path.write_bytes(original)
    else:
        async with in_memory(settings(fake, cache)) as c:
            await answer(c, "repository_overview", {"repo": "octo-org/widgets"})
        original = damage_pages(path)

    async with in_memory(settings(fake, cache)) as c:
        result = await answer(c, "repository_overview", {"repo": COMMUNITY})
        status = await answer(c, "api_status", {})
    assert facts("repository_overview", result) == expected[key("repository_overview", {"repo": COMMUNITY})]
    assert result["provenance"]["requests"] == 1  # fetched afresh, not from the damaged file
    assert status["cache_path"] == str(path) and status["cache_entries"] == 1
    (aside,) = [p for p in cache.iterdir() if p.name.startswith(CACHE_FILE + ".corrupt-")]
    assert aside.read_bytes() == original, "the damaged file is kept as it was, for inspection"
    assert_cache_sound(cache, fake, set_aside=1)


SERVE_ONE = """
import sys, time
from pathlib import Path
from chaoss_mcp.sources.github.cache import HttpCache

time.sleep(max(0.0, float(sys.argv[3]) - time.time()))  # all open the file at the same moment
cache = HttpCache(Path(sys.argv[1]))
for n in range(50):
    cache.put(f"{sys.argv[2]}-{n}", "u", etag=None, last_modified=None, next_link=None, body=b"[]")
print(cache.rebuilt)
"""


def test_processes_finding_the_same_damaged_file_at_once_rebuild_it_once_and_share_the_new_one(
    tmp_path: Path,
) -> None:
    """Set aside by one of them only: moving a healthy file that another just rebuilt would split the cache
    (a process writing to a file nobody reads) or fail on a file already moved."""
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(os.urandom(32 * 1024))
    at = str(time.time() + 0.6)  # after every interpreter has started
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SERVE_ONE, str(path), f"p{i}", at], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for i in range(3)
    ]
    outputs = [proc.communicate(timeout=60) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), [err.decode() for _, err in outputs]
    assert [out.decode().strip() for out, _ in outputs].count("True") == 1
    assert len([p for p in tmp_path.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))]) == 1
    cache = HttpCache(path)
    try:
        assert cache.stats()["entries"] == 150, "every process wrote into the one live file"
    finally:
        cache.close()


# -- a damaged entry, a locked file --------------------------------------------------------------------------
async def test_an_entry_that_is_not_json_is_fetched_again_not_served_or_reported_as_github_s_fault(
    fake: FakeGitHub, expected: dict[str, Any], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    arguments = {"repo": COMMUNITY}
    async with in_memory(settings(fake, cache)) as c:
        await answer(c, "repository_overview", arguments)
    conn = sqlite3.connect(cache / CACHE_FILE)
    with conn:
        conn.execute("UPDATE responses SET body = ?", (b'{"full_name": "octo-org/comm\xff',))
    conn.close()
    async with in_memory(settings(fake, cache)) as c:
        again = await answer(c, "repository_overview", arguments)
    assert facts("repository_overview", again) == expected[key("repository_overview", arguments)]
    assert again["provenance"]["requests"] == 1 and again["provenance"]["cache_hits"] == 0
    assert_cache_sound(cache, fake)


def test_a_cache_file_locked_by_another_process_skips_the_write_instead_of_failing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / CACHE_FILE
    cache = HttpCache(path, busy_timeout=0.1)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process in the middle of a long write
    try:
        cache.put("k", "u", etag=None, last_modified=None, next_link=None, body=b"[]")
        assert cache.get("k") is None  # the write was skipped, and nothing raised
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    cache.put("k", "u", etag=None, last_modified=None, next_link=None, body=b"[]")
    assert cache.get("k") is not None, "once the other writer is done, the cache works again"
    assert not cache.rebuilt and any("skipped" in r.getMessage() for r in caplog.records)
    cache.close()


async def test_calls_waiting_for_a_shared_request_that_fails_end_in_their_budget_then_share_the_next_one(
    fake: FakeGitHub, expected: dict[str, Any], tmp_path: Path
) -> None:
    budget = 2.0
    s = settings(fake, tmp_path / "cache", time_budget=budget, http_timeout=0.5)
    arguments = {"repo": "octo-org/widgets"}
    outcomes: list[tuple[float, Any]] = []

    async def run(c: Client) -> None:
        t0 = time.monotonic()
        result = await c.call_tool("repository_overview", arguments)
        outcomes.append((time.monotonic() - t0, result))

    async with in_memory(s) as c:
        fake.inject(r"^/repos/octo-org/widgets$", Fault.unavailable(), times=None)
        try:
            async with anyio.create_task_group() as group:
                for _ in range(5):
                    group.start_soon(run, c)
        finally:
            fake.clear_faults()
        failed, outcomes[:] = list(outcomes), []
        before = len(fake.requests)
        async with anyio.create_task_group() as group:
            for _ in range(5):
                group.start_soon(run, c)
    for elapsed, result in failed:
        assert result.is_error and elapsed <= budget + 0.5, (elapsed, result.content)
        assert "Try again" in str(result.content) or "call again" in str(result.content), result.content
    assert len(fake.requests) - before == 1, "the five calls after the failure share one request"
    for _, result in outcomes:
        assert not result.is_error and result.structured_content is not None
        assert (
            facts("repository_overview", result.structured_content) == expected[key("repository_overview", arguments)]
        )
