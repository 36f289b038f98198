"""Session-wide: GitHub's descriptions are loaded once, and the client's traffic is recorded once."""

from __future__ import annotations

import pytest
from graphql import GraphQLSchema

from . import descriptions, harness
from .descriptions import Api


@pytest.fixture(scope="session")
def contracts() -> None:
    """Skip (loudly, naming scripts/fetch-contracts) when the descriptions are not installed."""
    descriptions.require()


@pytest.fixture(scope="session")
def schema(contracts: None) -> GraphQLSchema:
    return descriptions.graphql_schema()


@pytest.fixture(scope="session")
def dotcom(contracts: None) -> Api:
    return descriptions.openapi()


@pytest.fixture(scope="session")
def ghes(contracts: None) -> list[Api]:
    releases = descriptions.ghes_releases()
    assert releases, "the @octokit/openapi package holds no ghes-*.json description"
    return [descriptions.openapi(name) for name in releases]


@pytest.fixture(scope="session")
def recording(contracts: None, tmp_path_factory: pytest.TempPathFactory) -> harness.Recording:
    return harness.record(tmp_path_factory.mktemp("contracts"))


@pytest.fixture(scope="session")
def ghes_recordings(ghes: list[Api], tmp_path_factory: pytest.TempPathFactory) -> dict[str, harness.Recording]:
    return {api.name: harness.record(tmp_path_factory.mktemp(api.name), api.name) for api in ghes}
