"""A primary and a synchronous standby managed by Patroni, with etcd as its store, on loopback:
what `make failover-test` runs. Debian's packages (patroni, etcd-server), never a stand-in.

Each node is its own cluster on its own port, data folder and Patroni REST port, as two machines
would be. They run the deployment's own configuration (`docs/deploy/patroni.yml`: synchronous
mode, pg_rewind, how fast a dead primary is replaced), with only names, addresses, folders and
authentication replaced for loopback. Every file stays in the cluster's folder (`.pg/ha/`), owned
by the server's OS user.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from backrelease.devtools import cluster

HOME = cluster.PG_DIR / "ha"
ETCD_CLIENT_PORT = 2389
ETCD_PEER_PORT = 2390

DEPLOYED = cluster.ROOT / "docs" / "deploy" / "patroni.yml"
WAL_ARCHIVE = HOME / "wal-archive"


@dataclass(frozen=True)
class Node:
    name: str
    port: int
    rest_port: int

    @property
    def home(self) -> Path:
        return HOME / self.name

    @property
    def config_file(self) -> Path:
        return self.home / "patroni.yml"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"


NODES = (Node("node1", 5441, 8441), Node("node2", 5442, 8442))


def url(nodes: tuple[Node, ...] = NODES) -> str:
    """The app's DATABASE_URL: libpq tries each host in turn and keeps the one that takes writes,
    so after a failover new connections find the new primary by themselves."""
    hosts = ",".join(f"127.0.0.1:{node.port}" for node in nodes)
    return (
        f"postgres://{cluster.SUPERUSER}@{hosts}/{cluster.DB_NAME}?target_session_attrs=read-write"
    )


def config(node: Node, bin_dir: Path) -> dict:
    """The deployed Patroni configuration for one loopback node."""
    found = yaml.safe_load(DEPLOYED.read_text())
    parameters = found["bootstrap"]["dcs"]["postgresql"]["parameters"]
    parameters["archive_command"] = f"test ! -f {WAL_ARCHIVE}/%f && cp %p {WAL_ARCHIVE}/%f"
    found |= {
        "name": node.name,
        "log": {"dir": str(node.home), "level": "INFO"},
        "restapi": {
            "listen": f"127.0.0.1:{node.rest_port}",
            "connect_address": f"127.0.0.1:{node.rest_port}",
        },
        "etcd3": {"hosts": [f"127.0.0.1:{ETCD_CLIENT_PORT}"]},
    }
    found["postgresql"] |= {
        "listen": f"127.0.0.1:{node.port}",
        "connect_address": f"127.0.0.1:{node.port}",
        "data_dir": str(node.data_dir),
        "bin_dir": str(bin_dir),
        "pgpass": str(node.home / "pgpass"),
        # Loopback only, as the development cluster: trust, no passwords to keep.
        "pg_hba": [
            "local all all trust",
            "host all all 127.0.0.1/32 trust",
            "local replication all trust",
            "host replication all 127.0.0.1/32 trust",
        ],
        "authentication": {
            role: {"username": cluster.SUPERUSER} for role in ("superuser", "replication", "rewind")
        },
        "parameters": {"unix_socket_directories": str(node.home)},
    }
    return found


def _owned_by_server(*paths: Path) -> None:
    if os.geteuid() == 0:
        for path in paths:
            shutil.chown(path, cluster.SUPERUSER, cluster.SUPERUSER)


class Pair:
    """etcd and two Patroni nodes, started fresh and stopped on leaving the `with` block."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen] = {}

    def __enter__(self) -> Pair:
        self.remove()
        WAL_ARCHIVE.mkdir(parents=True)
        _owned_by_server(cluster.PG_DIR, HOME, WAL_ARCHIVE)
        self.start_etcd()
        bin_dir = cluster.find_bin_dir()
        for node in NODES:
            node.home.mkdir()
            node.config_file.write_text(yaml.safe_dump(config(node, bin_dir)))
            _owned_by_server(node.home, node.config_file)
            self.start(node)
        return self

    def __exit__(self, *exc) -> None:
        # The nodes first (each stops its PostgreSQL), etcd last.
        for name in reversed(list(self.processes)):
            self.stop(name)
        self.stop_postgres()

    @staticmethod
    def stop_postgres() -> None:
        """Any node's PostgreSQL still running (a Patroni killed before it could stop it, or a run
        cut short): stopped, so the next run's nodes find their ports free."""
        bin_dir = cluster.find_bin_dir()
        for node in NODES:
            if (node.data_dir / "postmaster.pid").exists():
                subprocess.run(
                    cluster.as_server_user(
                        [
                            str(bin_dir / "pg_ctl"),
                            "stop",
                            "-m",
                            "immediate",
                            "-D",
                            str(node.data_dir),
                        ]
                    ),
                    capture_output=True,
                    check=False,
                )

    def remove(self) -> None:
        self.stop_postgres()
        if HOME.exists():
            shutil.rmtree(HOME)

    def start_etcd(self) -> None:
        binary = shutil.which("etcd") or "/usr/bin/etcd"
        data = HOME / "etcd"
        self.processes["etcd"] = subprocess.Popen(
            cluster.as_server_user(
                [
                    binary,
                    "--name",
                    "etcd",
                    "--data-dir",
                    str(data),
                    "--listen-client-urls",
                    f"http://127.0.0.1:{ETCD_CLIENT_PORT}",
                    "--advertise-client-urls",
                    f"http://127.0.0.1:{ETCD_CLIENT_PORT}",
                    "--listen-peer-urls",
                    f"http://127.0.0.1:{ETCD_PEER_PORT}",
                    "--initial-advertise-peer-urls",
                    f"http://127.0.0.1:{ETCD_PEER_PORT}",
                    "--initial-cluster",
                    f"etcd=http://127.0.0.1:{ETCD_PEER_PORT}",
                ]
            ),
            stdout=(HOME / "etcd.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait(lambda: _get(f"http://127.0.0.1:{ETCD_CLIENT_PORT}/health") is not None, 30, "etcd")

    def start(self, node: Node) -> None:
        # Debian's Patroni runs on Debian's own Python, which has its etcd client.
        self.processes[node.name] = subprocess.Popen(
            cluster.as_server_user(["/usr/bin/patroni", str(node.config_file)]),
            stdout=(node.home / "patroni.out").open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=60)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _get(address: str) -> dict | None:
    try:
        with urllib.request.urlopen(address, timeout=2) as response:
            return json.loads(response.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError):
        return None


def members() -> list[dict]:
    """Patroni's view of the cluster: each member's name, role and state."""
    for node in NODES:
        found = _get(f"http://127.0.0.1:{node.rest_port}/cluster")
        if found:
            return found.get("members", [])
    return []


def role_of(name: str) -> str | None:
    return next((m["role"] for m in members() if m["name"] == name), None)


def leader() -> Node | None:
    for member in members():
        if member["role"] == "leader" and member["state"] == "running":
            return next(node for node in NODES if node.name == member["name"])
    return None


def healthy() -> bool:
    """A running leader and a streaming synchronous standby."""
    roles = {(m["role"], m["state"]) for m in members()}
    # Patroni 3.0 says "running" of a standby that streams; later versions say "streaming".
    return ("leader", "running") in roles and bool(
        roles & {("sync_standby", "running"), ("sync_standby", "streaming")}
    )


def postmaster_pid(node: Node) -> int:
    return int((node.data_dir / "postmaster.pid").read_text().split()[0])


def wait(ready, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise cluster.DevDatabaseError(f"{what} was not ready within {seconds} s")
