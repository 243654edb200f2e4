"""Three PostgreSQL nodes managed by Patroni, a three-member etcd, pgBackRest's archive, and the
app's way in (PgBouncer in front of HAProxy, which asks Patroni which node is the primary), on
loopback: what `make failover-test` and `make restore-test` run. Debian's packages, never a
stand-in.

Every file is the deployment's own (`docs/deploy/patroni.yml`, `pgbackrest.conf`, `haproxy.cfg`,
`pgbouncer.ini`) with only names, addresses, ports, folders and secrets replaced: a certificate
made for the drill with openssl, passwords made for the run, and the pgBackRest repository in a
local folder as the stand-in for object storage. Each node is its own cluster on its own port,
data folder and Patroni REST port, as three machines would be. Every file stays in `.pg/ha/`,
owned by the server's OS user.
"""

from __future__ import annotations

import configparser
import contextlib
import io
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import yaml

from backrelease.devtools import cluster

HOME = cluster.PG_DIR / "ha"
DEPLOY = cluster.ROOT / "docs" / "deploy"
DEPLOYED = DEPLOY / "patroni.yml"
DEPLOYED_PGBACKREST = DEPLOY / "pgbackrest.conf"
DEPLOYED_HAPROXY = DEPLOY / "haproxy.cfg"
DEPLOYED_PGBOUNCER = DEPLOY / "pgbouncer.ini"
DEPLOYED_RESTORE = DEPLOY / "patroni-restore.yml"
RESTORED_STANZA = "backrelease-restored"
TLS = HOME / "tls"
REPOSITORY = HOME / "repository"
SECRETS = HOME / "secrets.json"
HAPROXY_PORT = 5449
PGBOUNCER_PORT = 6449
STANZA = "backrelease"
APP_USER = "backrelease"


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
    def pgbackrest_file(self) -> Path:
        return self.home / "pgbackrest.conf"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"


@dataclass(frozen=True)
class Etcd:
    name: str
    client_port: int
    peer_port: int

    @property
    def data_dir(self) -> Path:
        return HOME / self.name


NODES = (Node("node1", 5441, 8441), Node("node2", 5442, 8442), Node("node3", 5443, 8443))
ETCDS = (Etcd("etcd1", 2391, 2392), Etcd("etcd2", 2393, 2394), Etcd("etcd3", 2395, 2396))
LOOPBACK_NET = "127.0.0.1/32"
DEPLOYED_NET = "10.0.0.0/8"


def make_secrets() -> dict[str, str]:
    """A password for each role and the repository's cipher pass, new for each run."""
    names = ("superuser", "replication", "rewind", "app", "cipher")
    return {name: secrets.token_urlsafe(24) for name in names}


def config(node: Node, bin_dir: Path, passwords: dict[str, str]) -> dict:
    """The deployed Patroni configuration for one loopback node."""
    found = yaml.safe_load(DEPLOYED.read_text())
    found |= {
        "name": node.name,
        "log": {"dir": str(node.home), "level": "INFO"},
        "restapi": {
            "listen": f"127.0.0.1:{node.rest_port}",
            "connect_address": f"127.0.0.1:{node.rest_port}",
        },
        "etcd3": {"hosts": [f"127.0.0.1:{etcd.client_port}" for etcd in ETCDS]},
    }
    postgresql = found["postgresql"]
    postgresql |= {
        "listen": f"127.0.0.1:{node.port}",
        "connect_address": f"127.0.0.1:{node.port}",
        "data_dir": str(node.data_dir),
        "bin_dir": str(bin_dir),
        "pgpass": str(node.home / "pgpass"),
        "pg_hba": [rule.replace(DEPLOYED_NET, LOOPBACK_NET) for rule in postgresql["pg_hba"]],
    }
    postgresql["parameters"] |= {
        "unix_socket_directories": str(node.home),
        "ssl_cert_file": str(TLS / "server.crt"),
        "ssl_key_file": str(TLS / "server.key"),
        "ssl_ca_file": str(TLS / "ca.crt"),
    }
    for role, values in postgresql["authentication"].items():
        values["password"] = passwords[role]
        if "sslrootcert" in values:
            values["sslrootcert"] = str(TLS / "ca.crt")
    return found


def _ini_from_text(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=None)
    parser.optionxform = str
    parser.read_string(text)
    return parser


