"""The full load of benchmarks/load.py, as a test: it takes about 8 s here, so nothing is scaled down.

200 tool calls over one stdio session of the real ``python -m chaoss_mcp`` process, 10 in flight, against
the local fake GitHub (loopback only), after a warm-up pass of every tool in the mix. The HTTP cache TTL
is 0, so each call goes back to the fake. Bounded: the run stops itself after 120 s.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
RSS_GROWTH_LIMIT_MIB = 16.0  # after warm-up; measured growth is about 1 MiB
P95_LIMIT_SECONDS = 5.0  # measured about 0.45 s; a generous bound for a busy 2-CPU machine


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_load", ROOT / "benchmarks" / "load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve the module by name
    spec.loader.exec_module(module)
    return module


def test_200_calls_at_concurrency_10_over_stdio_all_succeed_without_memory_growth() -> None:
    bench = load_benchmark()
    figures = bench.run_load(calls=200, concurrency=10, cache_ttl=0.0, timeout=120.0)
    print("\n" + bench.report(figures))
    assert figures["failures"] == 0, figures["failure_samples"]
    assert figures["calls"] == 200 and figures["concurrency"] == 10
    assert figures["fake_requests"] > 200, "the calls must reach the fake GitHub, not a client-side cache"
    assert figures["rss_growth_after_warmup_mib"] <= RSS_GROWTH_LIMIT_MIB, figures
    assert 0 < figures["p50_s"] <= figures["p95_s"] <= P95_LIMIT_SECONDS, figures
