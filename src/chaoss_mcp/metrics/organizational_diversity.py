"""Organizational Diversity and the Elephant Factor: how commits spread across organisations.

Follows CHAOSS Organizational Diversity (https://chaoss.community/?p=3464) and Elephant Factor
(https://chaoss.community/?p=3940). Variant used here: non-merge commits with an author date in the
window, bots excluded when ``exclude_bots``; each commit is attributed to its author's organisation
found, in order, from the curated login map, the curated domain map (the email domain or a parent of
it), the GitHub profile company, and finally the email domain itself. Generic (personal) email domains
make a commit *unaffiliated*, a missing or unusable email *unknown*: neither is an organisation. The
elephant factor is the fewest organisations whose commits reach ``share`` of the commits attributed
to an organisation (running sum at least the share, the Contributor Absence Factor rule); the
unaffiliated and unknown shares are reported beside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

from chaoss_mcp.identity import AffiliationPolicy, AffiliationSource, BotPolicy, login_of, organization_key
from chaoss_mcp.metrics.contributor_absence_factor import IdentityCache, smallest_group
from chaoss_mcp.records import Actor, Commit
from chaoss_mcp.window import TimeWindow

ID = "organizational_diversity"
VARIANT = "commit_author_affiliation_in_window"
ORG_LIMIT = 20
_SOURCES: tuple[AffiliationSource, ...] = ("login_map", "domain_map", "company", "email_domain", "generic", "unknown")


class Params(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    window_days: int = Field(description="Length of the window, in days, ending at as_of")
    share: float = Field(gt=0, le=1, description="Share of affiliated commits the elephant factor must reach")
    generic_share_caveat: float = Field(
        ge=0, le=1, description="Unaffiliated + unknown share of commits from which a caveat is given"
    )
    exclude_bots: bool = Field(description="Leave commits by bots out of the count")


class Organization(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="Organisation name (from a curated map, a profile company or an email domain)")
    commits: int = Field(description="Counted commits by people attributed to it")
    share: float = Field(description="Share of all counted commits in the window (0-1, 4 decimals)")
    contributors: int = Field(description="Distinct contributors attributed to it")


class Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    elephant_factor: int | None = Field(
        description="Fewest organisations reaching the share of affiliated commits; null when no commit "
        "is attributed to an organisation"
    )
    organization_count: int = Field(description="Distinct organisations with counted commits")
    organizations: list[Organization] = Field(description="Organisations by commits, largest first (at most 20)")
    commits: int = Field(description="Counted commits (non-merge, author date in the window, bots excluded)")
    contributors: int = Field(description="Distinct (merged) contributors with counted commits")
    top_organization_share: float | None = Field(
        description="Share of all counted commits by the largest organisation; null when there is none"
    )
    affiliated_share: float | None = Field(description="Share of commits attributed to an organisation")
    unaffiliated_share: float | None = Field(
        description="Share of commits whose author uses a generic (personal) email domain; not an organisation"
    )
    unknown_share: float | None = Field(description="Share of commits with no usable email; not an organisation")
    affiliation_sources: dict[str, int] = Field(
        description="Commits per way the affiliation was found: login_map, domain_map, company, "
        "email_domain, generic, unknown"
    )
    bot_commits: int = Field(description="Commits by bots in the window")
    mostly_unattributed: bool = Field(
        description="True when the unaffiliated and unknown shares together reach generic_share_caveat"
    )


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def compute(
    *,
    commits: Sequence[Commit],
    window: TimeWindow,
    params: Params,
    bots: BotPolicy,
    affiliations: AffiliationPolicy,
    companies: Mapping[str, str] | None = None,
) -> Value:
    """Pure: no I/O, no clock. ``companies`` maps a GitHub login to its profile company."""
    by_login = {login.lower(): company for login, company in (companies or {}).items()}
    who_is = IdentityCache(bots).who
    # Per distinct author: (organisation key, organisation as spelled, how it was found).
    memo: dict[int, tuple[Actor, tuple[str | None, str | None, AffiliationSource]]] = {}
    org_commits: Counter[str] = Counter()
    org_people: dict[str, set[str]] = {}
    spellings: dict[str, Counter[str]] = {}
    sources: Counter[str] = Counter()
    people: set[str] = set()
    start, end, exclude_bots = window.start, window.end, params.exclude_bots
    total = bot_commits = 0
    for commit in commits:
        if commit.parents > 1 or not start <= commit.authored_at <= end:
            continue
        author = commit.author
        who = who_is(author)
        if who.bot:
            bot_commits += 1
            if exclude_bots:
                continue
        hit = memo.get(id(author))
        if hit is None or hit[0] is not author:
            login = login_of(author)
            org, source = affiliations.affiliation(author, by_login.get(login) if login else None)
            hit = (author, (organization_key(org) if org is not None else None, org, source))
            memo[id(author)] = hit
        org_key, org, source = hit[1]
        total += 1
        people.add(who.key)
        sources[source] += 1
        if org_key is None or org is None:
            continue
        org_commits[org_key] += 1
        if org_key not in org_people:
            org_people[org_key], spellings[org_key] = set(), Counter()
        org_people[org_key].add(who.key)
        spellings[org_key][org] += 1

    def shown(org_key: str) -> str:
        names = spellings[org_key]
        return min(names, key=lambda n: (-names[n], n))

    ranked = sorted(org_commits.items(), key=lambda kv: (-kv[1], shown(kv[0])))
    affiliated = sum(org_commits.values())
    return Value(
        elephant_factor=smallest_group(org_commits.values(), params.share, "at_least"),
        organization_count=len(ranked),
        organizations=[
            Organization(name=shown(k), commits=c, share=round(c / total, 4), contributors=len(org_people[k]))
            for k, c in ranked[:ORG_LIMIT]
        ],
        commits=total,
        contributors=len(people),
        top_organization_share=_share(ranked[0][1], total) if ranked else None,
        affiliated_share=_share(affiliated, total),
        unaffiliated_share=_share(sources["generic"], total),
        unknown_share=_share(sources["unknown"], total),
        affiliation_sources={source: sources[source] for source in _SOURCES},
        bot_commits=bot_commits,
        mostly_unattributed=total > 0
        and (sources["generic"] + sources["unknown"]) / total >= params.generic_share_caveat,
    )


def sample(value: Value) -> dict[str, int]:
    affiliated = sum(o for s, o in value.affiliation_sources.items() if s not in ("generic", "unknown"))
    return {
        "commits": value.commits,
        "affiliated_commits": affiliated,
        "contributors": value.contributors,
        "organizations": value.organization_count,
    }


def definition(params: Params) -> dict[str, object]:
    return {
        "variant": VARIANT,
        "contributions": "non-merge commits with an author date in the window",
        "affiliation_order": [
            "curated login map",
            "curated email domain map (the domain or a parent domain)",
            "GitHub profile company",
            "the email domain itself (registrable part, e.g. redhat.com)",
        ],
        "not_organizations": "generic (personal) email domains are unaffiliated, missing emails unknown",
        "elephant_factor": (
            f"the fewest organisations, largest first, whose commits sum to at least {params.share:.0%} "
            "of the commits attributed to any organisation"
        ),
        "shares": "organisation shares are of all counted commits, including unaffiliated and unknown ones",
        "share": params.share,
        "generic_share_caveat": params.generic_share_caveat,
        "exclude_bots": params.exclude_bots,
        "window_days": params.window_days,
    }


def caveats(value: Value) -> list[str]:
    notes: list[str] = []
    if value.commits == 0:
        return ["No commits were authored in the window, so there is no organisational breakdown."]
    if value.mostly_unattributed:
        src = value.affiliation_sources
        not_org = (src.get("generic", 0) + src.get("unknown", 0)) / value.commits
        notes.append(
            f"affiliation is inferred from email domains; {not_org:.0%} of commits have a generic domain "
            "or no usable email, so they count toward no organisation."
        )
    inferred = value.affiliation_sources.get("email_domain", 0)
    if inferred:
        notes.append(
            f"{inferred} commit{' is' if inferred == 1 else 's are'} attributed to the organisation named by "
            "their email domain, which can be wrong (university, consultancy or former employer addresses)."
        )
    if value.elephant_factor is None:
        notes.append("No commit could be attributed to an organisation, so there is no elephant factor.")
    return notes
