"""Load: many tool calls over one stdio session, several in flight, against the local fake GitHub.

Run from the repository root (not part of the test suite; about 20 s with the defaults):

    python benchmarks/load.py                          # 200 calls, 10 in flight
    python benchmarks/load.py --calls 60 --concurrency 5
    python benchmarks/load.py --cache-ttl 600           # answers from the HTTP cache after the first call
    python benchmarks/load.py --json load.json          # also write the figures as JSON

One real ``python -m chaoss_mcp`` process is started over stdio (as an MCP host runs it) with a token
the fake accepts, so GitHub data is collected with GraphQL and REST. The fake GitHub runs in this
process on 127.0.0.1 and serves three small synthetic repositories beside the sample ones. The workload
cycles through a fixed mix of tools (repository_overview, project_health, contribution_activity,
time_to_first_response, change_request_closure_ratio, release_frequency, contributor_absence_factor,
security_practices, list_metrics, api_status, verify_result) over those repositories. By default the
HTTP cache's TTL is 0, so every call goes back to the fake (conditional REST requests answered 304,
GraphQL queries sent again): the server does its full work each time.

First one pass of the mix warms the server up (imports, specs, cache database, connection pool); the
server's resident memory (VmRSS in /proc/PID/status) is read before it, after it and at the end, and
sampled while the calls run. Then ``--calls`` calls run with ``--concurrency`` in flight. Printed:
the workload, latency p50/p95/max, RSS before/after warm-up/peak/end, failures (error results and
exceptions), requests the fake received, and the total time. The run is bounded by ``--timeout``.
Loopback only: the server's API base is the fake's address.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.fake_github import (  # noqa: E402  (the fake's own token, no real credential)
    TEST_TOKEN,
    FakeData,
    FakeGitHub,
    Shape,
    build_synthetic,
    make_sample_data,
)

AS_OF = "2026-03-31"
REPOS = ("load-org/alpha", "load-org/beta", "load-org/gamma")


def fake_data() -> FakeData:
    data = make_sample_data()
    for seed, repo in enumerate(REPOS, start=1):
        shape = Shape(as_of=date(2026, 3, 31), window_items=60, older_items=60, people=30, seed=seed)
        build_synthetic(repo, shape, data)
    return data


def workload() -> list[tuple[str, dict[str, Any]]]:
    """The mix of calls, in the order they are cycled through. ``verify_result`` gets a signed result."""
    mix: list[tuple[str, dict[str, Any]]] = []
    for repo in REPOS:
        mix += [
            ("repository_overview", {"repo": repo}),
            ("project_health", {"repo": repo, "as_of": AS_OF}),
            ("contribution_activity", {"repo": repo, "as_of": AS_OF}),
            ("time_to_first_response", {"repo": repo, "as_of": AS_OF}),
            ("release_frequency", {"repo": repo, "as_of": AS_OF}),
        ]
    mix += [
        ("change_request_closure_ratio", {"repo": REPOS[0], "as_of": AS_OF}),
        ("contributor_absence_factor", {"repo": REPOS[1], "as_of": AS_OF}),
        ("security_practices", {"repo": "octo-org/widgets"}),
        ("repository_overview", {"repo": "alice/tool"}),
        ("list_metrics", {}),
        ("api_status", {}),
        ("verify_result", {}),
    ]
    return mix


def rss_kib(pid: int) -> int:
    """Resident set size of a process in KiB, from /proc/PID/status (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def server_pid() -> int:
    """The ``python -m chaoss_mcp`` child of this process (the stdio client does not expose it)."""
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        if ppid == me and b"chaoss_mcp" in cmdline:
            found.append(int(entry.name))
    if len(found) != 1:
        raise RuntimeError(f"expected one chaoss_mcp child process, found {found}")
    return found[0]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(q * 100) - 1]


