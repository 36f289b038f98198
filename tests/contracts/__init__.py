"""Contract tests: the client checked against GitHub's published API descriptions (see scripts/fetch-contracts)."""
