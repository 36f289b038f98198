"""The token never leaves the server except in the Authorization header sent to the API base.

A recognisable fake token (``ghp_CANARY...``, the only token the fake GitHub accepts here) is configured;
a whole session then runs every tool the server lists, every resource and prompt, calls that succeed and
calls that fail (bad input, unknown and private repositories, 5xx, rate limits, and faults whose bodies,
GraphQL errors and redirect targets quote the token back), with every logger at DEBUG. Then everything
the session produced is scanned for the token in several encodings: each result and error text, each
exception and traceback, each log line, every file under the isolated directories (cache database and
its journal, signing key, clones) and every URL the fake received. The same is done once over stdio with
the real ``python -m chaoss_mcp`` process at CHAOSS_MCP_LOG_LEVEL=DEBUG, its stderr captured to a file.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import sys
import time
import traceback
import urllib.parse
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client

from chaoss_mcp.config import Settings
from chaoss_mcp.server import build_server
from chaoss_mcp.state import load_all_specs
from tests.fake_github import FakeData, FakeGitHub, Fault, Shape, build_synthetic, make_sample_data
from tests.gitrepo import C, make_repo

pytestmark = pytest.mark.anyio

CANARY = "ghp_CANARY0123456789abcdefghijklmnopqrst"  # ghp_ and 36 characters, like a classic GitHub token
BUSY = "canary-org/busy"
AS_OF = "2026-03-31"


def _forms(secret: str) -> list[str]:
    """The token as it could appear if it leaked: raw, its body, halves, base64 and URL encodings."""
    body = secret[len("ghp_") :]
    forms = {secret, body, body[:18], body[18:], urllib.parse.quote(secret), secret[::-1]}
    for text in (secret, f"x-access-token:{secret}", f"{secret}:", f":{secret}", f"token {secret}"):
        encoded = base64.b64encode(text.encode()).decode()
        forms.update({encoded, encoded.rstrip("="), base64.urlsafe_b64encode(text.encode()).decode()})
    forms.add(secret.encode().hex())
    return sorted(forms)


FORMS = _forms(CANARY)


def leaks(text: str | bytes) -> list[str]:
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    found = [form for form in FORMS if form.encode() in data]
    # UTF-16 text (as some databases store it) of the raw token
    if CANARY.encode("utf-16-le") in data:
        found.append("utf-16")
    return found


def test_the_scanner_finds_the_token_in_every_form_it_looks_for() -> None:
    assert leaks(f"Authorization: Bearer {CANARY}")
    assert leaks(base64.b64encode(f"x-access-token:{CANARY}".encode()))
    assert leaks(CANARY.encode("utf-16-le"))
    assert leaks("...CANARY0123456789abcd...")
    assert not leaks("ghp_**** and sha256:0a1b2c3d4e5f")


def canary_data() -> FakeData:
    d = make_sample_data()
    build_synthetic(BUSY, Shape(as_of=date(2026, 3, 31), window_items=40, older_items=40, people=20, seed=3), d)
    d.add_repo("canary-org/private", private=True, description="Only with the token")
    return d


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(canary_data(), valid_tokens=[CANARY]) as gh:
        yield gh


class Capture(logging.Handler):
    """Every record of every logger, formatted with its traceback, as a host's log file would hold it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        self.lines.append(repr(record.args))


@pytest.fixture
def debug_logs() -> Iterator[Capture]:
    capture = Capture()
    root = logging.getLogger()
    saved = root.level, {name: logging.getLogger(name).level for name in ("httpx", "httpcore", "mcp", "chaoss_mcp")}
    root.addHandler(capture)
    root.setLevel(logging.DEBUG)
    logging.getLogger("chaoss_mcp").setLevel(logging.DEBUG)
    logging.getLogger("mcp").setLevel(logging.DEBUG)
    # As the server's own logging set-up does at DEBUG (cli._configure_logging): the HTTP libraries stay at
    # WARNING, since httpcore's DEBUG lines print response headers verbatim, and the faults below make
    # the fake echo the token in a Location header.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(saved[0])
        for name, level in saved[1].items():
            logging.getLogger(name).setLevel(level)


def text_of(result: Any) -> str:
    return " ".join(getattr(block, "text", "") for block in result.content)


def every_file(root: Path) -> Iterator[tuple[Path, bytes]]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path, path.read_bytes()


