"""Who is who: bots, merged identities, names shown, AI coding agents and affiliations."""

from __future__ import annotations

from pathlib import Path

import pytest

from chaoss_mcp.identity import (
    AffiliationPolicy,
    display_name,
    email_domain,
    identity_key,
    noreply_login,
    normalize_company,
    organization_key,
    registrable_domain,
)
from chaoss_mcp.records import Actor
from chaoss_mcp.specs import SpecSet, load_specs


@pytest.fixture(scope="module")
def builtin() -> SpecSet:
    return load_specs()


# -- bots -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "why"),
    [
        (Actor(login="some-app", type="Bot"), "GitHub account type"),
        (Actor(login="mergify[bot]", type="User"), "[bot] login suffix"),
        (Actor(login="K8s-CI-Robot"), "bots.yaml account, any case"),
        (Actor(login="GitHub-Actions"), "bots.yaml account, any case"),
        (Actor(login="nightly-release-bot"), "bots.yaml pattern [-_]bot$"),
        (Actor(login="bot_builder"), "bots.yaml pattern ^bot[-_]"),
        (Actor(login="infra-robot"), "bots.yaml pattern [-_]robot$"),
        (Actor(name="dependabot[bot]", email="49699333+dependabot[bot]@users.noreply.github.com"), "noreply login"),
        (Actor(name="github-actions", email="41898282+github-actions[bot]@users.noreply.github.com"), "noreply"),
        (Actor(name="Renovate Bot", email="bot@renovateapp.com"), "bots.yaml email pattern"),
        (Actor(name="GitHub", email="noreply@github.com"), "bots.yaml email pattern"),
        (Actor(name="nightly-bot", email="ci@corp.example"), "git name matches a login pattern"),
        (Actor(name="homu", email="homu@servo.example"), "git name is a bots.yaml account"),
        (Actor(name="Release", email="9+release-bot@users.noreply.github.com"), "noreply login matches a pattern"),
    ],
)
def test_bots_are_recognised_from_github_signals_and_the_bots_file(builtin: SpecSet, actor: Actor, why: str) -> None:
    assert builtin.bot_policy().is_bot(actor), why


@pytest.mark.parametrize(
    "actor",
    [
        Actor(login="abbot"),
        Actor(login="talbot"),
        Actor(login="roboticist"),
        Actor(login="bottle-dev"),
        Actor(login="alice", name="ci-bot"),  # a login decides; the free-text name does not
        Actor(name="Octo Cat", email="583231+octocat@users.noreply.github.com"),
        Actor(name="Talbot", email="talbot@example.org"),
        Actor(name="Robo Tics", email="robo@example.org"),
        Actor(),
        None,
    ],
)
def test_people_whose_names_merely_contain_bot_are_not_bots(builtin: SpecSet, actor: Actor | None) -> None:
    assert not builtin.bot_policy().is_bot(actor)


@pytest.mark.parametrize(
    ("github", "git"),
    [
        (
            Actor(login="dependabot[bot]", type="Bot", name="dependabot[bot]"),
            Actor(name="dependabot[bot]", email="49699333+dependabot[bot]@users.noreply.github.com"),
        ),
        (
            Actor(login="release-bot", type="User", name="Release"),
            Actor(name="Release", email="77+release-bot@users.noreply.github.com"),
        ),
        (
            Actor(login="octocat", type="User", name="Octo Cat"),
            Actor(name="Octo Cat", email="583231+octocat@users.noreply.github.com"),
        ),
    ],
)
def test_one_commit_read_from_github_or_from_git_gets_the_same_answer(
    builtin: SpecSet, github: Actor, git: Actor
) -> None:
    bots = builtin.bot_policy()
    assert bots.is_bot(github) == bots.is_bot(git)
    assert identity_key(github) == identity_key(git)


def test_a_user_bots_file_adds_accounts_and_patterns(tmp_path: Path, builtin: SpecSet) -> None:
    (tmp_path / "identities").mkdir()
    (tmp_path / "identities" / "bots.yaml").write_text("accounts: [ferris-ci]\nlogin_patterns: ['^auto-']\n")
    bots = load_specs([tmp_path]).bot_policy()
    assert bots.is_bot(Actor(login="Ferris-CI")) and bots.is_bot(Actor(name="auto-merger", email="a@x.example"))
    assert bots.is_bot(Actor(login="dependabot[bot]"))  # the built-in list still applies
    assert not builtin.bot_policy().is_bot(Actor(login="ferris-ci"))


# -- identity merging and names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "key"),
    [
        (Actor(login="Octocat", email="octo@corp.example"), "login:octocat"),
        (Actor(name="Octo", email="583231+octocat@users.noreply.github.com"), "login:octocat"),
        (Actor(name="Octo", email="OctoCat@users.noreply.github.com"), "login:octocat"),
        (Actor(name="Ada", email=" Ada@Example.COM "), "email:ada@example.com"),
        (Actor(name="Ada", email="ada+lists@example.com"), "email:ada+lists@example.com"),
        (Actor(name="  Ada   LOVELACE "), "name:ada lovelace"),
        (Actor(name="Ada", email="  "), "name:ada"),
        (Actor(), "unknown"),
    ],
)
def test_a_login_wins_then_the_normalised_email_then_the_name(actor: Actor, key: str) -> None:
    assert identity_key(actor) == key


def test_noreply_addresses_name_a_login_and_other_addresses_do_not() -> None:
    assert noreply_login("12345+Jane-Doe@users.noreply.github.com") == "jane-doe"
    assert noreply_login("jane@users.noreply.github.com") == "jane"
    assert noreply_login("jane@noreply.github.com") is None
    assert noreply_login("jane@example.com") is None and noreply_login(None) is None


