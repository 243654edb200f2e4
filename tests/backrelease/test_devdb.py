from __future__ import annotations

from urllib.parse import unquote

import dj_database_url
import pytest

from backrelease import devdb


def test_it_points_at_the_socket_in_the_repository():
    parsed = dj_database_url.parse(devdb.local_url())
    assert unquote(parsed["HOST"]) == str(devdb.SOCKET_DIR)
    assert parsed["NAME"] == "backrelease"
    assert str(devdb.SOCKET_DIR).startswith(str(devdb.ROOT))


def test_it_says_what_to_install_when_postgresql_is_missing(monkeypatch):
    monkeypatch.setattr(devdb.shutil, "which", lambda name: None)
    monkeypatch.setattr(devdb.glob, "glob", lambda pattern: [])
    with pytest.raises(devdb.DevDatabaseError, match="install them .* or set DATABASE_URL"):
        devdb.find_bin_dir()


def test_it_leaves_a_given_database_url_alone(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgres://elsewhere/db")
    monkeypatch.setattr(devdb, "up", lambda: pytest.fail("must not start the local cluster"))
    assert devdb.main(["devdb", "up"]) == 0
    assert "DATABASE_URL is set" in capsys.readouterr().out
