"""The ``chaoss-mcp`` command: serve MCP over stdio (default), or run one tool from the shell.

Logs go to stderr; in ``serve`` mode stdout carries only the MCP protocol.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from chaoss_mcp import __version__
from chaoss_mcp.config import Settings, load_settings
from chaoss_mcp.errors import BadInputError, ChaossError

log = logging.getLogger("chaoss_mcp")


def _settings_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api-url", help="GitHub API base URL (default: GITHUB_API_URL or https://api.github.com)")
    parser.add_argument("--cache-dir", type=Path, help="Directory of the HTTP cache (default: CHAOSS_MCP_CACHE_DIR)")
    parser.add_argument("--cache-ttl", type=float, help="Seconds a cached response is served without a request")
    parser.add_argument("--time-budget", type=float, help="Seconds each tool call may spend collecting")
    parser.add_argument(
        "--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="Log level on stderr (default WARNING)"
    )
    parser.add_argument(
        "--specs", action="append", type=Path, default=[], metavar="DIR", help="Extra spec directory (repeatable)"
    )
    parser.add_argument(
        "--allow-path",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="Allow reading local git repositories under DIR (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chaoss-mcp",
        description=(
            "CHAOSS community-health metrics for AI assistants. With no command, serves MCP over stdio "
            "(for Claude Desktop and other MCP hosts)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"chaoss-mcp {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="Serve MCP over stdio (the default)")
    _settings_args(serve)

    call = commands.add_parser(
        "call",
        help="Run one tool and print its structured result as JSON",
        description=(
            "Run one MCP tool through the same code path as an MCP host and print its structured result as "
            "JSON. Arguments are key=value; each value is read as JSON when it parses, else as a string. "
            "Exit 0 on success, 1 with the error message on stderr on a tool error."
        ),
    )
    call.add_argument("tool", help="Tool name, e.g. repository_overview")
    call.add_argument("arguments", nargs="*", metavar="key=value")
    _settings_args(call)

    report = commands.add_parser(
        "report",
        help="Assess a repository with a metrics model and print a readable report",
        description=(
            "Run a metrics model (default Starter Project Health) on a GitHub repository or a local git "
            "history and print each metric's figure, score, band and reason, the window and the criteria hash."
        ),
    )
    report.add_argument("repo", help="owner/name, GitHub URL, or a path to a local git repository (e.g. .)")
    report.add_argument("--model", default="starter_project_health", help="Metrics model id (see `specs list`)")
    report.add_argument("--format", choices=["table", "markdown", "json"], default="table", dest="fmt")
    report.add_argument("--as-of", help="ISO date the report is computed as of (default: today)")
    report.add_argument("--source", choices=["github", "git"], help="Data source (default: from the repo form)")
    _settings_args(report)

    install = commands.add_parser("install", help="Add this server to an MCP host's configuration")
    install_commands = install.add_subparsers(dest="install_target", metavar="HOST", required=True)
    claude = install_commands.add_parser(
        "claude-desktop", help="Add or update the entry in Claude Desktop's config (backup first)"
    )
    claude.add_argument("--dry-run", action="store_true", help="Print what would change; change nothing")
    claude.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="Environment for the server (repeatable)"
    )
    claude.add_argument("--config", type=Path, help="Config file to edit (default: Claude Desktop's for this OS)")

    specs = commands.add_parser("specs", help="List or validate the YAML criteria")
    specs_commands = specs.add_subparsers(dest="specs_command", metavar="ACTION", required=True)
    specs_list = specs_commands.add_parser("list", help="Every metric, model and identity spec in use, with hashes")
    specs_list.add_argument(
        "--specs", action="append", type=Path, default=[], metavar="DIR", help="Extra spec directory (repeatable)"
    )
    validate = specs_commands.add_parser(
        "validate", help="Check user spec directories together with the built-in specs; exit 1 on any problem"
    )
    validate.add_argument("dirs", nargs="+", type=Path, metavar="DIR")

    key = commands.add_parser("key", help="The key that signs results")
    key_commands = key.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    key_commands.add_parser("show", help="Print the public key (PEM) and its id; creates the key on first use")

    verify = commands.add_parser(
        "verify",
        help="Check a signed result; exit 0 when valid, 1 when not",
        description="Check that a result JSON file was signed by this server (or a trusted key) and is unchanged.",
    )
    verify.add_argument("file", help="Result JSON file, or - for standard input")
    verify.add_argument("--key", help="Public key (PEM file) to check against instead of the trusted keys")
    return parser


def _specs_command(ns: argparse.Namespace) -> int:
    from chaoss_mcp.metrics import params_models
    from chaoss_mcp.specs import describe, load_specs, validate_dir
    from chaoss_mcp.state import check_spec_problems

    if ns.specs_command == "validate":
        failed = False
        for folder in ns.dirs:
            if not folder.is_dir():
                print(f"{folder}: not a directory", file=sys.stderr)
                failed = True
                continue
            problems = validate_dir(folder, params_models())
            if not problems:
                problems = check_spec_problems(load_specs((folder,), params_models()), under=folder)
            for line in problems:
                print(line, file=sys.stderr)
            failed = failed or bool(problems)
            if not problems:
                print(f"{folder}: valid")
        return 1 if failed else 0
    rows = describe(load_specs(tuple(ns.specs), params_models()))
    widths = {k: max(len(k), *(len(r[k]) for r in rows)) for k in ("kind", "id", "version", "origin", "sha256")}
    header = "  ".join(k.upper().ljust(widths[k]) for k in widths) + "  PATH"
    print(header)
    for row in rows:
        print("  ".join(row[k].ljust(widths[k]) for k in widths) + "  " + row["path"])
    return 0


async def _report(settings: Settings, ns: argparse.Namespace) -> int:
    from mcp import Client
    from rich.console import Console

    from chaoss_mcp.report import render
    from chaoss_mcp.server import build_server
    from chaoss_mcp.state import load_all_specs

    arguments: dict[str, Any] = {"repo": ns.repo, "model": ns.model, "detail": "full"}
    if ns.as_of:
        arguments["as_of"] = ns.as_of
    if ns.source:
        arguments["source"] = ns.source
    err = Console(stderr=True)
    server = build_server(settings, load_all_specs(settings))
    with err.status(f"Collecting {ns.repo} ...") as status:

        async def progress(progress: float, total: float | None, message: str | None) -> None:
            status.update(f"Collecting {ns.repo}: {message or ''}")

        async with Client(server) as client:
            result = await client.call_tool("project_health", arguments, progress_callback=progress)
    if result.is_error or result.structured_content is None:
        text = " ".join(getattr(block, "text", "") for block in result.content).strip()
        print(text.removeprefix("Error executing tool project_health: ") or "The report failed.", file=sys.stderr)
        return 1
    render(result.structured_content, ns.fmt, Console(soft_wrap=ns.fmt != "table"))
    return 0


def _install_command(ns: argparse.Namespace) -> int:
    from chaoss_mcp.install import apply, claude_config_path, describe, parse_env, plan, server_command

    path = ns.config or claude_config_path()
    change = plan(path, server_command(), [], parse_env(ns.env))
    if not ns.dry_run:
        apply(change)
    print(describe(change, applied=not ns.dry_run))
    return 0


def _key_command(settings: Settings) -> int:
    from chaoss_mcp.signing import Signer

    signer = Signer(settings)
    print(f"# key id: {signer.key_id()}")
    print(f"# private key: {settings.signing_key_path}")
    print(signer.public_pem(), end="")
    return 0


def _verify_command(settings: Settings, ns: argparse.Namespace) -> int:
    from chaoss_mcp.signing import Signer

    if ns.file == "-":
        text = sys.stdin.buffer.read()
    else:
        try:
            text = Path(ns.file).read_bytes()
        except OSError as exc:
            raise BadInputError(f"Cannot read {ns.file}: {exc.strerror or exc}.") from None
    public_key = None
    if ns.key is not None:
        try:
            public_key = Path(ns.key).read_text()
        except OSError as exc:
            raise BadInputError(f"Cannot read the public key {ns.key}: {exc.strerror or exc}.") from None
    outcome = Signer(settings).verify(text, public_key)
    print(f"{'valid' if outcome.valid else 'invalid'} ({outcome.reason}): {outcome.message}")
    if outcome.key_id:
        print(f"key id: {outcome.key_id}; signed at: {outcome.signed_at}; tool version: {outcome.tool_version}")
    return 0 if outcome.valid else 1


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        stream=sys.stderr, level=getattr(logging, level), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Request URLs at DEBUG are ours; keep the HTTP libraries' own chatter at WARNING.
    for noisy in ("httpx", "httpcore", "mcp"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, getattr(logging, level)))


def _settings(ns: argparse.Namespace, *, allow_cwd: bool) -> Settings:
    allow = list(ns.allow_path) + ([Path.cwd()] if allow_cwd else [])
    return load_settings(
        api_url=ns.api_url,
        cache_dir=ns.cache_dir,
        cache_ttl=ns.cache_ttl,
        time_budget=ns.time_budget,
        log_level=ns.log_level,
        specs_dirs=tuple(ns.specs),
        allow_paths=tuple(allow),
    )


def parse_arguments(pairs: Sequence[str]) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ChaossError(f"Tool arguments are key=value; {pair!r} is not.")
        try:
            arguments[key] = json.loads(raw)
        except ValueError:
            arguments[key] = raw
    return arguments


async def _call(settings: Settings, tool: str, arguments: dict[str, Any]) -> int:
    from mcp import Client

    from chaoss_mcp.server import build_server
    from chaoss_mcp.state import load_all_specs

    server = build_server(settings, load_all_specs(settings))
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    if result.is_error:
        text = " ".join(getattr(block, "text", "") for block in result.content).strip()
        text = text.removeprefix(f"Error executing tool {tool}: ")
        print(text or f"Tool {tool} failed.", file=sys.stderr)
        return 1
    payload = result.structured_content
    if payload is None:
        payload = {"content": [getattr(block, "text", None) for block in result.content]}
    print(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = list(sys.argv[1:] if argv is None else argv)
    # No command means serve, so a host entry may pass only settings: {"args": ["--specs", "DIR"]}.
    if not args or (args[0].startswith("-") and args[0] not in ("-h", "--help", "--version")):
        args = ["serve", *args]
    ns = parser.parse_args(args)
    command = ns.command
    try:
        if command == "specs":
            return _specs_command(ns)
        if command == "install":
            return _install_command(ns)
        if command in ("key", "verify"):
            settings = load_settings()
            _configure_logging(settings.log_level)
            return _key_command(settings) if command == "key" else _verify_command(settings, ns)
        settings = _settings(ns, allow_cwd=command in ("call", "report"))
        _configure_logging(settings.log_level)
        if command == "serve":
            from chaoss_mcp.server import build_server
            from chaoss_mcp.state import load_all_specs

            # A broken spec stops the server here, naming the file and field, before any client connects.
            build_server(settings, load_all_specs(settings)).run("stdio")
            return 0
        if command == "call":
            import anyio

            return anyio.run(_call, settings, ns.tool, parse_arguments(ns.arguments))
        if command == "report":
            import anyio

            return anyio.run(_report, settings, ns)
    except ChaossError as exc:
        print(f"chaoss-mcp: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    parser.error(f"unknown command {command}")
    return 2
