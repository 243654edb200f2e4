"""`make restore-test`: pgBackRest's backups and archive, as deployed, restored again and again
without harming the archive.

On the drill's cluster (three Patroni nodes archiving to an encrypted pgBackRest repository in a
local folder, backrelease/devtools/ha.py): the app's migrations run through PgBouncer, as the app
reaches the cluster; rows written, a full backup, more rows, a switchover
(the archive now holds two timelines), more rows, a named restore point and a moment noted, one
person's rows deleted, more rows. Then, each into a fresh cluster with archiving off, each compared
row by row with what the table held at its target:
1. to the moment, 2. to the named point, 3. to the moment again (twice in a row), 4. the latest,
5. to the moment by the runbook's own commands (README, "Backups"), the restored cluster then
   written to and its WAL switched, as a restored copy left running would,
6. the latest again, after that.
After each, the archive is checked: no file from a restored cluster (no timeline the source never
had, no history file it did not write), and pgBackRest's own `check` on the source still passes.
Figures to docs/benchmarks/restore.json. Loopback only, bounded, stops everything it started.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from backrelease.devtools import cluster, ha  # noqa: E402

OUT = ROOT / "docs" / "benchmarks" / "restore.json"
# Under the drill's folder like a node's, so leaving the cluster stops it whatever happened.
RESTORED = ha.HOME / "restored" / "data"
RESTORED_PORT = 5459
RESTORED_NODE = ha.Node("restored1", 5451, 8451)
ROWS = 20_000
VICTIM = 7


def migrate(url: str) -> dict:
    """The app's own migrations, the way the app reaches the cluster: PgBouncer in transaction
    pooling, HAProxy, the primary over TLS."""
    started = time.monotonic()
    ha.migrate_app(url)
    with psycopg.connect(url, autocommit=True) as conn:
        (applied,) = conn.execute("SELECT count(*) FROM django_migrations").fetchone()
    return {"migrations": applied, "seconds": round(time.monotonic() - started, 1)}


def fill(url: str, first: int, count: int) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO person_row (id, person, payload) SELECT n, n %% 50, md5(n::text) "
            "FROM generate_series(%s::bigint, %s::bigint) AS n",
            (first, first + count - 1),
        )


def snapshot(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute("SELECT id, person, payload FROM person_row ORDER BY id").fetchall()


def archive_files() -> set[str]:
    """The files of the source's archive (the new cluster's stanza has its own folder)."""
    folder = ha.REPOSITORY / "archive" / ha.STANZA
    return {path.name for path in folder.rglob("*") if path.is_file()}


def timelines(names: set[str]) -> set[str]:
    """The timelines of WAL segments and history files in the archive (first 8 hex digits)."""
    return {name[:8] for name in names if len(name) >= 8 and name[:8].isalnum()}


def restore(*target: str) -> list[str]:
    """pgBackRest restores into RESTORED (fresh), archiving off: the runbook's command."""
    if RESTORED.exists():
        stop_restored()
        shutil.rmtree(RESTORED)
    RESTORED.parent.mkdir(exist_ok=True)
    ha.owned_by_server(RESTORED.parent)
    return [
        "pgbackrest",
        f"--stanza={ha.STANZA}",
        f"--pg1-path={RESTORED}",
        *target,
        "--archive-mode=off",
        "restore",
    ]


def start_restored(source: ha.Node, command: list[str]) -> float:
    """Runs the restore `command`, starts the restored cluster and waits until it takes writes;
    the seconds it took."""
    started = time.monotonic()
    env = ["env", f"PGBACKREST_CONFIG={source.pgbackrest_file}"]
    cluster._check(cluster._run([*env, *command]), " ".join(command))
    # Only this cluster on this port and socket, with no synchronous standby to wait for.
    options = (
        f"-p {RESTORED_PORT} -c listen_addresses='' -c unix_socket_directories='{ha.HOME}' "
        "-c synchronous_standby_names=''"
    )
    pg_ctl = str(cluster.find_bin_dir() / "pg_ctl")
    result = cluster._run(
        [*env, pg_ctl, "start", "-w", "-t", "300", "-D", str(RESTORED), "-l", f"{RESTORED}.log"]
        + ["-o", options]
    )
    cluster._check(result, "Starting the restored cluster")
    ha.wait(lambda: restored_sql("SELECT pg_is_in_recovery()") == "f", 300, "the restored cluster")
    return time.monotonic() - started


