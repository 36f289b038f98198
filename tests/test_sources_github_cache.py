import os
import stat
import subprocess
import sys
from pathlib import Path

from chaoss_mcp.sources.github.cache import HttpCache, cache_key, token_identity


def test_entries_survive_a_restart_with_validators_body_and_next_link(tmp_path: Path) -> None:
    path = tmp_path / "c" / "cache.sqlite3"
    cache = HttpCache(path)
    key = cache_key("GET", "https://api.github.com/x", "application/vnd.github+json", token_identity(None))
    cache.put(key, "https://api.github.com/x", etag='W/"1"', last_modified=None, next_link="https://n", body=b"[1]")
    cache.close()
    again = HttpCache(path).get(key)
    assert again is not None
    assert (again.etag, again.next_link, again.body) == ('W/"1"', "https://n", b"[1]")


def test_the_cache_file_and_directory_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "cache.sqlite3"
    HttpCache(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700


def test_keys_differ_by_token_identity_and_the_identity_is_not_the_token() -> None:
    ident = token_identity("ghp_secret")
    assert "ghp_secret" not in ident
    assert ident != token_identity("ghp_other") != token_identity(None)
    url, accept = "https://api.github.com/x", "a"
    assert cache_key("GET", url, accept, ident) != cache_key("GET", url, accept, token_identity(None))


def test_a_corrupt_cache_file_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    cache = HttpCache(path)
    assert cache.rebuilt
    cache.put("k", "u", etag=None, last_modified="x", next_link=None, body=b"{}")
    assert cache.get("k") is not None
    assert any(p.name.startswith("cache.sqlite3.corrupt-") for p in tmp_path.iterdir())


WRITER = """
import sys
from pathlib import Path
from chaoss_mcp.sources.github.cache import HttpCache
cache = HttpCache(Path(sys.argv[1]))
for n in range(200):
    cache.put(f"{sys.argv[2]}-{n}", "u", etag=str(n), last_modified=None, next_link=None, body=b"x" * 2000)
    assert cache.get(f"{sys.argv[2]}-{n}") is not None
"""


def test_two_processes_can_write_one_cache_at_once_without_locking_errors(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    HttpCache(path).close()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name], stderr=subprocess.PIPE) for name in ("a", "b")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    cache = HttpCache(path)
    assert cache.stats()["entries"] == 400
