"""Run the fake GitHub by hand: ``python -m tests.fake_github --port 8765``.

Prints ``GITHUB_API_URL=...`` on the first line of stdout, then serves until interrupted. Point
chaoss-mcp (or the MCP Inspector running it) there, with ``GITHUB_TOKEN=test-token`` for GraphQL.
Control endpoints (never counted): ``GET /_fake/summary``, ``GET /_fake/requests``, ``POST /_fake/reset``.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
from datetime import date

from .data import make_sample_data
from .server import TEST_TOKEN, FakeGitHub
from .synthetic import Shape, build_synthetic


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fake_github", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="Port on 127.0.0.1 (default: any free port)")
    parser.add_argument("--latency", type=float, default=0.0, help="Seconds added to every request (e.g. 0.05)")
    parser.add_argument("--enterprise", action="store_true", help="Serve under /api/v3 and /api/graphql (GHES)")
    parser.add_argument(
        "--token", action="append", default=[], help=f"A token to accept (repeatable; default {TEST_TOKEN})"
    )
    parser.add_argument("--anonymous-limit", type=int, default=60, help="Core requests an hour without a token")
    parser.add_argument(
        "--synthetic", action="store_true", help="Also serve bench-org/busy, a large synthetic repository"
    )
    parser.add_argument("--items", type=int, default=1000, help="Synthetic: issues and PRs in the window")
    parser.add_argument("--older", type=int, default=3000, help="Synthetic: older issues and PRs")
    parser.add_argument("--as-of", type=date.fromisoformat, default=Shape.as_of, help="Synthetic: last day of data")
    ns = parser.parse_args(argv)

    data = make_sample_data()
    if ns.synthetic:
        build_synthetic(shape=Shape(as_of=ns.as_of, window_items=ns.items, older_items=ns.older), data=data)
    fake = FakeGitHub(
        data,
        latency=ns.latency,
        enterprise=ns.enterprise,
        valid_tokens=ns.token or [TEST_TOKEN],
        anonymous_limits={"core": ns.anonymous_limit},
        port=ns.port,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with fake:
        print(f"GITHUB_API_URL={fake.url}", flush=True)
        repos = ", ".join(r.full_name for r in data.repos.values())
        print(f"serving {repos}; GraphQL at {fake.graphql_url}; Ctrl-C to stop", file=sys.stderr, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
