"""The connection budget: PgBouncer's configuration as deployed and as the load test runs it, the
settings that make the app safe under transaction pooling, and the app's database work through a
real PgBouncer (Debian's, which `make test` installs)."""

from __future__ import annotations

import configparser
import json
import re
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.db import connection

from backrelease.accounts.models import User
from backrelease.common import database
from backrelease.devtools import cluster, pgbouncer, scratch
from tests.factories import PASSWORD

PBKDF2 = PBKDF2PasswordHasher()


def parsed(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(text)
    return parser


def test_the_deployed_configuration_pools_transactions_within_a_fixed_budget():
    deployed = parsed(pgbouncer.DEPLOYED.read_text())["pgbouncer"]
    assert deployed["pool_mode"] == "transaction"
    assert int(deployed["max_db_connections"]) == int(deployed["default_pool_size"]) == 20
    assert int(deployed["reserve_pool_size"]) == 0
    assert deployed["auth_type"] == "scram-sha-256"
    assert deployed["log_connections"] == deployed["log_disconnections"] == "0"
    # Each server connection reset after every transaction, before another client has it.
    assert deployed["server_reset_query"] == "DISCARD ALL"
    assert deployed["server_reset_query_always"] == "1"
    assert pgbouncer.pool_size() == 20


def test_the_load_tests_configuration_changes_only_addresses_paths_and_authentication(tmp_path):
    deployed = parsed(pgbouncer.DEPLOYED.read_text())
    local = parsed(pgbouncer.config(6439, tmp_path))
    changed = {
        key
        for key in deployed["pgbouncer"]
        if deployed["pgbouncer"][key] != local["pgbouncer"].get(key)
    }
    assert changed == {
        "listen_addr",
        "listen_port",
        "unix_socket_dir",
        "auth_type",
        "auth_file",
        "logfile",
        "pidfile",
    }
    assert local["pgbouncer"]["listen_addr"] == "127.0.0.1"
    assert local["pgbouncer"]["logfile"] == str(tmp_path / "pgbouncer.log")
    assert dict(local["databases"]) == {
        cluster.DB_NAME: f"host={cluster.SOCKET_DIR} port={cluster.PORT} dbname={cluster.DB_NAME}"
    }


def run_app_code(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`script` in a process of its own on the production settings, with `env`."""
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={
            "DJANGO_SETTINGS_MODULE": "backrelease.settings",
            "DEBUG": "true",
            "PATH": "/usr/bin:/bin",
            **env,
        },
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )


def settings_under(**env: str) -> subprocess.CompletedProcess[str]:
    """A process loading the production settings with `env`; it prints the database entry."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "d = settings.DATABASES['default']; "
        "print(json.dumps({'cursors': d.get('DISABLE_SERVER_SIDE_CURSORS', False), "
        "'options': sorted(d['OPTIONS'])}))"
    )
    return run_app_code(script, **env)


def test_transaction_pooling_turns_server_side_cursors_off_and_keeps_direct_urls_working():
    direct = json.loads(settings_under(DATABASE_URL="postgres://app@db:5432/backrelease").stdout)
    assert direct["cursors"] is False
    pooled = json.loads(
        settings_under(
            DATABASE_URL="postgres://app@pgbouncer:6432/backrelease",
            DATABASE_TRANSACTION_POOLING="1",
        ).stdout
    )
    assert pooled["cursors"] is True
    assert not {"prepare_threshold", "server_side_binding"} & set(pooled["options"])


WORK = """
import json, os
import django
django.setup()
from django.db import connection
from django.test import Client
from backrelease.accounts.models import User
from backrelease.common.period import Period
from journal import exports, insights
from journal.models import JournalEntry
from tests.factories import JournalEntryFactory, ReleaseSessionFactory
person = User.objects.create_user(username=os.environ["PERSON"])
try:
    ReleaseSessionFactory.create_batch(7, person=person, finished=True)
    JournalEntryFactory.create_batch(3, person=person)
    exports.CHUNK = 2
    rows = "".join(exports.csv_lines(exports.Scope(Period.of(person)))).splitlines()
    found = insights.kept(Period.of(person))
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone')")
        (zone,) = cursor.fetchone()
    print(json.dumps({"rows": len(rows) - 1, "relief": found.relief_all.sessions, "zone": zone}))
finally:
    JournalEntry.objects.filter(person=person).delete()
    person.delete()
"""


@pytest.mark.django_db(transaction=True)
def test_the_app_works_through_a_real_pgbouncer_in_transaction_pooling(tmp_path):
    """Downloads in keyset chunks, kept insights and plain queries through PgBouncer, from another
    process into this run's test database (emptied again after the test)."""
    port = pgbouncer.free_port()
    bouncer = pgbouncer.start(port, database=connection.settings_dict["NAME"])
    try:
        result = run_app_code(
            WORK,
            DATABASE_URL=pgbouncer.url(port),
            DATABASE_TRANSACTION_POOLING="1",
            PERSON=f"pgbouncer-check-{tmp_path.name}",
        )
    finally:
        bouncer.terminate()
        bouncer.wait(timeout=10)
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["rows"] == 10
    assert found["relief"] == 7
    assert found["zone"] == "UTC"


SIGNS_IN = """
import json, os
import django
django.setup()
from django.db import connection
from django.test import Client
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid(), current_setting('search_path')")
    pid, search_path = cursor.fetchone()
client = Client()
response = client.post(
    "/accounts/login/", {"username": os.environ["PERSON"], "password": os.environ["PASSWORD"]}
)
print(json.dumps({"pid": pid, "search_path": search_path, "status": response.status_code}))
"""


@pytest.mark.django_db(transaction=True)
def test_a_client_that_sets_its_session_leaves_nothing_to_the_next(tmp_path):
    """One client's `SET search_path` is undone before the next client gets the same server
    connection (PgBouncer lends its most recently used one first): the next login works."""
    username = f"after-a-set-{tmp_path.name}"
    # The production settings' hasher, for the app's own process to check.
    User.objects.create(username=username, password=make_password(PASSWORD, hasher=PBKDF2))
    port = pgbouncer.free_port()
    bouncer = pgbouncer.start(port, database=connection.settings_dict["NAME"])
    try:
        with psycopg.connect(pgbouncer.url(port), autocommit=True) as other:
            other.execute("SET search_path = nothing")
            (poisoned,) = other.execute("SELECT pg_backend_pid()").fetchone()
        result = run_app_code(
            SIGNS_IN,
            DATABASE_URL=pgbouncer.url(port),
            DATABASE_TRANSACTION_POOLING="1",
            PERSON=username,
            PASSWORD=PASSWORD,
        )
    finally:
        bouncer.terminate()
        bouncer.wait(timeout=10)
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["pid"] == poisoned
    assert found["search_path"] == '"$user", public'
    assert found["status"] == 302


@pytest.mark.django_db
def test_a_new_connection_starts_in_djangos_time_zone_so_django_sets_none():
    """Django sends `SET TIME ZONE` on a new connection whose zone is not its own: directly and
    through PgBouncer, the database's own zone is already UTC (backrelease.0011)."""
    with psycopg.connect(**database.plain_connection_params()) as direct:
        assert direct.info.parameter_status("TimeZone") == connection.timezone_name == "UTC"
    port = pgbouncer.free_port()
    bouncer = pgbouncer.start(port, database=connection.settings_dict["NAME"])
    try:
        with psycopg.connect(pgbouncer.url(port)) as pooled:
            assert pooled.info.parameter_status("TimeZone") == "UTC"
    finally:
        bouncer.terminate()
        bouncer.wait(timeout=10)


REQUESTS = """
import django
django.setup()
from django.test import Client
from backrelease.accounts.models import User
client = Client()
client.force_login(User.objects.create_user(username="sets-nothing"))
assert client.get("/").status_code == 200
assert client.post("/journal/new/", {"pain": "4", "submission_key": "%s"}).status_code == 302
assert client.get("/journal/").status_code == 200
assert b"journal" in b"".join(client.get("/accounts/export.csv").streaming_content)
"""


def test_the_app_sets_nothing_on_a_session_through_pgbouncer():
    """Every statement the server gets from the app through PgBouncer, in the server's own log: no
    session-level SET, neither the app's nor one PgBouncer replays for it (a time zone it set)."""
    with scratch.Throwaway() as db:
        migrated = run_app_code(
            "import django; from django.core import management; django.setup(); "
            "management.call_command('migrate', verbosity=0)",
            DATABASE_URL=db.url,
        )
        assert migrated.returncode == 0, migrated.stderr[-2000:]
        db.reconfigure(log_statement="all")
        port = pgbouncer.free_port()
        bouncer = pgbouncer.start(port, database=cluster.DB_NAME, socket=db.socket)
        try:
            result = run_app_code(
                REQUESTS % uuid.uuid4(),
                DATABASE_URL=pgbouncer.url(port),
                DATABASE_TRANSACTION_POOLING="1",
            )
        finally:
            bouncer.terminate()
            bouncer.wait(timeout=10)
        assert result.returncode == 0, result.stderr[-2000:]
        sent = re.findall(r"LOG:  statement: (.*)", db.log.read_text())
    assert any(s.startswith('INSERT INTO "journal_journalentry"') for s in sent)
    assert [s for s in sent if SESSION_SET.match(s)] == []


# SET or RESET of the session, not of the transaction (SET LOCAL, SET TRANSACTION, SET CONSTRAINTS).
SESSION_SET = re.compile(r"\s*(SET|RESET)\b(?!\s+(LOCAL|TRANSACTION|CONSTRAINTS)\b)", re.I)