def inject_echoing_faults(fake: FakeGitHub) -> None:
    """Answers that quote the token back, as a misbehaving proxy or API could."""
    echo = f"Bad credentials for {CANARY} (Bearer {CANARY})"
    fake.inject(r"^/repos/octo-org/widgets/community/profile$", Fault.error(403, echo), times=None)
    fake.inject(r"^/repos/alice/tool/releases$", Fault.error(500, echo), times=None)
    fake.inject(r"^/repos/alice/tool/commits$", Fault.error(422, echo), times=None)
    fake.inject(r"^/repos/alice/tool$", Fault(301, {"Location": f"https://evil.example/{CANARY}?t={CANARY}"}), times=2)
    fake.inject(
        r"^/graphql$",
        Fault(200, {}, {"data": None, "errors": [{"type": "FORBIDDEN", "message": echo}]}),
        times=3,
    )


def tool_arguments(repo: str, local: Path) -> dict[str, list[dict[str, Any]]]:
    """Arguments for every tool: calls that succeed first, then calls that fail."""
    ok = {"repo": BUSY, "as_of": AS_OF}
    return {
        "repository_overview": [
            {"repo": BUSY},
            {"repo": "canary-org/private"},
            {"repo": "octo-org/nope"},
            {"repo": "https://evil.example/octo-org/widgets"},
        ],
        "api_status": [{}],
        "list_metrics": [{}],
        "project_health": [
            ok | {"detail": "full"},
            {"repo": str(local)},
            {"repo": "canary-org/nope"},
            ok | {"model": "no_such_model"},
        ],
        "compare_projects": [{"repos": [BUSY, "octo-org/widgets", "octo-org/nope", str(local)], "as_of": AS_OF}],
        "time_to_first_response": [ok, ok | {"window_days": 0}],
        "change_request_closure_ratio": [ok],
        "contributor_absence_factor": [ok, {"repo": str(local)}],
        "release_frequency": [ok],
        "contribution_activity": [
            ok,
            {"repo": str(local)},
            {"repo": "../../etc"},
            ok | {"as_of": "2999-01-01"},
            {"repo": "octo-org/widgets", "source": "git"},  # a clone from the fake, which serves no git
        ],
        "organizational_diversity": [ok],
        "discussion_tone": [ok],
        "security_practices": [{"repo": BUSY}, {"repo": "octo-org/widgets"}],
        "governance_transparency": [{"repo": "octo-org/widgets"}, {"repo": str(local)}],
        "verify_result": [],  # filled with a signed result during the session
    }


FAILING_AFTER_FAULTS = {
    "repository_overview": [{"repo": "alice/tool"}],
    "release_frequency": [{"repo": "alice/tool", "as_of": AS_OF}],
    "contribution_activity": [{"repo": "alice/tool", "as_of": AS_OF}],
    "governance_transparency": [{"repo": "octo-org/widgets"}],
    "time_to_first_response": [{"repo": "octo-org/widgets", "as_of": AS_OF}],
}


