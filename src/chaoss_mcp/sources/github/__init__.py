"""The GitHub source: protocol rules (sansio), the SQLite HTTP cache, the async client, collection."""
