"""``chaoss-mcp install claude-desktop``: add or update this server's entry in Claude Desktop's config.

Backs the file up before changing it, leaves every other entry and key untouched, is idempotent, and
refuses (changing nothing) a config that is not a JSON object.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chaoss_mcp.errors import BadInputError

ENTRY_NAME = "chaoss"


def claude_config_path(platform: str = sys.platform, env: Mapping[str, str] | None = None) -> Path:
    """Where Claude Desktop reads ``claude_desktop_config.json`` on this OS."""
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or Path.home())
    if platform == "darwin":
        return home / "Library" / "Application Support" / "Claude" / "claude_desktop_config.json"
    if platform.startswith("win"):
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else home / "AppData" / "Roaming"
        return base / "Claude" / "claude_desktop_config.json"
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else home / ".config"
    return base / "Claude" / "claude_desktop_config.json"


def server_command() -> str:
    """Absolute path of the ``chaoss-mcp`` executable beside the running interpreter, else on PATH."""
    beside = Path(sys.executable).parent / ("chaoss-mcp.exe" if os.name == "nt" else "chaoss-mcp")
    if beside.is_file():
        return str(beside)
    found = shutil.which("chaoss-mcp")
    if found:
        return str(Path(found).resolve())
    return str(beside)


@dataclass(frozen=True)
class Plan:
    path: Path
    before: dict[str, Any] | None
    after: dict[str, Any]
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def parse_env(pairs: list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key or not key.replace("_", "").isalnum():
            raise BadInputError(f"--env takes NAME=VALUE; {pair.split('=', 1)[0]!r} is not a valid NAME=VALUE pair.")
        env[key] = value
    return env


def plan(path: Path, command: str, args: list[str], env: dict[str, str], name: str = ENTRY_NAME) -> Plan:
    before: dict[str, Any] | None = None
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError) as exc:
            raise BadInputError(
                f"{path} is not valid JSON ({exc}); nothing was changed. Fix or move the file, then run this again."
            ) from None
        if not isinstance(loaded, dict):
            raise BadInputError(f"{path} does not hold a JSON object; nothing was changed. Fix or move the file.")
        servers = loaded.get("mcpServers", {})
        if not isinstance(servers, dict):
            raise BadInputError(f"{path}: mcpServers is not a JSON object; nothing was changed. Fix the file.")
        before = loaded
    after = json.loads(json.dumps(before)) if before is not None else {}
    servers = after.setdefault("mcpServers", {})
    entry: dict[str, Any] = dict(servers.get(name) or {})
    entry["command"] = command
    entry["args"] = args
    if env:
        entry["env"] = {**(entry.get("env") or {}), **env}
    servers[name] = entry
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = path.with_name(f"{path.name}.{stamp}.bak") if before is not None else None
    return Plan(path=path, before=before, after=after, backup=backup)


def apply(change: Plan) -> None:
    if not change.changed:
        return
    change.path.parent.mkdir(parents=True, exist_ok=True)
    if change.backup is not None:
        shutil.copy2(change.path, change.backup)
    temporary = change.path.with_name(change.path.name + ".tmp")
    temporary.write_text(json.dumps(change.after, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, change.path)


def describe(change: Plan, *, applied: bool, name: str = ENTRY_NAME) -> str:
    """What changed (or would change); secret values in env are never printed."""
    entry = dict(change.after["mcpServers"][name])
    if "env" in entry:
        entry["env"] = {k: "***" for k in entry["env"]}
    shown = json.dumps({name: entry}, indent=2)
    if not change.changed:
        return f"{change.path}: the {name!r} entry is already up to date; nothing changed.\n{shown}"
    if applied:
        verb = "Updated" if change.before is not None else "Created"
    else:
        verb = "Would update" if change.before is not None else "Would create"
    lines = [f"{verb} {change.path} with the entry:", shown]
    if change.backup is not None:
        lines.append(f"{'Backed up' if applied else 'Would back up'} the previous file to {change.backup}.")
    lines.append("Other entries are left as they are. Restart Claude Desktop to load the change.")
    return "\n".join(lines)