@dataclass
class Figures:
    calls: int
    concurrency: int
    warmup_calls: int
    cache_ttl: float
    failures: int = 0
    failure_samples: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    per_tool: dict[str, list[float]] = field(default_factory=dict)
    rss_before_kib: int = 0
    rss_after_warmup_kib: int = 0
    rss_peak_kib: int = 0
    rss_end_kib: int = 0
    requests: int = 0
    not_modified: int = 0
    seconds: float = 0.0
    warmup_seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "concurrency": self.concurrency,
            "warmup_calls": self.warmup_calls,
            "cache_ttl": self.cache_ttl,
            "failures": self.failures,
            "failure_samples": self.failure_samples[:5],
            "p50_s": round(percentile(self.latencies, 0.50), 4),
            "p95_s": round(percentile(self.latencies, 0.95), 4),
            "max_s": round(max(self.latencies), 4),
            "per_tool_p50_s": {
                tool: round(statistics.median(times), 4) for tool, times in sorted(self.per_tool.items())
            },
            "rss_before_mib": round(self.rss_before_kib / 1024, 1),
            "rss_after_warmup_mib": round(self.rss_after_warmup_kib / 1024, 1),
            "rss_peak_mib": round(self.rss_peak_kib / 1024, 1),
            "rss_end_mib": round(self.rss_end_kib / 1024, 1),
            "rss_growth_after_warmup_mib": round((self.rss_end_kib - self.rss_after_warmup_kib) / 1024, 1),
            "fake_requests": self.requests,
            "fake_not_modified": self.not_modified,
            "seconds": round(self.seconds, 2),
            "warmup_seconds": round(self.warmup_seconds, 2),
            "calls_per_second": round(self.calls / self.seconds, 1) if self.seconds else None,
        }


async def _load(
    fake: FakeGitHub, work: Path, *, calls: int, concurrency: int, cache_ttl: float, limit_seconds: float
) -> Figures:
    import anyio
    from mcp import Client, StdioServerParameters
    from mcp.client.stdio import stdio_client

    env = {
        "GITHUB_API_URL": fake.url,
        "GITHUB_TOKEN": TEST_TOKEN,
        "CHAOSS_MCP_CACHE_DIR": str(work / "cache"),
        "CHAOSS_MCP_CONFIG_DIR": str(work / "config"),
        "CHAOSS_MCP_CACHE_TTL": str(cache_ttl),
        "HOME": str(work),
        "XDG_CACHE_HOME": str(work / "xdg-cache"),
        "XDG_CONFIG_HOME": str(work / "xdg-config"),
    }
    params = StdioServerParameters(command=sys.executable, args=["-m", "chaoss_mcp"], env=env, cwd=str(work))
    mix = workload()
    figures = Figures(calls=calls, concurrency=concurrency, warmup_calls=len(mix), cache_ttl=cache_ttl)
    signed: dict[str, Any] = {}

    with (work / "server-stderr.log").open("w") as errlog, anyio.fail_after(limit_seconds):
        async with Client(stdio_client(params, errlog=errlog), cache=None) as client:
            pid = server_pid()
            figures.rss_before_kib = rss_kib(pid)

            async def one(tool: str, arguments: dict[str, Any], record: bool) -> None:
                if tool == "verify_result":
                    arguments = {"result": signed or {"not": "signed yet"}}
                started = time.perf_counter()
                try:
                    result = await client.call_tool(tool, arguments)
                    failed = result.is_error
                    detail = " ".join(getattr(b, "text", "") for b in result.content)[:200]
                    if not failed and tool == "project_health" and not signed and result.structured_content:
                        signed.update(result.structured_content)
                except Exception as exc:  # counted, never fatal: the figures say how many
                    failed, detail = True, f"{type(exc).__name__}: {exc}"[:200]
                elapsed = time.perf_counter() - started
                if record:
                    figures.latencies.append(elapsed)
                    figures.per_tool.setdefault(tool, []).append(elapsed)
                    if failed:
                        figures.failures += 1
                        figures.failure_samples.append(f"{tool}: {detail}")

            async def run(plan: list[tuple[str, dict[str, Any]]], record: bool) -> None:
                limiter = anyio.Semaphore(concurrency)

                async def guarded(tool: str, arguments: dict[str, Any]) -> None:
                    async with limiter:
                        await one(tool, arguments, record)

                async with anyio.create_task_group() as group:
                    for tool, arguments in plan:
                        group.start_soon(guarded, tool, dict(arguments))

            async def sample_rss(stop: anyio.Event) -> None:
                while not stop.is_set():
                    figures.rss_peak_kib = max(figures.rss_peak_kib, rss_kib(pid))
                    with anyio.move_on_after(0.1):
                        await stop.wait()

            started = time.perf_counter()
            await run(mix, record=False)  # warm-up: every tool of the mix once
            figures.warmup_seconds = time.perf_counter() - started
            figures.rss_after_warmup_kib = rss_kib(pid)
            fake.reset_log()

            plan = list(itertools.islice(itertools.cycle(mix), calls))
            stop = anyio.Event()
            started = time.perf_counter()
            async with anyio.create_task_group() as group:
                group.start_soon(sample_rss, stop)
                await run(plan, record=True)
                stop.set()
            figures.seconds = time.perf_counter() - started
            figures.rss_end_kib = rss_kib(pid)
            figures.rss_peak_kib = max(figures.rss_peak_kib, figures.rss_end_kib)
    summary = fake.summary()
    figures.requests = summary["requests"]
    figures.not_modified = summary["not_modified"]
    return figures


