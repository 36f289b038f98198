"""Parsing the ``repo`` argument into a GitHub owner/name, before any request is made.

Accepted: ``owner/name``, ``https://HOST/owner/name[.git]`` (HOST: github.com or the configured
Enterprise host), ``git@HOST:owner/name.git`` and ``ssh://git@HOST/owner/name.git``. Names are checked
against GitHub's rules, so no input can reach another path or host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from chaoss_mcp.errors import BadInputError

# GitHub logins: 1-39 alphanumerics or single hyphens, not starting or ending with a hyphen.
# (Older accounts may contain consecutive hyphens or end with one; accept those, refuse the rest.)
_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
# Repository names: letters, digits, '.', '-', '_' up to 100 characters; never '.' or '..'.
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_MAX_INPUT = 300


@dataclass(frozen=True)
class RepoName:
    owner: str
    name: str

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def __str__(self) -> str:
        return self.full_name


def _hint(web_host: str) -> str:
    return f"Give it as owner/name (e.g. octocat/hello-world) or https://{web_host}/owner/name."


_USERINFO = re.compile(r"(?<=://)[^/@]*@")


def mask_credentials(text: str) -> str:
    """A reference as it may be shown in an error or a log: any ``user:password@`` of a URL replaced."""
    return _USERINFO.sub("***@", text)


def parse_repo(text: object, web_host: str = "github.com") -> RepoName:
    """Parse and validate a repository reference; raise ``BadInputError`` with what to do otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise BadInputError(f"The repository is missing. {_hint(web_host)}")
    raw = text.strip()
    if len(raw) > _MAX_INPUT:
        raise BadInputError(f"The repository reference is too long ({len(raw)} characters). {_hint(web_host)}")
    masked = mask_credentials(raw)
    shown = masked if len(masked) <= 80 else masked[:77] + "..."
    # Whitespace, control characters, backslashes, percent-escapes, queries and fragments never occur in
    # a valid reference; refusing them up front closes off path and host tricks.
    if any(ord(c) < 33 or ord(c) == 127 or c in "\\?#%" for c in raw):
        raise BadInputError(f"{shown!r} is not a repository reference. {_hint(web_host)}")
    path: str
    host: str | None = None
    if raw.startswith("git@"):
        host_part, sep, path = raw[len("git@") :].partition(":")
        if not sep:
            raise BadInputError(f"{shown!r} is not a repository reference. {_hint(web_host)}")
        host = host_part
    elif "://" in raw:
        try:
            parts = urlsplit(raw)
            port = parts.port
        except ValueError:
            # A port that is not a number in 0-65535, an unclosed [IPv6] bracket, or a host whose
            # characters turn into URL delimiters under NFKC normalisation: never a forge URL.
            raise BadInputError(
                f"{shown!r} is not a valid URL (its host or port cannot be read). {_hint(web_host)}"
            ) from None
        if parts.scheme not in ("https", "http", "ssh", "git"):
            raise BadInputError(f"{shown!r} uses an unsupported scheme. {_hint(web_host)}")
        if parts.query or parts.fragment or parts.password or (parts.username and parts.scheme != "ssh"):
            raise BadInputError(f"{shown!r} must not carry credentials, a query or a fragment. {_hint(web_host)}")
        host = parts.hostname
        if port is not None and parts.scheme != "ssh":
            host = f"{host}:{port}"
        path = parts.path
    else:
        path = raw
    if host is not None and host.lower() not in {web_host.lower(), "www." + web_host.lower()}:
        raise BadInputError(
            f"{shown!r} is not on {web_host}, the forge this server is configured for. "
            "Set GITHUB_API_URL to use a GitHub Enterprise Server, or give owner/name."
        )
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    segments = path.split("/")
    if len(segments) != 2:
        raise BadInputError(f"{shown!r} is not of the form owner/name. {_hint(web_host)}")
    owner, name = segments
    if not _OWNER.match(owner):
        raise BadInputError(f"{owner!r} is not a valid GitHub user or organization name. {_hint(web_host)}")
    if not _NAME.match(name) or name in (".", ".."):
        raise BadInputError(f"{name!r} is not a valid GitHub repository name. {_hint(web_host)}")
    return RepoName(owner, name)
