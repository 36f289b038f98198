"""Who is who: bots, merged identities, AI coding agents and affiliations.

``BotPolicy`` combines GitHub's own signals (account type ``Bot``, a ``[bot]`` login suffix) with the
community-editable patterns and accounts of ``metrics_specs/identities/bots.yaml``. ``AgentPolicy``
does the same for AI coding agents (``ai_agents.yaml``), ``AffiliationPolicy`` for organisations.

Identity merging follows a mailmap-style rule (CHAOSS reference §1.4): a GitHub login wins, then the
email address (GitHub's noreply addresses name the login), then the name. Emails are used to merge
and to infer affiliation only; ``display_name`` never returns one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from chaoss_mcp.records import Actor

# GitHub's private commit emails: "<id>+<login>@users.noreply.github.com" (since 2017) or the older
# "<login>@users.noreply.github.com" (https://docs.github.com/en/account-and-profile/reference/email-addresses-reference).
_NOREPLY = re.compile(r"^(?:\d+\+)?([^@+\s]+)@users\.noreply\.github\.com$", re.IGNORECASE)
_EMAIL_LIKE = re.compile(r"[^@\s<>()\[\]{}\"',;:]+@[^@\s<>()\[\]{}\"',;:]+\.[^@\s<>()\[\]{}\"',;:]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class BotPolicy:
    accounts: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = ()
    email_patterns: tuple[re.Pattern[str], ...] = field(default=())

    @classmethod
    def from_lists(
        cls,
        accounts: list[str] | tuple[str, ...] = (),
        patterns: list[str] | tuple[str, ...] = (),
        email_patterns: list[str] | tuple[str, ...] = (),
    ) -> BotPolicy:
        return cls(
            accounts=frozenset(a.lower() for a in accounts),
            patterns=tuple(re.compile(p, re.IGNORECASE) for p in patterns),
            email_patterns=tuple(re.compile(p, re.IGNORECASE) for p in email_patterns),
        )

    def _names_a_bot(self, handle: str) -> bool:
        low = handle.strip().lower()
        return low.endswith("[bot]") or low in self.accounts or any(p.search(handle.strip()) for p in self.patterns)

    def is_bot(self, actor: Actor | None) -> bool:
        """GitHub's account type, then the login; a git author without one is judged by the login its
        noreply email names, else by its name, with the same accounts and patterns (so one commit read
        from GitHub or from git gets the same answer)."""
        if actor is None:
            return False
        if actor.type == "Bot":
            return True
        if actor.login:
            return self._names_a_bot(actor.login) or self._bot_email(actor.email)
        if self._bot_email(actor.email):
            return True
        derived = noreply_login(actor.email)
        if derived:
            return self._names_a_bot(derived)
        return bool(actor.name) and self._names_a_bot(actor.name or "")

    def _bot_email(self, email: str | None) -> bool:
        return bool(email) and any(p.search(email or "") for p in self.email_patterns)


def noreply_login(email: str | None) -> str | None:
    """The GitHub login a ``users.noreply.github.com`` address names (lowercased), else None."""
    if not email:
        return None
    match = _NOREPLY.match(email.strip())
    return match.group(1).lower() if match else None


def login_of(actor: Actor) -> str | None:
    """The actor's GitHub login, lowercased: the known one, else the one its noreply email names."""
    if actor.login:
        return actor.login.lower()
    return noreply_login(actor.email)


def identity_key(actor: Actor) -> str:
    """One key per person: ``login:<login>``, else ``email:<address>``, else ``name:<name>``.

    Emails are lowercased whole (plus-tags are kept: they may be different people on some hosts);
    merging several addresses of one person is what ``.mailmap`` is for.
    """
    login = login_of(actor)
    if login:
        return "login:" + login
    if actor.email and actor.email.strip():
        return "email:" + actor.email.strip().lower()
    if actor.name and actor.name.strip():
        return "name:" + _SPACES.sub(" ", actor.name.strip()).casefold()
    return "unknown"


def display_name(actor: Actor) -> str:
    """What to show for a person: the login, else the name; never an email address."""
    login = actor.login or noreply_login(actor.email)
    if login:
        return login
    name = _SPACES.sub(" ", (actor.name or "").strip())
    if name:
        # Some people set user.name to their address; show only the part before the "@".
        return _EMAIL_LIKE.sub(lambda m: m.group(0).split("@", 1)[0], name)
    return "unknown"


