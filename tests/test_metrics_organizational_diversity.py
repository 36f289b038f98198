"""Organizational diversity and the elephant factor over email domains, profile companies and the maps."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from chaoss_mcp.identity import AffiliationPolicy, BotPolicy
from chaoss_mcp.metrics import organizational_diversity as od
from chaoss_mcp.records import Actor, Commit
from chaoss_mcp.specs import SpecSet, load_specs
from chaoss_mcp.window import TimeWindow

AS_OF = date(2026, 6, 30)
WINDOW = TimeWindow.ending(AS_OF, 365)
IN = datetime(2026, 3, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def builtin() -> SpecSet:
    return load_specs()


def params(**changes: object) -> od.Params:
    values: dict[str, object] = {"window_days": 365, "share": 0.5, "generic_share_caveat": 0.4, "exclude_bots": True}
    values.update(changes)
    return od.Params.model_validate(values)


def times(actor: Actor, count: int, *, parents: int = 1, when: datetime = IN) -> list[Commit]:
    return [
        Commit(sha=f"{actor}-{i}", author=actor, authored_at=when + timedelta(hours=i), parents=parents)
        for i in range(count)
    ]


HANA = Actor(login="Hana", name="Hana", email="hana@gmail.com")  # from GitHub, with a profile company
HISTORY = [
    *times(Actor(name="Alice", email="alice@redhat.com"), 4),  # Red Hat, from the built-in domain map
    *times(Actor(name="Alice", email="alice@redhat.com"), 1, parents=2),  # a merge: not counted
    *times(Actor(name="Bob", email="bob@us.ibm.com"), 3),  # IBM: a parent domain is in the map
    *times(Actor(name="Carol", email="carol@acme.io"), 2),  # acme.io: the email domain itself
    *times(Actor(name="Dave", email="dave@build.acme.io"), 1),  # acme.io again, another person
    *times(Actor(name="Erin", email="erin@gmail.com"), 3),  # generic: unaffiliated
    *times(Actor(name="Frank", email="7+frank@users.noreply.github.com"), 2),  # GitHub noreply: unaffiliated
    *times(Actor(name="Gus"), 1),  # no address at all: unknown
    *times(HANA, 2),  # gmail, but the profile says Hooli
    *times(Actor(name="renovate[bot]", email="29139614+renovate[bot]@users.noreply.github.com"), 2),
    *times(Actor(name="Ivan", email="ivan@ibm.com"), 1, when=WINDOW.start - timedelta(seconds=1)),  # too early
]
COMPANIES = {"hana": "@Hooli "}


def compute(builtin: SpecSet, history: list[Commit] = HISTORY, **changes: object) -> od.Value:
    return od.compute(
        commits=history,
        window=WINDOW,
        params=params(**changes),
        bots=builtin.bot_policy(),
        affiliations=builtin.affiliation_policy(),
        companies=COMPANIES,
    )


def test_commits_go_to_organisations_and_the_elephant_factor_counts_the_fewest_reaching_half(
    builtin: SpecSet,
) -> None:
    value = compute(builtin)
    # 18 counted commits; 12 attributed: Red Hat 4, IBM 3, acme.io 3, Hooli 2. Half of 12 is 6:
    # Red Hat 4 falls short, with IBM 7 reaches it.
    assert (value.elephant_factor, value.organization_count, value.commits, value.contributors) == (2, 4, 18, 8)
    assert [(o.name, o.commits, o.share, o.contributors) for o in value.organizations] == [
        ("Red Hat", 4, 0.2222, 1),
        ("IBM", 3, 0.1667, 1),
        ("acme.io", 3, 0.1667, 2),
        ("Hooli", 2, 0.1111, 1),
    ]
    assert value.top_organization_share == 0.2222
    assert (value.affiliated_share, value.unaffiliated_share, value.unknown_share) == (0.6667, 0.2778, 0.0556)
    assert value.affiliation_sources == {
        "login_map": 0,
        "domain_map": 7,
        "company": 2,
        "email_domain": 3,
        "generic": 5,
        "unknown": 1,
    }
    assert (value.bot_commits, value.mostly_unattributed) == (2, False)


def test_github_noreply_addresses_are_unaffiliated_never_github_the_company(builtin: SpecSet) -> None:
    noreply = times(Actor(name="Frank", email="7+frank@users.noreply.github.com"), 3)
    staff = times(Actor(name="Mona", email="mona@github.com"), 1)
    value = compute(builtin, noreply + staff)
    assert [(o.name, o.commits) for o in value.organizations] == [("GitHub", 1)]
    assert value.affiliation_sources["generic"] == 3


def test_a_user_affiliation_map_changes_the_attribution(tmp_path: Path) -> None:
    (tmp_path / "identities").mkdir()
    (tmp_path / "identities" / "affiliations.yaml").write_text(
        "domains: {acme.io: Acme Corp}\nlogins: {frank: Initech}\n"
    )
    value = compute(load_specs([tmp_path]))
    # Red Hat 4, IBM 3, Acme Corp 3, Hooli 2, Initech 2 (Frank's noreply names his login): 14, half 7.
    assert [(o.name, o.commits, o.contributors) for o in value.organizations] == [
        ("Red Hat", 4, 1),
        ("Acme Corp", 3, 2),
        ("IBM", 3, 1),
        ("Hooli", 2, 1),
        ("Initech", 2, 1),
    ]
    assert value.elephant_factor == 2
    assert (value.affiliation_sources["login_map"], value.affiliation_sources["domain_map"]) == (2, 10)
    assert value.affiliation_sources["email_domain"] == 0


def test_one_organisation_spelled_two_ways_is_counted_once_under_its_usual_spelling() -> None:
    policy = AffiliationPolicy(domains={"redhat.com": "Red Hat"})
    history = [
        *times(Actor(name="A", email="a@redhat.com"), 2),
        *times(Actor(login="b", email="b@home.example"), 1),
    ]
    value = od.compute(
        commits=history,
        window=WINDOW,
        params=params(),
        bots=BotPolicy(),
        affiliations=policy,
        companies={"b": "@red  HAT"},
    )
    assert [(o.name, o.commits, o.contributors) for o in value.organizations] == [("Red Hat", 3, 2)]
    assert value.elephant_factor == 1


def test_a_mostly_personal_mail_history_gets_a_caveat_and_no_factor_without_organisations(builtin: SpecSet) -> None:
    history = times(Actor(name="Erin", email="erin@gmail.com"), 3) + times(Actor(name="Gus"), 1)
    value = compute(builtin, history)
    assert (value.elephant_factor, value.organization_count, value.top_organization_share) == (None, 0, None)
    assert (value.unaffiliated_share, value.unknown_share, value.mostly_unattributed) == (0.75, 0.25, True)
    notes = od.caveats(value)
    assert notes[0] == (
        "affiliation is inferred from email domains; 100% of commits have a generic domain or no usable email, "
        "so they count toward no organisation."
    )
    assert "No commit could be attributed to an organisation, so there is no elephant factor." in notes


def test_the_email_domain_caveat_counts_the_commits_it_covers(builtin: SpecSet) -> None:
    value = compute(
        builtin, times(Actor(name="C", email="c@acme.io"), 1) + times(Actor(name="R", email="r@redhat.com"), 1)
    )
    assert od.caveats(value) == [
        "1 commit is attributed to the organisation named by their email domain, which can be wrong "
        "(university, consultancy or former employer addresses)."
    ]


def test_bots_count_toward_their_domain_only_when_asked(builtin: SpecSet) -> None:
    history = times(Actor(name="acme-ci-bot", email="ci@ci.acme.io"), 2) + times(
        Actor(name="Bob", email="bob@ibm.com"), 1
    )
    assert [o.name for o in compute(builtin, history).organizations] == ["IBM"]
    kept = compute(builtin, history, exclude_bots=False)
    assert [(o.name, o.commits) for o in kept.organizations] == [("acme.io", 2), ("IBM", 1)]
    assert kept.bot_commits == 2


def test_no_commits_give_no_shares_and_one_caveat(builtin: SpecSet) -> None:
    value = compute(builtin, [])
    assert (value.commits, value.elephant_factor, value.affiliated_share, value.unknown_share) == (0, None, None, None)
    assert od.caveats(value) == ["No commits were authored in the window, so there is no organisational breakdown."]


def test_the_definition_gives_the_order_affiliation_is_looked_for_in() -> None:
    definition = od.definition(params())
    assert definition["affiliation_order"] == [
        "curated login map",
        "curated email domain map (the domain or a parent domain)",
        "GitHub profile company",
        "the email domain itself (registrable part, e.g. redhat.com)",
    ]
