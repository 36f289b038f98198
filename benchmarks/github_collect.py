"""Benchmark: collecting Starter Project Health from GitHub, against the local fake with added latency.

Run from the repository root (not part of the test suite; about a minute with the defaults):

    python benchmarks/github_collect.py                   # 1,000 items in the window, 50 ms a request
    python benchmarks/github_collect.py --items 200 --older 400 --latency 0.01   # a quick look
    python benchmarks/github_collect.py --json out.json   # also write the figures as JSON

The fake GitHub (``python -m tests.fake_github --synthetic``) runs in its own process and serves
``bench-org/busy``: ``--items`` issues and pull requests created in the 90 days before ``--as-of`` and
``--older`` more over the two years before, of realistic shape (heavy-tailed contributors, bots opening
and commenting, authors replying to themselves, unanswered items, reviews without comments, inline
review comments, squash-merge commits, a release train), with ``--latency`` seconds added to every
request. Every measurement runs in a fresh process, so its peak memory is its own, and the fake counts
the requests it receives:

* ``project_health`` with a token: cold (empty cache), warm (the same process, within the cache TTL),
  and revalidated (a new process whose TTL has passed: conditional requests, answered 304);
* ``project_health`` without a token (REST collection): cold and warm;
* a naive per-item REST collection of the same data, as simple implementations do it: the issue
  listing, then one comments request per issue and pull request created in the window and one reviews
  request per pull request, plus the same commit and release listings.

Targets (issue 4): with a token, cold, at most 40 requests and under 5 s; warm within the TTL, zero
requests; at least 20 times fewer requests than the naive collection.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from tests.fake_github import TEST_TOKEN as TOKEN  # noqa: E402  (the fake's own token, no real credential)

REPO = "bench-org/busy"
MAX_REQUESTS_COLD = 40
MAX_SECONDS_COLD = 5.0
MIN_NAIVE_RATIO = 20.0


# -- the measurements, each run in a child process ---------------------------------------------------
def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


async def _server_calls(api_url: str, cache: Path, token: str | None, ttl: float, as_of: str, runs: int) -> list[Any]:
    from mcp import Client

    from chaoss_mcp.config import Settings
    from chaoss_mcp.server import build_server
    from chaoss_mcp.state import load_all_specs

    settings = Settings(api_url=api_url, token=token, cache_dir=cache, cache_ttl=ttl, time_budget=120)
    server = build_server(settings, load_all_specs(settings))
    out = []
    baseline = _peak_mb()  # the interpreter with the server's modules and specs loaded, before any call
    async with Client(server) as client:
        for _ in range(runs):
            before = _control(api_url, "summary")["requests"]
            started = time.perf_counter()
            result = await client.call_tool("project_health", {"repo": REPO, "as_of": as_of})
            seconds = time.perf_counter() - started
            seen = _control(api_url, "summary")
            if result.is_error or result.structured_content is None:
                raise SystemExit(f"project_health failed: {result.content}")
            health = result.structured_content
            out.append(
                {
                    "seconds": round(seconds, 3),
                    "fake_requests": seen["requests"] - before,
                    "provenance": {
                        k: health["provenance"][k]
                        for k in ("requests", "not_modified", "cache_hits", "retries", "complete")
                    },
                    "score": health["score"],
                    "band": health["band"],
                    "members": {m["metric"]: m["figures"] for m in health["members"]},
                    "peak_mb": round(_peak_mb(), 1),
                    "baseline_mb": round(baseline, 1),
                }
            )
    return out


async def _naive(api_url: str, as_of: str, concurrency: int) -> dict[str, Any]:
    """Per-item REST collection: a listing, then one request per item for its comments or reviews."""
    import anyio
    import httpx

    headers = {
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
        "User-Agent": "naive-benchmark-client",
        "Authorization": f"Bearer {TOKEN}",
    }
    day = date.fromisoformat(as_of)
    since = (datetime.combine(day - timedelta(days=89), dtime.min, tzinfo=UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    year = (datetime.combine(day - timedelta(days=364), dtime.min, tzinfo=UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = datetime.combine(day, dtime.max, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = f"{api_url}/repos/{REPO}"
    fetched = {"comments": 0, "reviews": 0}
    limiter = anyio.Semaphore(concurrency)
    started = time.perf_counter()
    async with httpx.AsyncClient(headers=headers, timeout=60) as http:

        async def listing(url: str, params: dict[str, str]) -> list[Any]:
            items: list[Any] = []
            next_url: str | None = url
            query: dict[str, str] | None = {"per_page": "100", **params}
            while next_url:
                response = await http.get(next_url, params=query)
                response.raise_for_status()
                items += response.json()
                next_url = response.links.get("next", {}).get("url")
                query = None
            return items

        await http.get(base)
        items = await listing(f"{base}/issues", {"state": "all", "since": since})
        items += [i for i in await listing(f"{base}/issues", {"state": "open"}) if i["updated_at"] < since]
        recent = [i for i in items if i["created_at"] >= since]

        async def per_item(item: dict[str, Any]) -> None:
            async with limiter:
                number = item["number"]
                fetched["comments"] += len(await listing(f"{base}/issues/{number}/comments", {}))
                if "pull_request" in item:
                    fetched["reviews"] += len(await listing(f"{base}/pulls/{number}/reviews", {}))

        async with anyio.create_task_group() as tg:
            for item in recent:
                tg.start_soon(per_item, item)
        commits = await listing(f"{base}/commits", {"since": year, "until": until})
        releases = await listing(f"{base}/releases", {})
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "items_in_window": len(recent),
        "comments": fetched["comments"],
        "reviews": fetched["reviews"],
        "commits": len(commits),
        "releases": len(releases),
        "concurrency": concurrency,
        "peak_mb": round(_peak_mb(), 1),
    }


def _child(ns: argparse.Namespace) -> None:
    import anyio

    if ns.child == "naive":
        before = _control(ns.api_url, "summary")["requests"]
        result: Any = anyio.run(_naive, ns.api_url, ns.as_of, ns.naive_concurrency)
        result["fake_requests"] = _control(ns.api_url, "summary")["requests"] - before
    else:
        token = TOKEN if ns.child == "token" else None
        result = anyio.run(_server_calls, ns.api_url, Path(ns.cache), token, ns.ttl, ns.as_of, ns.runs)
    print(json.dumps(result))


# -- the parent: start the fake, run each measurement in a fresh process, report ---------------------------
def _control(api_url: str, name: str, method: str = "GET") -> Any:
    import httpx

    origin = api_url.split("/api/v3")[0]
    return httpx.request(method, f"{origin}/_fake/{name}", timeout=30).json()


def _start_fake(ns: argparse.Namespace) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable,
        "-m",
        "tests.fake_github",
        "--synthetic",
        "--items",
        str(ns.items),
        "--older",
        str(ns.older),
        "--as-of",
        ns.as_of,
        "--latency",
        str(ns.latency),
        "--anonymous-limit",
        "1000000",  # the REST path without a token is measured too, beyond GitHub's 60 an hour
    ]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("GITHUB_API_URL="):
        proc.kill()
        raise SystemExit(f"the fake GitHub did not start: {line!r}")
    return proc, line.split("=", 1)[1]


def _run_child(ns: argparse.Namespace, api_url: str, kind: str, cache: Path, ttl: float, runs: int) -> Any:
    command = [
        sys.executable,
        __file__,
        "--child",
        kind,
        "--api-url",
        api_url,
        "--cache",
        str(cache),
        "--ttl",
        str(ttl),
        "--runs",
        str(runs),
        "--as-of",
        ns.as_of,
        "--naive-concurrency",
        str(ns.naive_concurrency),
    ]
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"measurement {kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="Issues and PRs created in the 90-day window")
    parser.add_argument("--older", type=int, default=3000, help="Older issues and PRs")
    parser.add_argument("--latency", type=float, default=0.05, help="Seconds added to every request")
    parser.add_argument("--as-of", default="2026-06-30", help="Last day of the synthetic data and of the window")
    parser.add_argument("--naive-concurrency", type=int, default=4, help="Requests in flight for the naive client")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file")
    parser.add_argument("--child", choices=["token", "anonymous", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    parser.add_argument("--cache", help=argparse.SUPPRESS)
    parser.add_argument("--ttl", type=float, default=600.0, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1, help=argparse.SUPPRESS)
    ns = parser.parse_args(argv)
    if ns.child:
        _child(ns)
        return 0

    proc, api_url = _start_fake(ns)
    try:
        with tempfile.TemporaryDirectory(prefix="chaoss-bench-") as tmp:
            work = Path(tmp)
            shape = _control(api_url, "summary")
            assert shape["requests"] == 0
            token_runs = _run_child(ns, api_url, "token", work / "token", 600, 2)
            revalidated = _run_child(ns, api_url, "token", work / "token", 0, 1)[0]
            anon_runs = _run_child(ns, api_url, "anonymous", work / "anonymous", 600, 2)
            naive = _run_child(ns, api_url, "naive", work / "naive", 600, 1)
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    cold, warm = token_runs
    anon_cold, anon_warm = anon_runs
    figures = {
        "workload": {
            "repository": REPO,
            "items_in_window": ns.items,
            "older_items": ns.older,
            "latency_s": ns.latency,
            "as_of": ns.as_of,
            "naive_items_in_window_seen": naive["items_in_window"],
        },
        "token_cold": cold,
        "token_warm": warm,
        "token_revalidated": revalidated,
        "anonymous_cold": anon_cold,
        "anonymous_warm": anon_warm,
        "naive_rest": naive,
    }
    ratio = naive["fake_requests"] / max(1, cold["fake_requests"])
    figures["ratios"] = {
        "naive_over_token_cold_requests": round(ratio, 1),
        "naive_over_anonymous_cold_requests": round(naive["fake_requests"] / max(1, anon_cold["fake_requests"]), 1),
        "naive_over_token_cold_seconds": round(naive["seconds"] / cold["seconds"], 1),
    }
    targets = {
        f"token cold <= {MAX_REQUESTS_COLD} requests": cold["fake_requests"] <= MAX_REQUESTS_COLD,
        f"token cold < {MAX_SECONDS_COLD:g} s": cold["seconds"] < MAX_SECONDS_COLD,
        "token warm within the TTL: 0 requests": warm["fake_requests"] == 0,
        f">= {MIN_NAIVE_RATIO:g}x fewer requests than naive": ratio >= MIN_NAIVE_RATIO,
    }
    figures["targets"] = targets
    figures["same_answer"] = {
        "token_vs_anonymous": cold["members"] == anon_cold["members"] and cold["score"] == anon_cold["score"],
        "cold_vs_warm_vs_revalidated": cold["members"] == warm["members"] == revalidated["members"],
    }

    print(
        f"\nproject_health on {REPO}: {ns.items} items in the window, {ns.older} older, "
        f"{ns.latency * 1000:g} ms a request"
    )
    print(f"{'measurement':<34}{'requests':>9}{'304s':>7}{'cache hits':>11}{'seconds':>9}{'peak MB':>9}")
    for label, row in (
        ("token, cold", cold),
        ("token, warm (same process, TTL)", warm),
        ("token, TTL passed (new process)", revalidated),
        ("no token, cold (REST)", anon_cold),
        ("no token, warm", anon_warm),
    ):
        p = row["provenance"]
        print(
            f"{label:<34}{row['fake_requests']:>9}{p['not_modified']:>7}{p['cache_hits']:>11}"
            f"{row['seconds']:>9.2f}{row['peak_mb']:>9.0f}"
        )
    print(
        f"{'naive per-item REST, cold':<34}{naive['fake_requests']:>9}{0:>7}{0:>11}"
        f"{naive['seconds']:>9.2f}{naive['peak_mb']:>9.0f}"
    )
    print(
        f"\nnaive / ours (token, cold): {ratio:.1f}x the requests, "
        f"{figures['ratios']['naive_over_token_cold_seconds']:.1f}x the time; "
        f"naive / ours without a token: {figures['ratios']['naive_over_anonymous_cold_requests']:.1f}x the requests"
    )
    print(f"score {cold['score']} ({cold['band']}); members: {json.dumps(cold['members'])}")
    print("same answer with and without a token:", figures["same_answer"]["token_vs_anonymous"])
    for name, ok in targets.items():
        print(f"  [{'met' if ok else 'MISSED'}] {name}")
    if ns.json:
        ns.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
