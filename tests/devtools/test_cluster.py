from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction

from backrelease.common.database import from_url
from backrelease.devtools import cluster as devdb
from tests.factories import JournalEntryFactory, UserFactory


def test_it_points_at_the_socket_in_the_repository():
    parsed = from_url(devdb.local_url())
    assert parsed["HOST"] == str(devdb.SOCKET_DIR)
    assert parsed["NAME"] == "backrelease"
    assert str(devdb.SOCKET_DIR).startswith(str(devdb.PG_DIR))


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


def test_it_keeps_the_cluster_in_the_checkout_when_the_server_user_can_enter():
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        Path(folder).chmod(0o755)
        assert devdb.cluster_dir(Path(folder)) == Path(folder) / ".pg"


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the server to another user")
def test_it_moves_the_cluster_out_of_a_checkout_the_server_user_cannot_enter(tmp_path):
    private = tmp_path / "private"
    (private / "clone").mkdir(parents=True)
    private.chmod(0o700)
    chosen = devdb.cluster_dir(private / "clone")
    assert not str(chosen).startswith(str(private))
    assert chosen == devdb.cluster_dir(private / "clone")
    assert chosen != devdb.cluster_dir(tmp_path)


@pytest.mark.django_db
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", devdb.local_url()) != devdb.local_url(),
    reason="reads the local cluster's own server log",
)
def test_a_refused_statement_leaves_none_of_its_values_in_the_server_log():
    person = UserFactory()
    logged_before = devdb.LOG_FILE.stat().st_size
    marker = "private-note-4711"
    with pytest.raises(IntegrityError), transaction.atomic():
        JournalEntryFactory(person=person, pain=99, note=marker)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username=person.username.upper(), display_name=marker)
    with devdb.LOG_FILE.open("rb") as log:
        log.seek(logged_before)
        logged = log.read().decode(errors="replace")
    assert "violates check constraint" in logged
    assert "duplicate key value" in logged
    assert marker not in logged
    assert person.username not in logged