def _ini(path: Path) -> configparser.ConfigParser:
    return _ini_from_text(path.read_text())


def _ini_text(parser: configparser.ConfigParser) -> str:
    text = io.StringIO()
    parser.write(text)
    return text.getvalue()


# The repository's place: object storage in the deployment, a folder here.
S3_OPTIONS = ("repo1-s3-bucket", "repo1-s3-endpoint", "repo1-s3-region", "repo1-s3-key")


def pgbackrest_config(
    node: Node, passwords: dict[str, str], stanzas: tuple[str, ...] = (STANZA,)
) -> configparser.ConfigParser:
    """The deployed pgBackRest configuration for one node, its repository a local folder."""
    parser = _ini(DEPLOYED_PGBACKREST)
    glob = parser["global"]
    for option in (*S3_OPTIONS, "repo1-s3-key-secret"):
        glob.pop(option)
    glob["repo1-type"] = "posix"
    glob["repo1-path"] = str(REPOSITORY)
    glob["repo1-cipher-pass"] = passwords["cipher"]
    glob["spool-path"] = str(node.home / "pgbackrest-spool")
    glob["log-path"] = str(node.home / "pgbackrest-log")
    # One machine for three: each node its own locks, as on its own machine.
    glob["lock-path"] = str(node.home / "pgbackrest-lock")
    for stanza in stanzas:
        parser[stanza] = {
            "pg1-path": str(node.data_dir),
            "pg1-socket-path": str(node.home),
            "pg1-port": str(node.port),
        }
    return parser


def _merged(base: dict, overlay: dict) -> dict:
    found = dict(base)
    for key, value in overlay.items():
        found[key] = (
            _merged(found[key], value)
            if isinstance(value, dict) and isinstance(found.get(key), dict)
            else value
        )
    return found


def restore_config(node: Node, bin_dir: Path, passwords: dict[str, str], target: dict) -> dict:
    """A new cluster's first node restored from the archive (docs/deploy/patroni-restore.yml over
    the node's configuration), to `target` (recovery_target_time or _name; nothing: the latest)."""
    overlay = yaml.safe_load(DEPLOYED_RESTORE.read_text())
    recovery = overlay["bootstrap"]["pgbackrest"]["recovery_conf"]
    for key in ("recovery_target_time", "recovery_target_name"):
        recovery.pop(key, None)
    recovery |= target
    return _merged(config(node, bin_dir, passwords), overlay)


def haproxy_config() -> str:
    """The deployed HAProxy configuration with loopback addresses and the drill's ports."""
    lines = []
    for line in DEPLOYED_HAPROXY.read_text().splitlines():
        words = line.split()
        if words[:1] == ["bind"]:
            line = line.replace(words[1], f"127.0.0.1:{HAPROXY_PORT}")
        elif words[:2] == ["stats", "socket"]:
            line = line.replace(words[2], str(HOME / "haproxy.sock"))
        elif words[:1] == ["server"]:
            continue
        lines.append(line)
    lines += [
        f"    server {node.name} 127.0.0.1:{node.port} check port {node.rest_port}"
        for node in NODES
    ]
    return "\n".join(lines) + "\n"


def pgbouncer_config(passwords: dict[str, str]) -> str:
    """The deployed PgBouncer configuration, its database behind HAProxy, SCRAM for the app."""
    home = HOME / "pgbouncer"
    parser = _ini(DEPLOYED_PGBOUNCER)
    parser["databases"] = {
        cluster.DB_NAME: f"host=127.0.0.1 port={HAPROXY_PORT} dbname={cluster.DB_NAME}"
    }
    parser["pgbouncer"].update(
        {
            "listen_addr": "127.0.0.1",
            "listen_port": str(PGBOUNCER_PORT),
            "unix_socket_dir": "",
            "auth_file": str(home / "userlist.txt"),
            "logfile": str(home / "pgbouncer.log"),
            "pidfile": str(home / "pgbouncer.pid"),
        }
    )
    return _ini_text(parser)


def app_url(passwords: dict[str, str]) -> str:
    """The app's DATABASE_URL: PgBouncer, as README "Deploying" says a deployment has it."""
    return f"postgres://{APP_USER}:{passwords['app']}@127.0.0.1:{PGBOUNCER_PORT}/{cluster.DB_NAME}"