def restored_sql(sql: str, socket: Path = ha.HOME, port: int = RESTORED_PORT) -> str:
    result = cluster._run(
        [
            str(cluster.find_bin_dir() / "psql"),
            "-h",
            str(socket),
            "-p",
            str(port),
            "-d",
            cluster.DB_NAME,
            "-tAc",
            sql,
        ]
    )
    return result.stdout.strip() if result.returncode == 0 else ""


def restored_rows(socket: Path = ha.HOME, port: int = RESTORED_PORT) -> list[tuple]:
    text = restored_sql("SELECT id, person, payload FROM person_row ORDER BY id", socket, port)
    return [
        (int(line.split("|")[0]), int(line.split("|")[1]), line.split("|")[2])
        for line in text.splitlines()
    ]


def stop_restored() -> None:
    if (RESTORED / "postmaster.pid").exists():
        pg_ctl = str(cluster.find_bin_dir() / "pg_ctl")
        cluster._run([pg_ctl, "stop", "-m", "fast", "-w", "-D", str(RESTORED)])


def into_patroni(db: ha.Cluster, moment: str, expected: list[tuple]) -> dict:
    """A new Patroni cluster whose first node is restored to `moment` by Patroni itself
    (docs/deploy/patroni-restore.yml), archiving to its own stanza."""
    node = RESTORED_NODE
    started = time.monotonic()
    found = ha.restore_config(
        node, cluster.find_bin_dir(), db.passwords, {"recovery_target_time": moment}
    )
    db.add(node, found, (ha.STANZA, ha.RESTORED_STANZA))

    def leads() -> bool:
        """Primary, and past the restart that follows a custom bootstrap (Patroni then removes
        the recovery settings and restarts PostgreSQL)."""
        state = ha.get_json(ha.rest(node, "/patroni")) or {}
        ready = "SELECT 'ready:' || current_setting('recovery_target_time')"
        return (
            state.get("role") in ("master", "primary")
            and state.get("state") == "running"
            and restored_sql(ready, node.home, node.port) == "ready:"
        )

    ha.wait(leads, 300, "the restored Patroni cluster")
    seconds = time.monotonic() - started
    rows = restored_rows(node.home, node.port)
    ha.pgbackrest(node, "stanza-create", stanza=ha.RESTORED_STANZA)
    own_archive = ha.pgbackrest(node, "check", check=False, stanza=ha.RESTORED_STANZA)
    return {
        "restore": "into Patroni as a new cluster, to the moment",
        "scope": found["scope"],
        "rows_expected": len(expected),
        "rows_that_differ": differing(expected, rows),
        "recovery_target_left_behind": restored_sql(
            "SHOW recovery_target_time", node.home, node.port
        ),
        "archives_to_its_own_stanza": own_archive.returncode == 0,
        "seconds": round(seconds, 1),
    }


def differing(expected: list[tuple], found: list[tuple]) -> int:
    return sum(a != b for a, b in zip(expected, found, strict=False)) + abs(
        len(expected) - len(found)
    )