async def run_session(c: Client, local: Path, fake: FakeGitHub, texts: list[str]) -> dict[str, int]:
    """Call every listed tool (and resource and prompt); return how many calls succeeded and failed."""
    counts = {"ok": 0, "error": 0}
    listed = {t.name for t in (await c.list_tools()).tools}
    plan = tool_arguments(BUSY, local)
    assert listed == set(plan), f"tools not covered: {listed ^ set(plan)}"
    signed: dict[str, Any] | None = None

    async def call(tool: str, arguments: dict[str, Any]) -> None:
        nonlocal signed
        try:
            result = await c.call_tool(tool, arguments)
        except Exception as exc:  # a protocol error: its text and traceback are scanned too
            texts.append("".join(traceback.format_exception(exc)))
            counts["error"] += 1
            return
        texts.append(text_of(result))
        texts.append(json.dumps(result.structured_content, default=str))
        counts["error" if result.is_error else "ok"] += 1
        if not result.is_error and tool == "project_health" and signed is None:
            signed = result.structured_content

    for tool, calls in plan.items():
        for arguments in calls:
            await call(tool, arguments)
    assert signed is not None
    await call("verify_result", {"result": signed})
    await call("verify_result", {"result": json.dumps(signed)})
    await call("verify_result", {"result": signed | {"score": 0}})
    await call(
        "verify_result", {"result": signed, "public_key": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"}
    )

    inject_echoing_faults(fake)
    for tool, calls in FAILING_AFTER_FAULTS.items():
        for arguments in calls:
            await call(tool, arguments)
    fake.clear_faults()
    fake.set_quota(0, reset=time.time() + 3600)
    await call("repository_overview", {"repo": "octo-org/widgets"})  # from the cache, or rate limited
    await call("contribution_activity", {"repo": "alice/tool", "as_of": "2026-02-01", "window_days": 33})
    await call("api_status", {})

    for resource in (await c.list_resources()).resources:
        texts.append(str(await c.read_resource(resource.uri)))
    for uri in ("chaoss://metrics/time_to_first_response", "chaoss://models/starter_project_health"):
        texts.append(str(await c.read_resource(uri)))
    for prompt in (await c.list_prompts()).prompts:
        arguments = {a.name: "octo-org/widgets" for a in prompt.arguments or []}
        texts.append(str(await c.get_prompt(prompt.name, arguments)))
    return counts


def assert_nothing_leaks(texts: list[str], roots: list[Path], fake: FakeGitHub) -> int:
    for i, text in enumerate(texts):
        assert not leaks(text), f"text #{i} holds the token ({leaks(text)}): {text[:300]}"
    scanned = 0
    for root in roots:
        for path, data in every_file(root):
            scanned += 1
            assert not leaks(data), f"{path} holds the token ({leaks(data)})"
    identity = "sha256:" + hashlib.sha256(f"Bearer {CANARY}".encode()).hexdigest()[:12]
    assert fake.requests, "the session sent no request"
    for record in fake.requests:
        assert not leaks(record.path + json.dumps(record.query) + json.dumps(record.body, default=str)), record
        if record.headers.get("user-agent", "").startswith("git/"):
            # source="git" clones from the forge's web host: the API token is never handed to git.
            assert "authorization" not in record.headers, record
        else:
            assert record.headers.get("authorization") == identity, "the session did not use the token"
    return scanned


async def test_a_full_debug_session_never_shows_the_token_in_results_errors_logs_or_files(
    fake: FakeGitHub, tmp_path: Path, debug_logs: Capture
) -> None:
    local = make_repo(tmp_path / "repos" / "project", [C(when="2026-03-01T10:00:00Z"), C(when="2026-03-02T10:00:00Z")])
    s = Settings(
        api_url=fake.url,
        token=CANARY,
        cache_dir=tmp_path / "cache",
        config_dir=tmp_path / "config",
        allow_paths=(tmp_path / "repos",),
        log_level="DEBUG",
        time_budget=20,
    )
    texts: list[str] = [repr(s), str(s), s.model_dump_json(), json.dumps(s.model_dump(mode="json"), default=str)]
    async with Client(build_server(s, load_all_specs(s))) as c:
        counts = await run_session(c, local, fake, texts)
    texts += debug_logs.lines
    assert counts["ok"] >= 20 and counts["error"] >= 12, counts
    assert any("GET " in line for line in debug_logs.lines), "DEBUG logging did not reach the capture"
    scanned = assert_nothing_leaks(texts, [tmp_path], fake)
    assert (tmp_path / "cache" / "http-cache.sqlite3").exists() and scanned >= 3
    assert list((tmp_path / "config").rglob("*")), "the signing key was not written where it is scanned"
    print(f"\nscanned {len(texts)} texts ({len(debug_logs.lines)} log lines), {scanned} files; calls {counts}")


async def test_the_stdio_server_at_debug_level_never_writes_the_token_to_stderr_or_disk(
    fake: FakeGitHub, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    local = make_repo(home / "repos" / "project", [C(when="2026-03-01T10:00:00Z")])
    env = {
        "GITHUB_API_URL": fake.url,
        "GITHUB_TOKEN": CANARY,
        "CHAOSS_MCP_LOG_LEVEL": "DEBUG",
        "CHAOSS_MCP_CACHE_DIR": str(home / "cache"),
        "CHAOSS_MCP_CONFIG_DIR": str(home / "config"),
        "CHAOSS_MCP_ALLOW_PATHS": str(home / "repos"),
        "CHAOSS_MCP_TIME_BUDGET": "20",
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / "xdg-cache"),
        "XDG_CONFIG_HOME": str(home / "xdg-config"),
    }
    params = StdioServerParameters(command=sys.executable, args=["-m", "chaoss_mcp"], env=env)
    stderr_path = tmp_path / "stderr.log"
    texts: list[str] = []
    with stderr_path.open("w") as errlog:
        async with Client(stdio_client(params, errlog=errlog)) as c:
            counts = await run_session(c, local, fake, texts)
    stderr = stderr_path.read_text()
    assert " DEBUG " in stderr and "GET " in stderr, "the server did not log at DEBUG"
    assert counts["ok"] >= 20 and counts["error"] >= 12, counts
    texts.append(stderr)
    scanned = assert_nothing_leaks(texts, [home], fake)
    assert scanned >= 3
