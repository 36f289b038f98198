import pytest

from chaoss_mcp.errors import BadInputError
from chaoss_mcp.sources.github.names import parse_repo


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("clap-rs/clap", "clap-rs/clap"),
        ("  clap-rs/clap  ", "clap-rs/clap"),
        ("https://github.com/clap-rs/clap", "clap-rs/clap"),
        ("https://github.com/clap-rs/clap.git", "clap-rs/clap"),
        ("https://github.com/clap-rs/clap/", "clap-rs/clap"),
        ("http://www.github.com/clap-rs/clap", "clap-rs/clap"),
        ("git@github.com:clap-rs/clap.git", "clap-rs/clap"),
        ("ssh://git@github.com/clap-rs/clap.git", "clap-rs/clap"),
        ("octo-org/my.repo_name-2", "octo-org/my.repo_name-2"),
    ],
)
def test_accepted_forms_all_name_the_same_repository(text: str, expected: str) -> None:
    assert parse_repo(text).full_name == expected


def test_the_configured_enterprise_host_is_accepted_and_github_com_is_not() -> None:
    assert parse_repo("https://ghe.example.com/team/app", "ghe.example.com").full_name == "team/app"
    assert parse_repo("git@ghe.example.com:team/app.git", "ghe.example.com").full_name == "team/app"
    with pytest.raises(BadInputError, match="not on ghe.example.com"):
        parse_repo("https://github.com/team/app", "ghe.example.com")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "clap",
        "../etc/passwd",
        "a/b/c",
        "owner/..",
        "owner/.",
        "-owner/name",
        "owner/na me",
        "owner/name?x=1",
        "owner/name#frag",
        "owner%2F/name",
        "owner\\name",
        "https://evil.example/owner/name",
        "https://user:pw@github.com/owner/name",
        "file:///etc/passwd",
        "https://github.com/owner/name/issues/1",
        "owner/" + "n" * 101,
        "ównér/name",
        "x" * 400,
        "owner/name\x00",
        "owner/na\nme",
    ],
)
def test_anything_else_is_refused_before_a_request_with_a_hint(text: str) -> None:
    with pytest.raises(BadInputError) as caught:
        parse_repo(text)
    message = str(caught.value)
    assert "owner/name" in message or "not on github.com" in message or "GITHUB_API_URL" in message


def test_non_strings_are_refused() -> None:
    with pytest.raises(BadInputError, match="missing"):
        parse_repo(None)


def test_credentials_in_a_refused_url_are_not_repeated_in_the_error() -> None:
    with pytest.raises(BadInputError) as refused:
        parse_repo("https://alice:s3cret-token@github.com/octocat/hello-world?tab=readme")
    assert "s3cret-token" not in str(refused.value) and "alice" not in str(refused.value)
    assert "https://***@github.com/octocat/hello-world" in str(refused.value)