def _owned_by_server(*paths: Path) -> None:
    if os.geteuid() == 0:
        for path in paths:
            shutil.chown(path, cluster.SUPERUSER, cluster.SUPERUSER)


def _write(path: Path, text: str, mode: int = 0o600) -> None:
    path.write_text(text)
    path.chmod(mode)
    _owned_by_server(path)


def make_certificate() -> None:
    """A CA and a server certificate for 127.0.0.1 signed by it, made with openssl for the run."""
    TLS.mkdir(parents=True)
    steps = [
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=backrelease-drill-ca "
        "-keyout ca.key -out ca.crt",
        "openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 "
        "-keyout server.key -out server.csr",
        "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost' > san.ext",
        "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile san.ext -out server.crt",
    ]
    for step in steps:
        subprocess.run(["sh", "-c", step], cwd=TLS, check=True, capture_output=True)
    for path in TLS.iterdir():
        path.chmod(0o600)
    _owned_by_server(TLS, *TLS.iterdir())


def psql(node: Node, sql: str, database: str = "postgres") -> str:
    """SQL as the postgres OS user over the node's socket (peer), as Patroni itself connects."""
    result = cluster._run(
        [
            str(cluster.find_bin_dir() / "psql"),
            "-h",
            str(node.home),
            "-p",
            str(node.port),
            "-d",
            database,
            "-tAc",
            sql,
        ]
    )
    cluster._check(result, sql)
    return result.stdout.strip()


def pgbackrest(
    node: Node, *args: str, check: bool = True, stanza: str = STANZA
) -> subprocess.CompletedProcess:
    result = cluster._run(
        [
            "env",
            f"PGBACKREST_CONFIG={node.pgbackrest_file}",
            "pgbackrest",
            f"--stanza={stanza}",
            *args,
        ]
    )
    if check:
        cluster._check(result, f"pgbackrest {' '.join(args)}")
    return result


