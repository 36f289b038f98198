"""Who is who: bots, merged identities and affiliations.

``BotPolicy`` combines GitHub's own signals (account type ``Bot``, a ``[bot]`` login suffix) with the
community-editable patterns and accounts of ``metrics_specs/identities/bots.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chaoss_mcp.records import Actor


@dataclass(frozen=True)
class BotPolicy:
    accounts: frozenset[str] = frozenset()
    patterns: tuple[re.Pattern[str], ...] = ()
    email_patterns: tuple[re.Pattern[str], ...] = field(default=())

    @classmethod
    def from_lists(
        cls, accounts: list[str] | tuple[str, ...] = (), patterns: list[str] | tuple[str, ...] = (),
        email_patterns: list[str] | tuple[str, ...] = (),
    ) -> BotPolicy:
        return cls(
            accounts=frozenset(a.lower() for a in accounts),
            patterns=tuple(re.compile(p, re.IGNORECASE) for p in patterns),
            email_patterns=tuple(re.compile(p, re.IGNORECASE) for p in email_patterns),
        )

    def is_bot(self, actor: Actor | None) -> bool:
        if actor is None:
            return False
        if actor.type == "Bot":
            return True
        login = actor.login
        if login:
            low = login.lower()
            if low.endswith("[bot]") or low in self.accounts:
                return True
            if any(p.search(login) for p in self.patterns):
                return True
        if actor.email and any(p.search(actor.email) for p in self.email_patterns):
            return True
        if not login and actor.name:
            low = actor.name.lower()
            if low.endswith("[bot]") or low in self.accounts:
                return True
        return False
