"""The development PostgreSQL cluster of this checkout, in its `.pg/` folder.

Used only when DATABASE_URL is not set: `make run` and `make test` call `python -m
backrelease.devtools.cluster up`, which creates the cluster on first use, starts it when it is down
and creates the database. The server listens on a unix socket inside the cluster's folder only
(no TCP port) with trust authentication, so it is reachable from this checkout and nothing else.

As root the server runs as the `postgres` OS user. When that user cannot enter the checkout (a clone
in `/root`, say), the cluster lives in a folder of its own under that user's home instead, named
after the checkout's path, so every command of this checkout finds the same one.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
PORT = 5432
DB_NAME = "backrelease"
SUPERUSER = "postgres"


class DevDatabaseError(RuntimeError):
    pass


def _server_user_can_enter(folder: Path, uid: int, gids: set[int]) -> bool:
    """Whether that user may pass through every folder down to `folder` (the execute bit)."""
    for part in [folder, *folder.parents]:
        info = part.stat()
        if info.st_uid == uid:
            bit = stat.S_IXUSR
        elif info.st_gid in gids:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not info.st_mode & bit:
            return False
    return True


def cluster_dir(root: Path = ROOT) -> Path:
    if os.geteuid() != 0:
        return root / ".pg"
    try:
        server = pwd.getpwnam(SUPERUSER)
    except KeyError:
        return root / ".pg"
    gids = {server.pw_gid, *os.getgrouplist(SUPERUSER, server.pw_gid)}
    if _server_user_can_enter(root, server.pw_uid, gids):
        return root / ".pg"
    name = hashlib.sha256(str(root).encode()).hexdigest()[:16]
    return Path(server.pw_dir) / "backrelease-clusters" / name


PG_DIR = cluster_dir()
DATA_DIR = PG_DIR / "data"
SOCKET_DIR = PG_DIR / "run"
LOG_FILE = PG_DIR / "server.log"
# Nothing a person typed reaches the server log, as in docs/deploy/patroni.yml: a refused statement
# is logged without its text (which holds the values), and without the error's DETAIL (a failing
# row, a duplicate key).
PRIVATE_LOGGING = {"log_min_error_statement": "panic", "log_error_verbosity": "terse"}


def local_url() -> str:
    return f"postgres://{SUPERUSER}@{quote(str(SOCKET_DIR), safe='')}:{PORT}/{DB_NAME}"


def find_bin_dir() -> Path:
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(os.path.realpath(on_path)).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True
    )
    for candidate in candidates:
        if (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise DevDatabaseError(
        "No PostgreSQL server binaries were found: install them (Debian: apt-get install "
        "postgresql) or set DATABASE_URL to a PostgreSQL database."
    )


def as_server_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root, so root hands the server to the postgres OS user.
    if os.geteuid() == 0:
        return ["runuser", "-u", SUPERUSER, "--", *command]
    return command


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(as_server_user(command), capture_output=True, text=True, check=False)


def _prepare_folders() -> None:
    for folder in (PG_DIR, SOCKET_DIR):
        folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        if _run(["test", "-x", str(PG_DIR)]).returncode != 0:
            raise DevDatabaseError(
                f"The {SUPERUSER} OS user cannot enter {PG_DIR}, so it cannot run the local "
                "cluster: make the folders above it searchable (chmod o+x) or set DATABASE_URL."
            )
        shutil.chown(PG_DIR, SUPERUSER, SUPERUSER)
        shutil.chown(SOCKET_DIR, SUPERUSER, SUPERUSER)
        if LOG_FILE.exists():
            shutil.chown(LOG_FILE, SUPERUSER, SUPERUSER)


def _check(result: subprocess.CompletedProcess[str], what: str) -> None:
    if result.returncode != 0:
        raise DevDatabaseError(f"{what} failed:\n{result.stdout}{result.stderr}")


def is_running(bin_dir: Path) -> bool:
    return _run([str(bin_dir / "pg_ctl"), "status", "-D", str(DATA_DIR)]).returncode == 0


def up() -> str:
    bin_dir = find_bin_dir()
    _prepare_folders()
    if not (DATA_DIR / "PG_VERSION").exists():
        result = _run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(DATA_DIR),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        _check(result, "initdb")
    if not is_running(bin_dir):
        options = f"-c listen_addresses='' -c unix_socket_directories='{SOCKET_DIR}' -p {PORT}"
        result = _run(
            [
                str(bin_dir / "pg_ctl"),
                "start",
                "-w",
                "-D",
                str(DATA_DIR),
                "-l",
                str(LOG_FILE),
                "-o",
                options,
            ]
        )
        _check(result, "Starting PostgreSQL")
    exists = _run(
        [
            str(bin_dir / "psql"),
            "-h",
            str(SOCKET_DIR),
            "-p",
            str(PORT),
            "-U",
            SUPERUSER,
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",
        ]
    )
    _check(exists, "Looking up the database")
    if exists.stdout.strip() != "1":
        created = _run(
            [
                str(bin_dir / "createdb"),
                "-h",
                str(SOCKET_DIR),
                "-p",
                str(PORT),
                "-U",
                SUPERUSER,
                DB_NAME,
            ]
        )
        _check(created, "createdb")
    _keep_values_out_of_the_log(bin_dir)
    return local_url()


def _keep_values_out_of_the_log(bin_dir: Path) -> None:
    """Set on every start, so a cluster made before these settings gets them too."""
    psql = [str(bin_dir / "psql"), "-h", str(SOCKET_DIR), "-p", str(PORT), "-U", SUPERUSER]
    statements = [f"ALTER SYSTEM SET {name} = '{value}'" for name, value in PRIVATE_LOGGING.items()]
    commands = [arg for sql in [*statements, "SELECT pg_reload_conf()"] for arg in ("-c", sql)]
    _check(_run([*psql, "-d", DB_NAME, "-q", *commands]), "Setting the server log's privacy")


def stop() -> None:
    if not (DATA_DIR / "PG_VERSION").exists():
        return
    bin_dir = find_bin_dir()
    if is_running(bin_dir):
        _check(_run([str(bin_dir / "pg_ctl"), "stop", "-w", "-D", str(DATA_DIR)]), "Stopping")


def remove() -> None:
    """Stops the cluster and deletes it, wherever it lives (`make clean`)."""
    stop()
    shutil.rmtree(PG_DIR, ignore_errors=True)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "up"
    if os.environ.get("DATABASE_URL"):
        print(
            os.environ["DATABASE_URL"]
            if command == "url"
            else "DATABASE_URL is set: using that database, not the local cluster."
        )
        return 0
    try:
        if command == "up":
            print(f"PostgreSQL is up: {up()}")
        elif command == "stop":
            stop()
            print("PostgreSQL is stopped.")
        elif command == "url":
            print(local_url())
        elif command == "remove":
            remove()
            print(f"PostgreSQL is stopped and {PG_DIR} removed.")
        else:
            usage = "usage: python -m backrelease.devtools.cluster [up|url|stop|remove]"
            print(f"{usage}, not {command!r}", file=sys.stderr)
            return 2
    except DevDatabaseError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