@pytest.mark.parametrize(
    ("actor", "shown"),
    [
        (Actor(login="octocat", name="Octo Cat", email="octo@corp.example"), "octocat"),
        (Actor(name="Octo Cat", email="583231+octocat@users.noreply.github.com"), "octocat"),
        (Actor(name=" Ada   Lovelace ", email="ada@example.com"), "Ada Lovelace"),
        (Actor(name="ada@example.com", email="ada@example.com"), "ada"),
        (Actor(name="Ada (ada.l@corp.example)"), "Ada (ada.l)"),
        (Actor(email="ada@example.com"), "unknown"),
    ],
)
def test_the_name_shown_is_a_login_or_a_name_never_an_email(actor: Actor, shown: str) -> None:
    assert display_name(actor) == shown
    assert "@" not in display_name(actor)


# -- AI coding agents -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "agent"),
    [
        (Actor(name="Claude", email="noreply@anthropic.com"), True),
        (Actor(name="Claude Code", email="claude@users.example"), True),
        (Actor(name="Claude Shannon", email="claude@bell.example"), False),
        (Actor(name="Copilot", email="198982749+Copilot@users.noreply.github.com"), True),
        (Actor(login="copilot-swe-agent[bot]", type="Bot"), True),
        (Actor(name="Cursor Agent", email="cursoragent@cursor.com"), True),
        (Actor(name="aider (gpt-4o)", email="noreply@aider.chat"), True),
        (Actor(name="Gemini Smith", email="gemini@example.org"), False),
        (Actor(name="Ada", email="ada@example.com"), False),
        (None, False),
    ],
)
def test_ai_agents_are_known_by_account_or_co_author_pattern(
    builtin: SpecSet, actor: Actor | None, agent: bool
) -> None:
    assert builtin.agent_policy().is_ai_agent(actor) is agent


# -- affiliation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "company", "expected"),
    [
        (Actor(email="alice@redhat.com"), None, ("Red Hat", "domain_map")),
        (Actor(email="alice@us.ibm.com"), None, ("IBM", "domain_map")),  # a parent domain in the map
        (Actor(email="alice@gmail.com"), None, (None, "generic")),
        (Actor(email="alice@mail.gmx.de"), None, (None, "generic")),
        (Actor(email="9+alice@users.noreply.github.com"), None, (None, "generic")),
        (Actor(email="bob@mail.corp.example.co.uk"), None, ("example.co.uk", "email_domain")),
        (Actor(email="bob@build.acme.io"), None, ("acme.io", "email_domain")),
        (Actor(name="no address"), None, (None, "unknown")),
        (Actor(email="root@localhost"), None, (None, "unknown")),
        (Actor(email="me@laptop.local"), None, (None, "unknown")),
        (Actor(email="me@(none)"), None, (None, "unknown")),
        (Actor(login="alice", email="alice@gmail.com"), "@Acme ", ("Acme", "company")),
        (Actor(login="alice", email="alice@gmail.com"), "self-employed", (None, "generic")),
        (Actor(login="alice", email="alice@redhat.com"), "Acme", ("Red Hat", "domain_map")),  # curated first
    ],
)
def test_affiliation_comes_from_curated_maps_then_company_then_email_domain(
    builtin: SpecSet, actor: Actor, company: str | None, expected: tuple[str | None, str]
) -> None:
    assert builtin.affiliation_policy().affiliation(actor, company) == expected


def test_a_user_affiliation_map_overrides_and_extends_the_builtin_one(tmp_path: Path) -> None:
    (tmp_path / "identities").mkdir()
    (tmp_path / "identities" / "affiliations.yaml").write_text(
        "generic_domains: [uni-mail.example]\n"
        "domains: {corp.example: Corp Inc, redhat.com: IBM}\n"
        "logins: {Ada: Analytical Engines}\n"
    )
    policy = load_specs([tmp_path]).affiliation_policy()
    assert policy.affiliation(Actor(login="ada", email="ada@redhat.com")) == ("Analytical Engines", "login_map")
    assert policy.affiliation(Actor(name="Ada", email="1+ADA@users.noreply.github.com")) == (
        "Analytical Engines",
        "login_map",
    )
    assert policy.affiliation(Actor(email="bob@dev.corp.example")) == ("Corp Inc", "domain_map")
    assert policy.affiliation(Actor(email="carl@redhat.com")) == ("IBM", "domain_map")  # later entries win
    assert policy.affiliation(Actor(email="dan@uni-mail.example")) == (None, "generic")
    assert policy.affiliation(Actor(email="eve@gmail.com")) == (None, "generic")  # built-in still there


def test_a_policy_built_in_code_compares_domains_and_logins_case_insensitively() -> None:
    policy = AffiliationPolicy(generic_domains={"GMail.com"}, domains={"Corp.Example": "Corp"}, logins={"ADA": "AE"})
    assert policy.affiliation(Actor(login="ada")) == ("AE", "login_map")
    assert policy.affiliation(Actor(email="x@CORP.example")) == ("Corp", "domain_map")
    assert policy.affiliation(Actor(email="x@gmail.com")) == (None, "generic")


def test_domains_companies_and_organisation_keys_are_normalised() -> None:
    assert email_domain(" Ada@Mail.Example.ORG. ") == "mail.example.org"
    assert email_domain("no-at-sign") is None and email_domain("x@nodot") is None and email_domain(None) is None
    assert registrable_domain("mail.corp.example.com") == "example.com"
    assert registrable_domain("www.ibm.co.uk") == "ibm.co.uk"
    assert registrable_domain("example.de") == "example.de"
    assert normalize_company("  @Red   Hat ") == "Red Hat"
    assert normalize_company("N/A") is None and normalize_company("Freelance.") is None
    assert normalize_company(None) is None
    assert organization_key(" Red  Hat") == organization_key("red hat") == "red hat"
