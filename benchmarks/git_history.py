"""Benchmark: the commit metrics on a synthetic 50,000-commit history, beside git itself and a naive reader.

Run from the repository root (not part of the test suite; it takes about a minute):

    python benchmarks/git_history.py                  # 50,000 commits, 2,000 identities
    python benchmarks/git_history.py --commits 5000   # a quick look
    python benchmarks/git_history.py --keep /tmp/big  # keep the generated repository

It builds a repository with ``git fast-import`` (a heavy-tailed population of identities, some with a
second address merged by ``.mailmap``, a few bots, AI co-author trailers and merges), then measures in
one run, each in a fresh process so peak memory is per measurement:

* ``git log``: the bare pass the git source makes (same format, same options), output discarded;
* ``contributor_absence_factor``, ``contribution_activity``, ``organizational_diversity``: each through
  the service layer (the path an MCP tool call takes), from opening the source to the scored result;
* the CLI, ``chaoss-mcp call contribution_activity repo=PATH window_days=3650``, wall time with start-up;
* a naive reader: ``git rev-list`` then one ``git show`` per commit, timed on a sample and extrapolated,
  once for metadata only and once with ``--numstat`` (what per-commit line counts would cost).

Ratios are against the bare ``git log`` pass. Targets (issue 5): each tool within 1.5x of it, peak
memory under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

AS_OF = "2026-06-30"
WINDOW_DAYS = 3650  # the whole synthetic history
START = datetime(2016, 7, 10, tzinfo=UTC)
END = datetime(2026, 6, 28, tzinfo=UTC)
TOOLS = ("contributor_absence_factor", "contribution_activity", "organizational_diversity")

ORG_DOMAINS = [
    "redhat.com", "ibm.com", "intel.com", "google.com", "microsoft.com", "suse.com", "canonical.com",
    "acme.io", "initech.example", "globex.example", "hooli.example", "umbrella.example", "cyberdyne.example",
    "uni-heidelberg.de", "mit.edu", "stark.example", "wayne.example", "tyrell.example",
]  # fmt: skip
GENERIC_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "users.noreply.github.com"]
BOTS = [
    "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>",
    "renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>",
    "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>",
]


# -- generating the repository ------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({"GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C"})
    return env


def _identities(count: int, rng: random.Random) -> tuple[list[str], list[str], list[float]]:
    """(primary "Name <email>", mailmap lines, Zipf-like weights): a few people make most commits."""
    people, mailmap = [], []
    for i in range(count):
        name = f"Dev {i:04d}"
        domain = rng.choice(ORG_DOMAINS) if rng.random() < 0.6 else rng.choice(GENERIC_DOMAINS)
        local = f"{i + 1000}+dev{i}" if domain == "users.noreply.github.com" else f"dev{i}"
        people.append(f"{name} <{local}@{domain}>")
        if i % 20 == 0:  # one in twenty also commits from an old address that .mailmap merges
            mailmap.append(f"{name} <{local}@{domain}> <dev{i}@old-laptop.local>")
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(count)]
    return people, mailmap, weights


def _data(raw: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(raw), raw)


def generate(path: Path, commits: int, identities: int, seed: int) -> float:
    """Create the repository at ``path``; returns the seconds fast-import took."""
    rng = random.Random(seed)
    people, mailmap, weights = _identities(identities, rng)
    subprocess.run(["git", "init", "-q", "--initial-branch=main", str(path)], check=True, env=_env())
    step = (END - START).total_seconds() / commits
    stream = bytearray()
    chosen = rng.choices(range(identities), weights=weights, k=commits)
    for n in range(commits):
        mark = n + 1
        when = int((START + timedelta(seconds=step * n + rng.uniform(0, step * 0.9))).timestamp())
        roll = rng.random()
        if roll < 0.03:
            author = rng.choice(BOTS)
        else:
            who = chosen[n]
            author = people[who]
            if who % 20 == 0 and rng.random() < 0.3:
                author = f"Dev {who:04d} <dev{who}@old-laptop.local>"
        message = f"Change {n}\n\nTouches module {n % 500}.\n"
        if rng.random() < 0.01:
            message += "\nCo-authored-by: Claude <noreply@anthropic.com>\n"
        stream += b"commit refs/heads/main\nmark :%d\n" % mark
        stream += b"author %s %d +0000\ncommitter %s %d +0000\n" % (author.encode(), when, author.encode(), when)
        stream += _data(message.encode())
        if n % 200 == 199:
            stream += b"merge :%d\n" % (mark - 50)
        module = n % 500
        stream += b"M 100644 inline src/d%02d/module_%d.py\n" % (module // 25, module) + _data(b"# revision %d\n" % n)
        if n == 0:
            stream += b"M 100644 inline .mailmap\n" + _data(("\n".join(mailmap) + "\n").encode())
        stream += b"\n"
    started = time.perf_counter()
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=bytes(stream), check=True, env=_env())
    elapsed = time.perf_counter() - started
    subprocess.run(["git", "-C", str(path), "reset", "-q", "--hard", "main"], check=True, env=_env())
    return elapsed


# -- measurements (each runs in a child process: python benchmarks/git_history.py --measure ...) ----------


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure_git_log(repo: Path) -> dict[str, Any]:
    from chaoss_mcp.sources.git import git_command, git_environment
    from chaoss_mcp.sources.git.history import _LOG_FORMAT

    argv = git_command(
        repo, "log", "-z", "--use-mailmap", "--no-show-signature", "--no-color", "--no-notes",
        f"--format={_LOG_FORMAT}", "--end-of-options", "HEAD", "--",
    )  # fmt: skip
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, env=git_environment())
    assert proc.stdout is not None
    size = 0
    while chunk := proc.stdout.read(1 << 20):
        size += len(chunk)
    proc.wait()
    return {"seconds": time.perf_counter() - started, "bytes": size}


def measure_tool(repo: Path, tool: str) -> dict[str, Any]:
    import anyio

    from chaoss_mcp import service
    from chaoss_mcp.budget import Budget, Call
    from chaoss_mcp.config import Settings
    from chaoss_mcp.state import open_state

    settings = Settings(
        allow_paths=(repo.parent,),
        cache_dir=repo.parent / "cache",
        config_dir=repo.parent / "config",
        api_url="http://127.0.0.1:9",
        signing=False,
        time_budget=600,
    )
    before = _peak_mb()
    out: dict[str, Any] = {}

    async def main() -> None:
        async with open_state(settings) as state:
            started = time.perf_counter()
            call = Call(budget=Budget(settings.time_budget))
            result = await service.run_metric(
                state, tool, repo=str(repo), window_days=WINDOW_DAYS, as_of=AS_OF, call=call
            )
            out["seconds"] = time.perf_counter() - started
            value = result.value
            out["figures"] = {
                "contributor_absence_factor": lambda v: {"factor": v.factor, "commits": v.commits},
                "contribution_activity": lambda v: {"contributors": v.active_contributors, "commits": v.commits},
                "organizational_diversity": lambda v: {
                    "elephant_factor": v.elephant_factor,
                    "orgs": v.organization_count,
                },
            }[tool](value)
            out["status"] = result.status

    anyio.run(main)
    out["rss_before_mb"] = before
    return out


def measure_naive(repo: Path, sample: int, numstat: bool) -> dict[str, Any]:
    env = _env()
    started = time.perf_counter()
    shas = subprocess.run(
        ["git", "-C", str(repo), "rev-list", "HEAD"], capture_output=True, check=True, env=env
    ).stdout.split()
    listed = time.perf_counter() - started
    picked = random.Random(1).sample(shas, min(sample, len(shas)))
    extra = ["--numstat"] if numstat else ["-s"]
    started = time.perf_counter()
    for sha in picked:
        subprocess.run(
            ["git", "-C", str(repo), "show", "--use-mailmap", *extra, "--format=%aN%x1f%aE%x1f%at%x1f%P", sha.decode()],
            capture_output=True,
            check=True,
            env=env,
        )
    per_commit = (time.perf_counter() - started) / len(picked)
    return {"seconds": listed + per_commit * len(shas), "per_commit_ms": per_commit * 1000, "sampled": len(picked)}


def child(args: argparse.Namespace) -> None:
    repo = Path(args.repo)
    what = args.measure
    if what == "git_log":
        out = measure_git_log(repo)
    elif what.startswith("naive"):
        out = measure_naive(repo, args.sample, numstat=what == "naive_numstat")
    else:
        out = measure_tool(repo, what)
    out["peak_mb"] = _peak_mb()
    print(json.dumps(out))


# -- the run ---------------------------------------------------------------------------------------------


def run_child(repo: Path, what: str, sample: int) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--measure", what, "--repo", str(repo), "--sample", str(sample)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    assert proc.stdout is not None and proc.stderr is not None
    output, errors = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed:\n{errors.decode()}")
    result: dict[str, Any] = json.loads(output)
    # ru_maxrss of the child covers it and, for git log, the largest of its own children (git).
    result["tree_peak_mb"] = usage.ru_maxrss / 1024
    return result


def run_cli(repo: Path) -> float:
    cli = Path(sys.executable).with_name("chaoss-mcp")
    argv = [str(cli) if cli.exists() else "chaoss-mcp", "call", "contribution_activity"]
    argv += [f"repo={repo}", f"window_days={WINDOW_DAYS}", f"as_of={AS_OF}", "--time-budget", "600"]
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_TOKEN", "GH_TOKEN")}
    env.update(CHAOSS_MCP_CACHE_DIR=str(repo.parent / "cache"), CHAOSS_MCP_CONFIG_DIR=str(repo.parent / "config"))
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, cwd=repo, env=env, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the CLI failed:\n{done.stderr.decode()}")
    json.loads(done.stdout)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--commits", type=int, default=50_000)
    parser.add_argument("--identities", type=int, default=2_000)
    parser.add_argument("--sample", type=int, default=500, help="commits the naive readers time (extrapolated)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate the repository here and keep it")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--repo", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        child(args)
        return

    workdir = Path(tempfile.mkdtemp(prefix="chaoss-bench-")) if args.keep is None else args.keep
    repo = workdir / "synthetic"
    if repo.exists():
        shutil.rmtree(repo)
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        import_seconds = generate(repo, args.commits, args.identities, args.seed)
        total_seconds = time.perf_counter() - started
        print(f"git {subprocess.run(['git', '--version'], capture_output=True, text=True).stdout.split()[-1]}, "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")  # fmt: skip
        print(
            f"generated {args.commits:,} commits by {args.identities:,} identities in {total_seconds:.1f} s "
            f"(fast-import {import_seconds:.1f} s)"
        )
        base = run_child(repo, "git_log", args.sample)
        log_s = base["seconds"]
        print(f"\n{'measurement':<34}{'seconds':>9}{'x git log':>11}{'peak MB':>9}  figures")
        print(f"{'git log (same format, discarded)':<34}{log_s:>9.2f}{1:>11.2f}{base['tree_peak_mb']:>9.0f}"
              f"  {base['bytes'] / 1e6:.1f} MB of log")  # fmt: skip
        for tool in TOOLS:
            out = run_child(repo, tool, args.sample)
            print(
                f"{tool:<34}{out['seconds']:>9.2f}{out['seconds'] / log_s:>11.2f}{out['peak_mb']:>9.0f}"
                f"  {out['figures']} ({out['status']}; {out['rss_before_mb']:.0f} MB before the call)"
            )
        cli = run_cli(repo)
        print(f"{'CLI contribution_activity (wall)':<34}{cli:>9.2f}{cli / log_s:>11.2f}{'':>9}  with start-up")
        for what, label in (
            ("naive_meta", "naive: git show -s per commit"),
            ("naive_numstat", "naive: show --numstat"),
        ):
            out = run_child(repo, what, args.sample)
            print(
                f"{label:<34}{out['seconds']:>9.2f}{out['seconds'] / log_s:>11.2f}{out['peak_mb']:>9.0f}"
                f"  {out['per_commit_ms']:.2f} ms/commit on {out['sampled']}, extrapolated"
            )
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