@dataclass(frozen=True)
class AgentPolicy:
    """AI coding agents, from ``ai_agents.yaml``-style lists.

    ``co_author_patterns`` are regexes searched (case-insensitively) in ``"Name <email>"`` of a
    commit author or co-author; ``accounts`` are logins (or git names) of agent accounts.
    """

    co_author_patterns: tuple[re.Pattern[str], ...] = ()
    accounts: frozenset[str] = frozenset()

    @classmethod
    def from_lists(cls, co_author_patterns: Iterable[str] = (), accounts: Iterable[str] = ()) -> AgentPolicy:
        return cls(
            co_author_patterns=tuple(re.compile(p, re.IGNORECASE) for p in co_author_patterns),
            accounts=frozenset(a.strip().lower() for a in accounts),
        )

    def is_ai_agent(self, actor: Actor | None) -> bool:
        if actor is None:
            return False
        login = login_of(actor)
        if login and login in self.accounts:
            return True
        if not actor.login and actor.name and actor.name.strip().lower() in self.accounts:
            return True
        if self.co_author_patterns:
            text = f"{actor.name or actor.login or ''} <{actor.email or ''}>"
            return any(p.search(text) for p in self.co_author_patterns)
        return False


AffiliationSource = Literal["login_map", "domain_map", "company", "email_domain", "generic", "unknown"]

# Profile "company" values that name no employer.
_NO_COMPANY = frozenset(
    {
        "",
        "-",
        "--",
        "none",
        "n/a",
        "na",
        "null",
        "nil",
        "no",
        "nope",
        "self",
        "myself",
        "me",
        "home",
        "self-employed",
        "self employed",
        "freelance",
        "freelancer",
        "independent",
        "personal",
        "private",
        "unemployed",
        "student",
        "retired",
        "individual",
        "open source",
        "opensource",
    }
)
# Second-level labels under which country-code domains register names (example.co.uk, example.com.au).
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "ac", "edu", "gov", "ne", "or", "go", "gob", "mil", "nic"})
_NOT_A_DOMAIN = ("localhost", ".local", ".localdomain", ".(none)", ".internal", ".lan")


def email_domain(email: str | None) -> str | None:
    """The lowercased host part of an address, or None when there is no usable one."""
    if not email or "@" not in email:
        return None
    domain = email.strip().rsplit("@", 1)[1].strip().strip(".").lower()
    if not domain or "." not in domain or domain.endswith(_NOT_A_DOMAIN) or domain == "localhost":
        return None
    return domain


def registrable_domain(domain: str) -> str:
    """``mail.corp.example.com`` -> ``example.com``; ``www.ibm.co.uk`` -> ``ibm.co.uk``.

    A heuristic, not the Public Suffix List: two labels, or three under a two-letter country code
    whose second level is a common registration label (co, com, ac, ...).
    """
    labels = domain.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _parents(domain: str) -> Iterable[str]:
    labels = domain.split(".")
    for i in range(len(labels) - 1):
        yield ".".join(labels[i:])


def normalize_company(company: str | None) -> str | None:
    """A GitHub profile company as an organisation name: no leading ``@``, trimmed; None if it names none."""
    if company is None:
        return None
    text = _SPACES.sub(" ", company.strip().lstrip("@").strip())
    if text.casefold().strip(".") in _NO_COMPANY:
        return None
    return text


def organization_key(name: str) -> str:
    """The key organisations are grouped by: case-folded, spaces collapsed."""
    return _SPACES.sub(" ", name.strip().lstrip("@")).casefold()


@dataclass(frozen=True)
class AffiliationPolicy:
    """Where a person works, from curated maps first and noisy signals last (CHAOSS reference §1.7)."""

    generic_domains: frozenset[str] = frozenset()
    domains: Mapping[str, str] = field(default_factory=dict)
    logins: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Accept any iterable/mapping; compare lowercased.
        object.__setattr__(self, "generic_domains", frozenset(d.strip().lower() for d in self.generic_domains))
        object.__setattr__(self, "domains", {k.strip().lower(): v for k, v in dict(self.domains).items()})
        object.__setattr__(self, "logins", {k.strip().lower(): v for k, v in dict(self.logins).items()})

    def _is_generic(self, domain: str) -> bool:
        # GitHub's noreply addresses hide the real one: they say nothing about an employer.
        return domain == "users.noreply.github.com" or domain in self.generic_domains

    def affiliation(self, actor: Actor, company: str | None = None) -> tuple[str | None, AffiliationSource]:
        """(organisation, how it was found). Unaffiliated (generic domain) and unknown are None."""
        login = login_of(actor)
        if login and login in self.logins:
            return self.logins[login], "login_map"
        domain = email_domain(actor.email)
        generic = False
        if domain:
            # Most specific first, so users.noreply.github.com (generic) is settled before github.com (mapped).
            for parent in _parents(domain):
                if parent in self.domains:
                    return self.domains[parent], "domain_map"
                if self._is_generic(parent):
                    generic = True
                    break
        named = normalize_company(company)
        if named:
            return named, "company"
        if domain is None:
            return None, "unknown"
        if generic:
            return None, "generic"
        return registrable_domain(domain), "email_domain"
