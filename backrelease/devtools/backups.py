"""Backups of the local cluster with PostgreSQL's own tools: a base backup (`pg_basebackup`) and
continuous WAL archiving to a folder, restored to a point in time into a fresh cluster.

`python -m backrelease.devtools.backups backup` is `make backup`; `make restore-test` uses
`restore()` (backrelease/devtools/management/commands/restore_test.py). A deployment points the
archive and the base backups at storage off the database machine (README, "Backups").
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from backrelease.devtools import cluster

BACKUPS = cluster.PG_DIR / "backups"
ARCHIVE = BACKUPS / "wal"
RESTORED = cluster.PG_DIR / "restored"
RESTORED_SOCKET = cluster.PG_DIR / "restored-run"
RESTORED_PORT = 5433


def _psql(sql: str, socket: Path = cluster.SOCKET_DIR, port: int = cluster.PORT) -> str:
    result = cluster._run(
        [
            str(cluster.find_bin_dir() / "psql"),
            "-h",
            str(socket),
            "-p",
            str(port),
            "-U",
            cluster.SUPERUSER,
            "-d",
            cluster.DB_NAME,
            "-tAc",
            sql,
        ]
    )
    cluster._check(result, sql)
    return result.stdout.strip()


def archiving() -> None:
    """Turns WAL archiving on (once: it takes a restart), every finished WAL file copied to
    ARCHIVE, never over one already there."""
    ARCHIVE.mkdir(parents=True, exist_ok=True)
    if _as_root():
        for folder in (BACKUPS, ARCHIVE):
            shutil.chown(folder, cluster.SUPERUSER, cluster.SUPERUSER)
    cluster.up()
    if _psql("SHOW archive_mode") == "on":
        return
    command = f"test ! -f {ARCHIVE}/%f && cp %p {ARCHIVE}/%f"
    _psql(f"ALTER SYSTEM SET archive_command = '{command}'")
    _psql("ALTER SYSTEM SET archive_mode = 'on'")
    cluster.stop()
    cluster.up()


def _as_root() -> bool:
    return os.geteuid() == 0


def backup() -> Path:
    """A base backup in BACKUPS, with the WAL it needs; archiving carries on from there."""
    archiving()
    target = BACKUPS / f"base-{datetime.now():%Y%m%d-%H%M%S}"
    result = cluster._run(
        [
            str(cluster.find_bin_dir() / "pg_basebackup"),
            "-h",
            str(cluster.SOCKET_DIR),
            "-p",
            str(cluster.PORT),
            "-U",
            cluster.SUPERUSER,
            "-D",
            str(target),
            "-X",
            "stream",
            "-c",
            "fast",
        ]
    )
    cluster._check(result, "pg_basebackup")
    return target


def switch_wal() -> None:
    """Closes the current WAL file and waits until the archive holds it."""
    name = _psql("SELECT pg_walfile_name(pg_switch_wal())")
    deadline = time.monotonic() + 60
    while not (ARCHIVE / name).exists():
        if time.monotonic() > deadline:
            raise cluster.DevDatabaseError(f"WAL file {name} was never archived")
        time.sleep(0.2)


def restore(base: Path, target_time: str) -> float:
    """Restores `base` into a fresh cluster (RESTORED) and replays the archive up to
    `target_time`; returns the seconds it took until the restored cluster accepts writes."""
    started = time.monotonic()
    drop_restored()
    result = cluster._run(["cp", "-a", str(base), str(RESTORED)])
    cluster._check(result, "Copying the base backup")
    RESTORED_SOCKET.mkdir(exist_ok=True)
    if _as_root():
        shutil.chown(RESTORED_SOCKET, cluster.SUPERUSER, cluster.SUPERUSER)
    settings = (
        f"\nrestore_command = 'cp {ARCHIVE}/%f %p'\n"
        f"recovery_target_time = '{target_time}'\n"
        "recovery_target_action = 'promote'\n"
        "archive_mode = 'off'\n"
    )
    cluster._check(
        cluster._run(["sh", "-c", f"cat >> {RESTORED}/postgresql.auto.conf << 'EOF'{settings}EOF"]),
        "Writing the recovery settings",
    )
    cluster._check(cluster._run(["touch", str(RESTORED / "recovery.signal")]), "recovery.signal")
    options = (
        f"-c listen_addresses='' -c unix_socket_directories='{RESTORED_SOCKET}' -p {RESTORED_PORT}"
    )
    result = cluster._run(
        [
            str(cluster.find_bin_dir() / "pg_ctl"),
            "start",
            "-w",
            "-t",
            "600",
            "-D",
            str(RESTORED),
            "-l",
            str(cluster.PG_DIR / "restored.log"),
            "-o",
            options,
        ]
    )
    cluster._check(result, "Starting the restored cluster")
    deadline = time.monotonic() + 600
    while _psql("SELECT pg_is_in_recovery()", RESTORED_SOCKET, RESTORED_PORT) != "f":
        if time.monotonic() > deadline:
            raise cluster.DevDatabaseError("The restored cluster never finished its recovery")
        time.sleep(0.2)
    return time.monotonic() - started


def restored_url() -> str:
    socket = quote(str(RESTORED_SOCKET), safe="")
    return f"postgres://{cluster.SUPERUSER}@{socket}:{RESTORED_PORT}/{cluster.DB_NAME}"


def drop_restored() -> None:
    if (RESTORED / "PG_VERSION").exists():
        cluster._run([str(cluster.find_bin_dir() / "pg_ctl"), "stop", "-w", "-D", str(RESTORED)])
    cluster._run(["rm", "-rf", str(RESTORED)])


def main(argv: list[str]) -> int:
    if argv[1:] != ["backup"]:
        print("usage: python -m backrelease.devtools.backups backup", file=sys.stderr)
        return 2
    started = time.monotonic()
    target = backup()
    size = sum(path.stat().st_size for path in target.rglob("*") if path.is_file())
    print(
        f"Base backup in {target} ({size / 1e6:.1f} MB, {time.monotonic() - started:.1f} s); "
        f"WAL archived to {ARCHIVE}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