def run_load(
    *, calls: int = 200, concurrency: int = 10, cache_ttl: float = 0.0, timeout: float = 300.0
) -> dict[str, Any]:
    """Run the load against a fresh fake GitHub and a fresh server; return the figures."""
    import anyio

    limits = {"core": 1_000_000, "graphql": 1_000_000}
    with tempfile.TemporaryDirectory(prefix="chaoss-load-") as tmp, FakeGitHub(fake_data(), limits=limits) as fake:
        figures = anyio.run(
            lambda: _load(
                fake, Path(tmp), calls=calls, concurrency=concurrency, cache_ttl=cache_ttl, limit_seconds=timeout
            )
        )
    return figures.summary()


def report(figures: dict[str, Any]) -> str:
    tools = sorted({tool for tool, _ in workload()})
    lines = [
        f"workload: {figures['calls']} tool calls over one stdio session (python -m chaoss_mcp), "
        f"{figures['concurrency']} in flight, after a warm-up of {figures['warmup_calls']} calls "
        f"({figures['warmup_seconds']} s); HTTP cache TTL {figures['cache_ttl']:g} s",
        f"tools: {', '.join(tools)}; repositories {', '.join(REPOS)}, octo-org/widgets, alice/tool",
        f"latency: p50 {figures['p50_s'] * 1000:.0f} ms, p95 {figures['p95_s'] * 1000:.0f} ms, "
        f"max {figures['max_s'] * 1000:.0f} ms",
        "per tool p50: " + ", ".join(f"{tool} {sec * 1000:.0f} ms" for tool, sec in figures["per_tool_p50_s"].items()),
        f"server RSS: before {figures['rss_before_mib']} MiB, after warm-up {figures['rss_after_warmup_mib']} MiB, "
        f"peak {figures['rss_peak_mib']} MiB, end {figures['rss_end_mib']} MiB "
        f"(growth after warm-up {figures['rss_growth_after_warmup_mib']:+} MiB)",
        f"failures: {figures['failures']}" + (f" e.g. {figures['failure_samples']}" if figures["failures"] else ""),
        f"fake GitHub: {figures['fake_requests']} requests ({figures['fake_not_modified']} answered 304)",
        f"total: {figures['seconds']} s for {figures['calls']} calls ({figures['calls_per_second']} calls/s)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="Tool calls after the warm-up (default 200)")
    parser.add_argument("--concurrency", type=int, default=10, help="Calls in flight at once (default 10)")
    parser.add_argument("--cache-ttl", type=float, default=0.0, help="The server's HTTP cache TTL (default 0)")
    parser.add_argument("--timeout", type=float, default=300.0, help="Stop the whole run after this many seconds")
    parser.add_argument("--json", type=Path, help="Also write the figures to this JSON file")
    ns = parser.parse_args(argv)
    figures = run_load(calls=ns.calls, concurrency=ns.concurrency, cache_ttl=ns.cache_ttl, timeout=ns.timeout)
    print(report(figures))
    if ns.json:
        ns.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 1 if figures["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
