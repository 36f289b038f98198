"""Which local paths a caller may read: only directories under an allowed root.

Roots come from ``--allow-path``/``CHAOSS_MCP_ALLOW_PATHS`` and from the MCP client's declared roots.
Paths are compared after expanding ``~`` and resolving every symlink, so a link inside a root that
points outside it is refused.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from chaoss_mcp.errors import BadInputError
from chaoss_mcp.sources.git.history import locate_repository
from chaoss_mcp.sources.github.names import mask_credentials

MAX_PATH_CHARS = 4096
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
_HOW_TO_ALLOW = (
    "Start the server with --allow-path DIR or set CHAOSS_MCP_ALLOW_PATHS, or let your MCP client declare it as a root."
)


def looks_like_local_path(text: str) -> bool:
    """True for forms that can only mean a local path (the tools then read git, not GitHub).

    ``owner/name`` is a GitHub repository, so a relative path must start with ``./`` or ``../``.
    """
    text = text.strip()
    if not text:
        return False
    if text.startswith(("/", "./", "../", "~", ".\\", "..\\", "\\\\")) or text in (".", ".."):
        return True
    if text.lower().startswith("file://"):
        return True
    return bool(_WINDOWS_DRIVE.match(text))


def _text_to_path(text: str) -> Path:
    if text.lower().startswith("file://"):
        try:
            parts = urlsplit(text)
        except ValueError:  # an unclosed [IPv6] bracket, or a host that NFKC turns into delimiters
            raise BadInputError(f"{_shown(text)} is not a valid file:// URL; give a local path instead.") from None
        if parts.netloc not in ("", "localhost"):
            raise BadInputError(
                f"{_shown(text)} names a file on another host ({parts.hostname or '?'}); give a local path instead."
            )
        path = Path(unquote(parts.path))
    else:
        try:
            path = Path(text).expanduser()
        except (RuntimeError, KeyError):  # ~user for a user this machine does not know
            raise BadInputError(f"{_shown(text)} starts with ~ but names no known home directory.") from None
    try:
        os.fsencode(path)  # a lone surrogate, or a NUL that a file:// URL spelled as %00
        if "\0" in str(path):
            raise ValueError("NUL")
    except (UnicodeError, ValueError):
        raise BadInputError(f"{_shown(text)} is not a usable file name; give a plain directory path.") from None
    return path


def _shown(text: str) -> str:
    masked = mask_credentials(text)
    return repr(masked if len(masked) <= 80 else masked[:77] + "...")


def _stat_kind(path: Path) -> str:
    """'dir', 'file' or 'missing'; any other failure (a name too long, no permission) is a BadInputError."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    except NotADirectoryError:
        return "missing"
    except OSError as exc:
        raise BadInputError(f"{path} cannot be read ({exc.strerror or exc}); check the path.") from None
    return "dir" if stat.S_ISDIR(mode) else "file"


def _realpath(path: Path) -> Path:
    return Path(os.path.realpath(path))


def is_within(path: Path, roots: Sequence[Path]) -> bool:
    """True when ``path`` (already resolved) is one of ``roots`` or below one, after resolving them."""
    return any(path == root or path.is_relative_to(root) for root in (_realpath(r.expanduser()) for r in roots))


def check_within_roots(path: Path, allowed_roots: Sequence[Path]) -> Path:
    """``path`` resolved, or BadInputError when it is outside every allowed root.

    Call it again on the repository's top level found by git: a directory inside a root may belong to
    a repository whose top lies outside it.
    """
    resolved = _realpath(path)
    if not is_within(resolved, allowed_roots):
        listed = ", ".join(str(_realpath(r.expanduser())) for r in allowed_roots) or "none are configured"
        raise BadInputError(f"{resolved} is outside the allowed roots ({listed}). {_HOW_TO_ALLOW}")
    return resolved


def resolve_local_repo(path_text: str, allowed_roots: Sequence[Path], *, deadline: float | None = None) -> Path:
    """The canonical path of an existing git directory under an allowed root, or BadInputError.

    The repository the directory belongs to must lie under an allowed root too: a subdirectory of a
    repository whose top is outside every root would otherwise expose that whole repository's history.
    """
    if "\0" in path_text:
        raise BadInputError("The repository path contains a NUL byte; give a plain directory path.")
    text = path_text.strip()
    if not text:
        raise BadInputError("The repository path is empty; give a directory path such as ./myproject.")
    if len(text) > MAX_PATH_CHARS:
        raise BadInputError(f"The repository path is longer than {MAX_PATH_CHARS} characters; give a shorter path.")
    resolved = check_within_roots(_text_to_path(text), allowed_roots)
    kind = _stat_kind(resolved)
    if kind == "missing":
        raise BadInputError(f"{resolved} does not exist; check the path (it is read on the server's machine).")
    if kind != "dir":
        raise BadInputError(f"{resolved} is a file, not a directory; give the repository's directory.")
    top = _realpath(locate_repository(resolved, deadline=deadline).path)
    if top != resolved and not is_within(top, allowed_roots):
        raise BadInputError(
            f"{resolved} belongs to the git repository at {top}, which is outside the allowed roots. "
            f"Give {top} itself and allow it: {_HOW_TO_ALLOW[0].lower()}{_HOW_TO_ALLOW[1:]}"
        )
    return resolved
