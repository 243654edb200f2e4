"""Debian's PgBouncer in front of this checkout's cluster, for the load test: the deployment's own
configuration (docs/deploy/pgbouncer.ini), with the addresses, paths and authentication replaced
for loopback. Its files stay in the cluster's folder, which the server's OS user owns."""

from __future__ import annotations

import configparser
import io
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import psycopg

from backrelease.devtools import cluster

DEPLOYED = cluster.ROOT / "docs" / "deploy" / "pgbouncer.ini"
HOME = cluster.PG_DIR / "pgbouncer"


def config(
    port: int, home: Path, database: str = cluster.DB_NAME, socket: Path = cluster.SOCKET_DIR
) -> str:
    """The deployed configuration with loopback addresses: listening on 127.0.0.1:`port`,
    reaching `database` on the cluster through its socket (another cluster's: `socket`), trusting
    local clients (there are no passwords on the development cluster)."""
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=None)
    parser.read_string(DEPLOYED.read_text())
    parser["databases"] = {cluster.DB_NAME: f"host={socket} port={cluster.PORT} dbname={database}"}
    parser["pgbouncer"].update(
        {
            "listen_addr": "127.0.0.1",
            "listen_port": str(port),
            "unix_socket_dir": "",
            "auth_type": "trust",
            "auth_file": str(home / "userlist.txt"),
            "logfile": str(home / "pgbouncer.log"),
            "pidfile": str(home / "pgbouncer.pid"),
            "admin_users": cluster.SUPERUSER,
        }
    )
    text = io.StringIO()
    parser.write(text)
    return text.getvalue()


def pool_size() -> int:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(DEPLOYED.read_text())
    return int(parser["pgbouncer"]["max_db_connections"])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def url(port: int) -> str:
    return f"postgres://{cluster.SUPERUSER}@127.0.0.1:{port}/{cluster.DB_NAME}"


def start(
    port: int, database: str = cluster.DB_NAME, socket: Path = cluster.SOCKET_DIR
) -> subprocess.Popen:
    """PgBouncer in the foreground (stop it with terminate()), answering once this returns, as
    `url(port)`, for `database` (on the cluster whose socket is in `socket`)."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        raise cluster.DevDatabaseError("pgbouncer is missing: apt-get install pgbouncer")
    # A folder a port, so two runs side by side (two test suites) keep apart.
    home = HOME / str(port)
    home.mkdir(parents=True, exist_ok=True)
    (home / "userlist.txt").write_text(f'"{cluster.SUPERUSER}" ""\n')
    (home / "pgbouncer.ini").write_text(config(port, home, database, socket))
    # PgBouncer will not run as root: as root it runs as the cluster's OS user, like the server.
    if os.geteuid() == 0:
        for path in (HOME, home, *home.iterdir()):
            shutil.chown(path, cluster.SUPERUSER, cluster.SUPERUSER)
    process = subprocess.Popen(
        cluster.as_server_user([binary, str(home / "pgbouncer.ini")]),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            psycopg.connect(url(port), connect_timeout=1).close()
            return process
        except psycopg.OperationalError:
            time.sleep(0.1)
    process.terminate()
    raise cluster.DevDatabaseError(f"PgBouncer did not answer on port {port}")
