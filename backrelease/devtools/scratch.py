"""A throwaway PostgreSQL cluster: for a drill or test that restarts the server or changes what
the whole server does (a synchronous standby that never answers, every statement logged), which
the checkout's own cluster in `.pg/` must never get.

In a temporary folder, listening on a socket there only, removed on leaving. Durability is off
(`fsync`): its data is thrown away anyway.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

from backrelease.devtools import cluster


class Throwaway:
    """`with Throwaway() as db:` a running cluster with an empty database `database`, at
    `db.url`."""

    def __init__(self, database: str = cluster.DB_NAME) -> None:
        self.bin_dir = cluster.find_bin_dir()
        self.database = database
        self.home = Path(tempfile.mkdtemp(prefix="backrelease-throwaway-"))
        self.data = self.home / "data"
        self.socket = self.home / "run"
        self.log = self.home / "log"
        self.url = f"postgres://{cluster.SUPERUSER}@{quote(str(self.socket), safe='')}/{database}"

    def __enter__(self) -> Throwaway:
        self.socket.mkdir()
        if os.geteuid() == 0:
            for folder in (self.home, self.socket):
                shutil.chown(folder, cluster.SUPERUSER, cluster.SUPERUSER)
        try:
            self.run(
                "initdb",
                *("-D", self.data, "-U", cluster.SUPERUSER, "-A", "trust", "--no-sync"),
                *("-E", "UTF8", "--locale=C.UTF-8"),
            )
            self.start()
            self.run("createdb", "-h", self.socket, "-U", cluster.SUPERUSER, self.database)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        subprocess.run(
            cluster.as_server_user(
                [str(self.bin_dir / "pg_ctl"), "stop", "-m", "immediate", "-D", str(self.data)]
            ),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.home, ignore_errors=True)

    def run(self, program: str, *args) -> str:
        """A PostgreSQL program as the server's OS user; its output."""
        command = [str(self.bin_dir / program), *map(str, args)]
        result = subprocess.run(
            cluster.as_server_user(command), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise cluster.DevDatabaseError(f"{program} failed:\n{result.stdout}{result.stderr}")
        return result.stdout.strip()

    def start(self) -> None:
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.socket}' -c fsync=off"
        self.run("pg_ctl", "start", "-w", "-D", self.data, "-l", self.log, "-o", options)

    def stop(self) -> None:
        self.run("pg_ctl", "stop", "-w", "-m", "fast", "-D", self.data)

    def psql(self, sql: str) -> str:
        """`sql` run in the database by its superuser; what it printed, unaligned."""
        return self.run(
            "psql", "-h", self.socket, "-U", cluster.SUPERUSER, "-d", self.database, "-tAc", sql
        )

    def reconfigure(self, **settings: str) -> None:
        """Server settings changed for every session, as a reload changes them."""
        for name, value in settings.items():
            self.psql(f"ALTER SYSTEM SET {name} = '{value}'")
        self.psql("SELECT pg_reload_conf()")