def main() -> int:
    results: dict = {"restores": []}
    with ha.Cluster() as db:
        url = ha.app_url(db.passwords)
        results["app_migrated_through_pgbouncer"] = migrate(url)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE person_row (id bigint PRIMARY KEY, person int NOT NULL, "
                "payload text NOT NULL)"
            )
        fill(url, 1, ROWS)
        source = ha.leader()
        started = time.monotonic()
        ha.pgbackrest(source, "--type=full", "backup")
        results["full_backup_seconds"] = round(time.monotonic() - started, 1)
        # Replayed from the archive, not in the backup.
        fill(url, ROWS + 1, ROWS // 4)
        # A switchover: the archive now holds timeline 2 and its history file.
        candidate = ha.sync_standby()
        request = json.dumps({"leader": source.name, "candidate": candidate.name}).encode()
        ha.post_authorised(ha.rest(source, "/switchover"), request)
        ha.wait(lambda: ha.leader() == candidate and ha.whole(), 120, "the switchover")
        source = candidate
        fill(url, ROWS + ROWS // 4 + 1, ROWS // 4)
        with psycopg.connect(url, autocommit=True) as conn:
            expected = snapshot(conn)
        ha.psql(source, "SELECT pg_create_restore_point('before-delete')", cluster.DB_NAME)
        moment = ha.psql(source, "SELECT clock_timestamp()")
        time.sleep(1)
        with psycopg.connect(url, autocommit=True) as conn:
            deleted = conn.execute("DELETE FROM person_row WHERE person = %s", (VICTIM,)).rowcount
        fill(url, 10 * ROWS, 100)
        with psycopg.connect(url, autocommit=True) as conn:
            latest = snapshot(conn)
        # Every WAL file up to now in the repository.
        ha.pgbackrest(source, "check")
        source_files = archive_files()
        source_timelines = timelines(source_files)
        at_time = ["--type=time", f"--target={moment}", "--target-action=promote"]
        at_name = ["--type=name", "--target=before-delete", "--target-action=promote"]
        plan = [
            ("to the moment", at_time, expected),
            ("to the named point", at_name, expected),
            ("to the moment again", at_time, expected),
            ("the latest", [], latest),
            ("to the moment, by the runbook", at_time, expected),
            ("the latest, after the runbook's restore", [], latest),
        ]
        for name, target, wanted in plan:
            seconds = start_restored(source, restore(*target))
            found = restored_rows()
            migrations = restored_sql("SELECT count(*) FROM django_migrations")
            archiving = restored_sql("SHOW archive_mode")
            if name.endswith("by the runbook"):
                # A restored copy left running and written to must not reach the archive.
                restored_sql("INSERT INTO person_row VALUES (0, 0, 'written on the copy')")
                restored_sql("SELECT pg_switch_wal()")
                restored_sql("CHECKPOINT")
                time.sleep(3)
            stop_restored()
            now = archive_files()
            foreign = sorted(
                name
                for name in now - source_files
                if name[:8] not in source_timelines or name.endswith(".history")
            )
            check = ha.pgbackrest(source, "check", check=False).returncode
            source_files = now
            results["restores"].append(
                {
                    "restore": name,
                    "target": " ".join(target) or "latest",
                    "rows_expected": len(wanted),
                    "rows_that_differ": differing(wanted, found),
                    "app_migrations_on_the_copy": int(migrations or 0),
                    "archive_mode_on_the_copy": archiving,
                    "files_from_a_restored_cluster_in_the_archive": foreign,
                    "source_check_after": "ok" if check == 0 else f"failed ({check})",
                    "seconds": round(seconds, 1),
                }
            )
            print(json.dumps(results["restores"][-1]), flush=True)
        patroni = into_patroni(db, moment, expected)
        now = archive_files()
        patroni["files_from_a_restored_cluster_in_the_archive"] = sorted(
            name
            for name in now - source_files
            if name[:8] not in source_timelines or name.endswith(".history")
        )
        check = ha.pgbackrest(source, "check", check=False).returncode
        patroni["source_check_after"] = "ok" if check == 0 else f"failed ({check})"
        results["restores"].append(patroni)
        print(json.dumps(patroni), flush=True)
        info = json.loads(ha.pgbackrest(source, "info", "--output=json").stdout)[0]
        results |= {
            "rows_deleted_then_restored": deleted,
            "timelines_in_the_archive": sorted(source_timelines),
            "backup_bytes": info["backup"][-1]["info"]["repository"]["delta"],
            "database_bytes": info["backup"][-1]["info"]["size"],
            "cipher": info["cipher"],
        }
        stop_restored()
    applied = results["app_migrated_through_pgbouncer"]["migrations"]
    results["result"] = (
        "PASS"
        if all(
            r["rows_that_differ"] == 0
            and r.get("app_migrations_on_the_copy", applied) == applied
            and r.get("archive_mode_on_the_copy", "off") == "off"
            and not r["files_from_a_restored_cluster_in_the_archive"]
            and r["source_check_after"] == "ok"
            for r in results["restores"]
        )
        and patroni["archives_to_its_own_stanza"]
        and patroni["recovery_target_left_behind"] == ""
        and len(results["timelines_in_the_archive"]) >= 2
        else "MISS"
    )
    results["machine"] = {"cpus": os.cpu_count()}
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(results["result"])
    return 0 if results["result"] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