class Cluster:
    """etcd, three Patroni nodes, HAProxy and PgBouncer, started fresh and stopped on leaving the
    `with` block."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen] = {}
        self.passwords = make_secrets()

    def __enter__(self) -> Cluster:
        try:
            self.begin()
        except BaseException:
            self.__exit__()
            raise
        return self

    def begin(self) -> None:
        self.remove()
        HOME.mkdir(parents=True)
        REPOSITORY.mkdir()
        _owned_by_server(cluster.PG_DIR, HOME, REPOSITORY)
        _write(SECRETS, json.dumps(self.passwords))
        make_certificate()
        self.start_store()
        bin_dir = cluster.find_bin_dir()
        for node in NODES:
            node.home.mkdir()
            _owned_by_server(node.home)
            _write(node.config_file, yaml.safe_dump(config(node, bin_dir, self.passwords)))
            self.write_pgbackrest(node)
        # The first node bootstraps; the others are copied from it once it leads.
        self.start(NODES[0])
        wait(lambda: leader() == NODES[0], 120, "the first node")
        for node in NODES[1:]:
            self.start(node)
        wait(whole, 180, "the three nodes")
        self.app_database()
        pgbackrest(NODES[0], "stanza-create")
        pgbackrest(NODES[0], "check")
        self.start_haproxy()
        self.start_pgbouncer()

    def __exit__(self, *exc) -> None:
        # The proxies, then the nodes (each stops its PostgreSQL), etcd last.
        members = [etcd.name for etcd in ETCDS]
        for name in ("pgbouncer", "haproxy", *self.processes):
            if name in self.processes and name not in members:
                self.stop(name)
        for name in members:
            if name in self.processes:
                self.stop(name)
        self.stop_postgres()

    def app_database(self) -> None:
        """The app's role, its password stored as SCRAM, owning its database."""
        primary = leader()
        psql(primary, f"CREATE ROLE {APP_USER} LOGIN PASSWORD '{self.passwords['app']}'")
        psql(primary, f"CREATE DATABASE {cluster.DB_NAME} OWNER {APP_USER}")

    @staticmethod
    def stop_postgres() -> None:
        """Any node's PostgreSQL still running (a Patroni killed before it could stop it, or a run
        cut short): stopped, so the next run's nodes find their ports free."""
        bin_dir = cluster.find_bin_dir()
        for found in HOME.glob("*/data/postmaster.pid"):
            cluster._run(
                [str(bin_dir / "pg_ctl"), "stop", "-m", "immediate", "-D", str(found.parent)]
            )

    def remove(self) -> None:
        self.stop_postgres()
        if HOME.exists():
            shutil.rmtree(HOME)

    def _spawn(self, name: str, command: list[str], log: Path) -> None:
        self.processes[name] = subprocess.Popen(
            command,
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_store(self, members: tuple[Etcd, ...] = ETCDS) -> None:
        """etcd members, answering once this returns (a member serves once it has a quorum)."""
        for etcd in members:
            self.start_etcd(etcd)
        for etcd in members:
            address = f"http://127.0.0.1:{etcd.client_port}/health"
            wait(
                lambda address=address: (_get(address) or {}).get("health") == "true", 60, etcd.name
            )

    def start_etcd(self, etcd: Etcd) -> None:
        binary = shutil.which("etcd") or "/usr/bin/etcd"
        members = ",".join(f"{e.name}=http://127.0.0.1:{e.peer_port}" for e in ETCDS)
        client = f"http://127.0.0.1:{etcd.client_port}"
        peer = f"http://127.0.0.1:{etcd.peer_port}"
        command = [
            binary,
            f"--name={etcd.name}",
            f"--data-dir={etcd.data_dir}",
            f"--listen-client-urls={client}",
            f"--advertise-client-urls={client}",
            f"--listen-peer-urls={peer}",
            f"--initial-advertise-peer-urls={peer}",
            f"--initial-cluster={members}",
            "--initial-cluster-token=backrelease-drill",
            "--initial-cluster-state=new",
        ]
        self._spawn(etcd.name, cluster.as_server_user(command), HOME / f"{etcd.name}.log")

    def add(self, node: Node, found: dict, stanzas: tuple[str, ...] = (STANZA,)) -> None:
        """A node of its own configuration `found` (a new cluster's, say), started."""
        node.home.mkdir()
        _owned_by_server(node.home)
        _write(node.config_file, yaml.safe_dump(found))
        self.write_pgbackrest(node, stanzas)
        self.start(node)

    def write_pgbackrest(self, node: Node, stanzas: tuple[str, ...] = (STANZA,)) -> None:
        found = pgbackrest_config(node, self.passwords, stanzas)
        _write(node.pgbackrest_file, _ini_text(found))
        for option in ("log-path", "spool-path", "lock-path"):
            folder = Path(found["global"][option])
            folder.mkdir(exist_ok=True)
            _owned_by_server(folder)

    def start(self, node: Node) -> None:
        # Debian's Patroni runs on Debian's own Python, which has its etcd client; pgBackRest
        # (archive_command, restore_command) finds the node's configuration in its environment.
        command = [
            "env",
            f"PGBACKREST_CONFIG={node.pgbackrest_file}",
            "/usr/bin/patroni",
            str(node.config_file),
        ]
        self._spawn(node.name, cluster.as_server_user(command), node.home / "patroni.out")

    def start_haproxy(self) -> None:
        path = HOME / "haproxy.cfg"
        _write(path, haproxy_config(), 0o644)
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self._spawn("haproxy", [binary, "-db", "-f", str(path)], HOME / "haproxy.log")
        wait(lambda: haproxy_up() == [leader().name], 30, "HAProxy")

    def start_pgbouncer(self) -> None:
        home = HOME / "pgbouncer"
        home.mkdir(exist_ok=True)
        _owned_by_server(home)
        _write(home / "userlist.txt", f'"{APP_USER}" "{self.passwords["app"]}"\n')
        _write(home / "pgbouncer.ini", pgbouncer_config(self.passwords))
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        command = cluster.as_server_user([binary, str(home / "pgbouncer.ini")])
        self._spawn("pgbouncer", command, home / "pgbouncer.out")
        import psycopg  # noqa: PLC0415 (only the drill needs it, not the config checks)

        def answers() -> bool:
            try:
                psycopg.connect(app_url(self.passwords), connect_timeout=2).close()
            except psycopg.OperationalError:
                return False
            return True

        wait(answers, 30, "PgBouncer")

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

    def kill(self, name: str) -> None:
        """kill -9 of that process alone (Patroni without its PostgreSQL, an etcd member)."""
        process = self.processes.pop(name)
        # runuser's child is the process itself: kill both, leave PostgreSQL (its own session).
        for pid in _children(process.pid) + [process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)


def _children(pid: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    return [int(child) for child in found]


def _get(address: str) -> dict | None:
    try:
        with urllib.request.urlopen(address, timeout=2) as response:
            return json.loads(response.read() or b"{}")
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _post(address: str, body: bytes) -> None:
    request = urllib.request.Request(
        address, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def members() -> list[dict]:
    """Patroni's view of the cluster: each member's name, role and state."""
    for node in NODES:
        found = _get(f"http://127.0.0.1:{node.rest_port}/cluster")
        if found:
            return found.get("members", [])
    return []


def role_of(name: str) -> str | None:
    return next((m["role"] for m in members() if m["name"] == name), None)


def node_named(name: str) -> Node:
    return next(node for node in NODES if node.name == name)


def leader() -> Node | None:
    for member in members():
        if member["role"] == "leader" and member["state"] == "running":
            return node_named(member["name"])
    return None


def sync_standby() -> Node | None:
    for member in members():
        if member["role"] == "sync_standby":
            return node_named(member["name"])
    return None


# Patroni 3.0 says "running" of a standby that streams; later versions say "streaming".
STREAMING = {"running", "streaming"}


def whole(expected: int = len(NODES)) -> bool:
    """A running leader, a streaming synchronous standby, and every other node streaming."""
    found = members()
    roles = [(m["role"], m["state"]) for m in found]
    return (
        len(found) == expected
        and ("leader", "running") in roles
        and any(role == "sync_standby" and state in STREAMING for role, state in roles)
        and all(state in STREAMING for _, state in roles)
    )


def haproxy_up() -> list[str]:
    """The servers HAProxy sends to now (those passing Patroni's GET /primary)."""
    import socket  # noqa: PLC0415

    try:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(2)
            conn.connect(str(HOME / "haproxy.sock"))
            conn.sendall(b"show stat\n")
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
    except OSError:
        return []
    up = []
    for line in answer.decode().splitlines():
        fields = line.split(",")
        server = len(fields) > 17 and fields[1] not in ("FRONTEND", "BACKEND")
        if server and fields[0] == "primary" and fields[17] == "UP":
            up.append(fields[1])
    return up


def postmaster_pid(node: Node) -> int:
    return int((node.data_dir / "postmaster.pid").read_text().split()[0])


def wait(ready, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise cluster.DevDatabaseError(f"{what} was not ready within {seconds} s")


WRITABLE_SQL = (
    "SELECT NOT pg_is_in_recovery(), current_setting('synchronous_standby_names'), "
    "(SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum') "
    "AND state = 'streaming')"
)


def watch(out: Path, seconds: float) -> None:
    """Run as the postgres OS user on Debian's Python, Patroni's own, with its psycopg2
    (`/usr/bin/python3 -m backrelease.devtools.ha watch FILE SECONDS`): every 0.25 s, each node
    asked over its own socket whether it would acknowledge a write now (a primary, and a
    synchronous standby streaming when it names one); a line per round to `out`, until `seconds`
    pass or `out.stop` appears."""
    import psycopg2  # noqa: PLC0415

    conns: dict = {node.name: None for node in NODES}
    deadline = time.monotonic() + seconds
    stop = Path(f"{out}.stop")
    with out.open("a") as log:
        while time.monotonic() < deadline and not stop.exists():
            row: dict = {"at": time.time()}
            for node in NODES:
                try:
                    if conns[node.name] is None:
                        conns[node.name] = psycopg2.connect(
                            host=str(node.home),
                            port=node.port,
                            dbname="postgres",
                            connect_timeout=1,
                        )
                        conns[node.name].autocommit = True
                    with conns[node.name].cursor() as cursor:
                        cursor.execute(WRITABLE_SQL)
                        primary, names, streaming = cursor.fetchone()
                    row[node.name] = bool(primary and (not names or streaming))
                except psycopg2.Error:
                    conns[node.name] = None
                    row[node.name] = None
            row["haproxy"] = haproxy_up()
            log.write(json.dumps(row) + "\n")
            log.flush()
            time.sleep(0.25)


if __name__ == "__main__":
    if sys.argv[1:2] == ["watch"]:
        watch(Path(sys.argv[2]), float(sys.argv[3]))
