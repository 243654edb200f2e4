"""The connection budget: PgBouncer's configuration as deployed and as the load test runs it, the
settings that make the app safe under transaction pooling, and the app's database work through a
real PgBouncer (Debian's, which `make test` installs)."""

from __future__ import annotations

import configparser
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from backrelease.devtools import cluster, pgbouncer


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
