"""Every field the client reads from GitHub's answers is one GitHub documents (REST) or one the query
selects (GraphQL): a misspelt or invented field name fails here instead of reading None forever."""

from __future__ import annotations

import ast
import types
from collections.abc import Callable
from pathlib import Path

import pytest

from chaoss_mcp.sources.github import parse

from . import harness

PARSE_FILE = Path(parse.__file__).resolve()

# Reads of keys that are not in the answer, each for a reason that makes it harmless. Each entry must
# still be observed (so fixing the code means deleting the entry). (place prefix, key, why)
KNOWN: list[tuple[str, str, str]] = []


def known(read: harness.Read) -> bool:
    return any(read.place.startswith(place) and read.key == key for place, key, _ in KNOWN)


def report(reads: list[harness.Read]) -> list[str]:
    return [f"{r.at}: reads {r.key!r} at {r.place}" for r in reads]


def test_every_field_the_client_reads_is_in_githubs_response_schema_or_the_query(
    recording: harness.Recording,
) -> None:
    assert len({(r.place, r.key) for r in recording.reads}) > 100
    assert report(recording.undocumented_reads(known)) == []


def test_every_field_the_client_reads_is_documented_on_each_enterprise_server_release(
    ghes_recordings: dict[str, harness.Recording],
) -> None:
    for name, recording in ghes_recordings.items():
        assert report(recording.undocumented_reads(known)) == [], name


def test_each_known_harmless_read_is_still_made(recording: harness.Recording) -> None:
    observed = {(place, key) for place, key, _ in KNOWN if any(known(r) and r.key == key for r in recording.reads)}
    assert observed == {(place, key) for place, key, _ in KNOWN}


def _literal_reads(tree: ast.AST) -> set[tuple[int, str]]:
    """(line, key) of every ``x.get("key")``, ``x["key"]`` and ``"key" in x`` in a source file."""
    out = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.add((node.lineno, node.args[0].value))
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            if isinstance(node.slice.value, str):
                out.add((node.lineno, node.slice.value))
        elif isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            # `"k" in x.keys()` asks which keys are present (which API sent it); it reads no field.
            keys = [c for c in node.comparators if isinstance(c, ast.Call) and ast.unparse(c.func).endswith(".keys")]
            if any(isinstance(op, ast.In | ast.NotIn) for op in node.ops) and not keys:
                out.add((node.lineno, node.left.value))
    return out


def test_every_field_read_written_in_the_parsers_was_checked_against_a_schema(recording: harness.Recording) -> None:
    written = _literal_reads(ast.parse(PARSE_FILE.read_text()))
    relative = str(PARSE_FILE.relative_to(harness.SRC.parent.parent))
    checked = {(int(r.at.rsplit(":", 1)[1]), r.key) for r in recording.reads if r.at.startswith(relative + ":")}
    assert len(written) > 40
    assert sorted(written - checked) == []


# -- a parser reading a field GitHub does not send fails ------------------------------------------------
def _mutated_parse(old: str, new: str) -> types.ModuleType:
    source = PARSE_FILE.read_text()
    assert old in source
    module = types.ModuleType("chaoss_mcp.sources.github.parse")
    module.__dict__["__file__"] = str(PARSE_FILE)
    exec(compile(source.replace(old, new), str(PARSE_FILE), "exec"), module.__dict__)  # noqa: S102
    return module


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        ('"tag_name"', '"tag_nme"', "GET /repos/{owner}/{repo}/releases"),  # a top-level REST field
        ('"spdx_id"', '"spdx"', "GET /repos/{owner}/{repo} (repos/get).license"),  # a nested REST field
        ('"submitted_at"', '"submited_at"', "GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
        ('"merged_at"', '"merge_at"', "GET /repos/{owner}/{repo}/pulls (pulls/list)"),  # a parser no collector uses
        ('"login"', '"logn"', "graphql PullRequests.repository.pullRequests.nodes[].author"),  # GraphQL too
    ],
)
def test_a_parser_reading_a_misspelt_field_fails(
    contracts: None, old: str, new: str, place: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    mutated = _mutated_parse(old, new)
    for name, value in vars(mutated).items():
        if isinstance(value, types.FunctionType) and value.__module__ == parse.__name__:
            monkeypatch.setattr(parse, name, value)
    bad = harness.record(tmp_path).undocumented_reads(known)
    key = new.strip('"')
    assert bad and {r.key for r in bad} == {key}
    assert any(r.place.startswith(place) and r.at.startswith("src/chaoss_mcp/sources/github/parse.py:") for r in bad)


def test_a_read_of_an_undocumented_key_is_reported_with_its_place_and_source_line(tmp_path: Path) -> None:
    reads: list[harness.Read] = []
    shape = harness.Fixed("graphql Q.viewer", fields={"login": harness.Fixed("graphql Q.viewer.login")})
    viewer: Callable[[], object] = lambda: harness.wrap({"login": "octocat"}, shape, reads)  # noqa: E731
    data = viewer()
    assert isinstance(data, dict)
    assert data.get("login") == "octocat" and data.get("name") is None and "email" not in data
    assert [(r.key, r.documented) for r in reads] == [("login", True), ("name", False), ("email", False)]
    assert reads[1].place == "graphql Q.viewer" and reads[1].at.startswith("tests/contracts/test_field_reads.py:")
