"""Three PostgreSQL nodes managed by Patroni, a three-member etcd, pgBackRest's archive, and the
app's way in (PgBouncer in front of HAProxy, which asks Patroni which node is the primary), on
loopback: what `make failover-test` and `make restore-test` run. Debian's packages, never a
stand-in.

Every file is the deployment's own (`docs/deploy/patroni.yml`, `etcd.conf`, `pgbackrest.conf`,
`haproxy.cfg`, `pgbouncer.ini`) with only names, addresses, ports, folders and secrets replaced:
a CA made for the drill with openssl and the certificates it issues (PostgreSQL and Patroni's
REST API, etcd, Patroni's etcd client), passwords made for the run, and the pgBackRest repository
in a local folder as the stand-in for object storage. Each node is its own cluster on its own port,
data folder and Patroni REST port, as three machines would be. Every file stays in `.pg/ha/`,
owned by the server's OS user.
"""

from __future__ import annotations

import base64
import configparser
import contextlib
import io
import json
import os
import secrets
import shutil
import signal
import ssl
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
DEPLOYED_ETCD = DEPLOY / "etcd.conf"
DEPLOYED_RESTORE = DEPLOY / "patroni-restore.yml"
RESTORED_STANZA = "backrelease-restored"
TLS = HOME / "tls"
REPOSITORY = HOME / "repository"
SECRETS = HOME / "secrets.json"
HAPROXY_PORT = 5449
PGBOUNCER_PORT = 6449
STANZA = "backrelease"
APP_USER = "backrelease"
RESTAPI_USER = yaml.safe_load(DEPLOYED.read_text())["restapi"]["authentication"]["username"]


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
# The deployment's certificate folders, each machine's files from the deployment's one CA; the
# drill's are all in TLS, etcd's with a prefix of their own (on a machine of their own, they are
# server.crt there too).
DEPLOYED_TLS = {
    "/etc/patroni/tls/": "",
    "/etc/etcd/tls/": "etcd-",
    "/etc/haproxy/tls/": "",
    "/etc/pgbouncer/tls/": "",
}
# The machine's own name in its certificate; the drill's certificates name localhost.
DRILL_HOST = "localhost"


def make_secrets() -> dict[str, str]:
    """A password for each role, Patroni's REST API and the repository's cipher pass, new for
    each run."""
    names = ("superuser", "replication", "rewind", "app", "restapi", "cipher")
    return {name: secrets.token_urlsafe(24) for name in names}


def drill_path(path: str) -> str:
    """A deployed certificate's path as the drill's, in TLS; the CA is the one CA."""
    folder, name = path.rsplit("/", 1)
    return str(TLS / (name if name == "ca.crt" else DEPLOYED_TLS[f"{folder}/"] + name))


def config(node: Node, bin_dir: Path, passwords: dict[str, str]) -> dict:
    """The deployed Patroni configuration for one loopback node."""
    found = yaml.safe_load(DEPLOYED.read_text())
    found |= {"name": node.name, "log": {"dir": str(node.home), "level": "INFO"}}
    found["restapi"] |= {
        "listen": f"127.0.0.1:{node.rest_port}",
        "connect_address": f"127.0.0.1:{node.rest_port}",
    }
    found["restapi"]["authentication"]["password"] = passwords["restapi"]
    found["etcd3"]["hosts"] = [f"127.0.0.1:{etcd.client_port}" for etcd in ETCDS]
    for section, keys in (
        ("restapi", ("certfile", "keyfile", "cafile")),
        ("ctl", ("certfile", "keyfile", "cacert")),
        ("etcd3", ("cacert", "cert", "key")),
    ):
        for key in keys:
            found[section][key] = drill_path(found[section][key])
    postgresql = found["postgresql"]
    postgresql |= {
        "listen": f"127.0.0.1:{node.port}",
        "connect_address": f"127.0.0.1:{node.port}",
        "data_dir": str(node.data_dir),
        "bin_dir": str(bin_dir),
        "pgpass": str(node.home / "pgpass"),
        "pg_hba": [rule.replace(DEPLOYED_NET, LOOPBACK_NET) for rule in postgresql["pg_hba"]],
    }
    postgresql["parameters"]["unix_socket_directories"] = str(node.home)
    for key in ("ssl_cert_file", "ssl_key_file", "ssl_ca_file"):
        postgresql["parameters"][key] = drill_path(postgresql["parameters"][key])
    for role, values in postgresql["authentication"].items():
        values["password"] = passwords[role]
        if "sslrootcert" in values:
            values["sslrootcert"] = drill_path(values["sslrootcert"])
    return found


def etcd_environment(etcd: Etcd) -> dict[str, str]:
    """The deployed etcd settings (docs/deploy/etcd.conf, Debian's /etc/default/etcd) for one
    loopback member."""
    found = dict(
        line.split("=", 1)
        for line in DEPLOYED_ETCD.read_text().splitlines()
        if line and not line.startswith("#")
    )
    client = f"https://127.0.0.1:{etcd.client_port}"
    peer = f"https://127.0.0.1:{etcd.peer_port}"
    found |= {
        "ETCD_NAME": etcd.name,
        "ETCD_DATA_DIR": str(etcd.data_dir),
        "ETCD_LISTEN_CLIENT_URLS": client,
        "ETCD_ADVERTISE_CLIENT_URLS": client,
        "ETCD_LISTEN_PEER_URLS": peer,
        "ETCD_INITIAL_ADVERTISE_PEER_URLS": peer,
        "ETCD_INITIAL_CLUSTER": ",".join(
            f"{e.name}=https://127.0.0.1:{e.peer_port}" for e in ETCDS
        ),
    }
    for key, value in found.items():
        if key.endswith("_FILE"):
            found[key] = drill_path(value)
    return found


def ini_from_text(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=None)
    parser.optionxform = str
    parser.read_string(text)
    return parser


def read_ini(path: Path) -> configparser.ConfigParser:
    return ini_from_text(path.read_text())


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
    parser = read_ini(DEPLOYED_PGBACKREST)
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
    """The deployed HAProxy configuration with loopback addresses, the drill's ports, its CA, and
    a server line for each node made from the first deployed one."""
    lines, servers = [], []
    for line in DEPLOYED_HAPROXY.read_text().splitlines():
        words = line.split()
        if words[:1] == ["bind"]:
            line = line.replace(words[1], f"127.0.0.1:{HAPROXY_PORT}")
        elif words[:2] == ["stats", "socket"]:
            line = line.replace(words[2], str(HOME / "haproxy.sock"))
        elif "ca-file" in words:
            path = words[words.index("ca-file") + 1]
            line = line.replace(path, drill_path(path))
        elif words[:1] == ["server"]:
            servers.append(words)
            continue
        lines.append(line)
    # server db1 db1.internal:5432 check port 8008 check-sni db1.internal
    address, *options = servers[0][2:]
    host = address.split(":")[0]
    rest_port = options[options.index("port") + 1]
    for node in NODES:
        replaced = {host: DRILL_HOST, rest_port: str(node.rest_port)}
        kept = " ".join(replaced.get(word, word) for word in options)
        lines.append(f"    server {node.name} 127.0.0.1:{node.port} {kept}")
    return "\n".join(lines) + "\n"


def pgbouncer_config(
    passwords: dict[str, str], name: str = "pgbouncer", port: int = PGBOUNCER_PORT
) -> str:
    """The deployed PgBouncer configuration, its database behind HAProxy, SCRAM for the app, the
    server's certificate checked against the drill's CA; its files in HOME/`name`."""
    home = HOME / name
    parser = read_ini(DEPLOYED_PGBOUNCER)
    parser["databases"] = {
        cluster.DB_NAME: f"host=127.0.0.1 port={HAPROXY_PORT} dbname={cluster.DB_NAME}"
    }
    settings = parser["pgbouncer"]
    settings.update(
        {
            "listen_addr": "127.0.0.1",
            "listen_port": str(port),
            "unix_socket_dir": "",
            "auth_file": str(home / "userlist.txt"),
            "logfile": str(home / "pgbouncer.log"),
            "pidfile": str(home / "pgbouncer.pid"),
            "server_tls_ca_file": drill_path(settings["server_tls_ca_file"]),
        }
    )
    return _ini_text(parser)


def app_url(passwords: dict[str, str]) -> str:
    """The app's DATABASE_URL: PgBouncer, as README "Deploying" says a deployment has it."""
    return f"postgres://{APP_USER}:{passwords['app']}@127.0.0.1:{PGBOUNCER_PORT}/{cluster.DB_NAME}"


def app_environment(url: str) -> dict[str, str]:
    """The app's database settings on the drill cluster: `url` (PgBouncer's) in transaction
    pooling, as docs/deploy/pgbouncer.ini says a deployment runs it."""
    return {"DATABASE_URL": url, "DATABASE_TRANSACTION_POOLING": "1"}


def migrate_app(url: str) -> None:
    """The app's own migrations, the way the app reaches the cluster: PgBouncer in transaction
    pooling, HAProxy, the primary over TLS."""
    env = os.environ | app_environment(url)
    env["DJANGO_SETTINGS_MODULE"] = "backrelease.devtools.settings"
    command = [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"]
    subprocess.run(command, cwd=cluster.ROOT, env=env, check=True, timeout=600)


def owned_by_server(*paths: Path) -> None:
    if os.geteuid() == 0:
        for path in paths:
            shutil.chown(path, cluster.SUPERUSER, cluster.SUPERUSER)


def _write(path: Path, text: str, mode: int = 0o600) -> None:
    path.write_text(text)
    path.chmod(mode)
    owned_by_server(path)


# The drill's certificates, each issued by its CA: the one machine's (PostgreSQL, Patroni's REST
# API and patronictl, as on a database machine), etcd's (clients and peers), and Patroni's as an
# etcd client. Each names 127.0.0.1 and localhost.
CERTIFICATES = ("server", "etcd-server", "etcd-client")


def make_certificate() -> None:
    """The drill's CA, the certificates it issues, and another CA that issued none of them (for
    the check that PgBouncer refuses a server it cannot vouch for), made with openssl for the
    run."""
    TLS.mkdir(parents=True)
    # With the extensions a strict client asks for (Python's default since 3.13): a CA that says
    # it signs certificates, and certificates that name their issuer's key and their uses.
    steps = [
        f"openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=backrelease-drill-{name} "
        "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign "
        f"-keyout {name}.key -out {name}.crt"
        for name in ("ca", "another-ca")
    ]
    extensions = (
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "basicConstraints=CA:FALSE",
        "keyUsage=digitalSignature,keyEncipherment",
        "extendedKeyUsage=serverAuth,clientAuth",
        "subjectKeyIdentifier=hash",
        "authorityKeyIdentifier=keyid,issuer",
    )
    (TLS / "san.ext").write_text("\n".join(extensions) + "\n")
    for name in CERTIFICATES:
        steps += [
            f"openssl req -newkey rsa:2048 -nodes -subj /CN={name} "
            f"-keyout {name}.key -out {name}.csr",
            f"openssl x509 -req -in {name}.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 "
            f"-extfile san.ext -out {name}.crt",
        ]
    for step in steps:
        subprocess.run(["sh", "-c", step], cwd=TLS, check=True, capture_output=True)
    for path in TLS.iterdir():
        path.chmod(0o600)
    owned_by_server(TLS, *TLS.iterdir())


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
        owned_by_server(cluster.PG_DIR, HOME, REPOSITORY)
        _write(SECRETS, json.dumps(self.passwords))
        make_certificate()
        self.start_store()
        bin_dir = cluster.find_bin_dir()
        for node in NODES:
            node.home.mkdir()
            owned_by_server(node.home)
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
            address = f"https://127.0.0.1:{etcd.client_port}/health"
            wait(
                lambda address=address: (
                    (get_json(address, ETCD_CLIENT) or {}).get("health") == "true"
                ),
                60,
                etcd.name,
            )

    def start_etcd(self, etcd: Etcd) -> None:
        """Debian's etcd with the deployed settings in its environment, as Debian's etcd.service
        starts it."""
        binary = shutil.which("etcd") or "/usr/bin/etcd"
        environment = [f"{key}={value}" for key, value in etcd_environment(etcd).items()]
        command = cluster.as_server_user(["env", *environment, binary])
        self._spawn(etcd.name, command, HOME / f"{etcd.name}.log")

    def add(self, node: Node, found: dict, stanzas: tuple[str, ...] = (STANZA,)) -> None:
        """A node of its own configuration `found` (a new cluster's, say), started."""
        node.home.mkdir()
        owned_by_server(node.home)
        _write(node.config_file, yaml.safe_dump(found))
        self.write_pgbackrest(node, stanzas)
        self.start(node)

    def write_pgbackrest(self, node: Node, stanzas: tuple[str, ...] = (STANZA,)) -> None:
        found = pgbackrest_config(node, self.passwords, stanzas)
        _write(node.pgbackrest_file, _ini_text(found))
        for option in ("log-path", "spool-path", "lock-path"):
            folder = Path(found["global"][option])
            folder.mkdir(exist_ok=True)
            owned_by_server(folder)

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

    def start_haproxy(self, name: str = "haproxy", text: str | None = None) -> None:
        path = HOME / f"{name}.cfg"
        _write(path, text or haproxy_config(), 0o644)
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        self._spawn(name, [binary, "-db", "-f", str(path)], HOME / f"{name}.log")
        if text is None:
            wait(lambda: haproxy_up() == [leader().name], 30, "HAProxy")

    def refused_by_haproxy_expecting_another_name(self) -> str:
        """A second HAProxy, the drill's own configuration but expecting each node's certificate
        to name another host: whether it still sends to the primary (it should send nowhere)."""
        text = haproxy_config().replace(f"check-sni {DRILL_HOST}", "check-sni another.internal")
        text = text.replace(f"127.0.0.1:{HAPROXY_PORT}", f"127.0.0.1:{ANOTHER_NAME_PORT}")
        text = text.replace(str(HOME / "haproxy.sock"), str(HOME / "haproxy-another-name.sock"))
        self.start_haproxy("haproxy-another-name", text)
        try:
            # Its checks run every second; two that fail mark a node down (fall 2).
            time.sleep(5)
            up = haproxy_up("haproxy-another-name")
        finally:
            self.stop("haproxy-another-name")
        log = (HOME / "haproxy-another-name.log").read_text()
        if up:
            return f"sends to {up}"
        refused = "different from the expected one" in log
        return f"sends nowhere (certificate {'refused' if refused else '?'})"

    def start_pgbouncer(self) -> None:
        self.spawn_pgbouncer("pgbouncer", PGBOUNCER_PORT, pgbouncer_config(self.passwords))
        import psycopg  # noqa: PLC0415 (only the drill needs it, not the config checks)

        def answers() -> bool:
            try:
                psycopg.connect(app_url(self.passwords), connect_timeout=2).close()
            except psycopg.OperationalError:
                return False
            return True

        wait(answers, 30, "PgBouncer")

    def spawn_pgbouncer(self, name: str, port: int, text: str) -> None:
        home = HOME / name
        home.mkdir(exist_ok=True)
        owned_by_server(home)
        _write(home / "userlist.txt", f'"{APP_USER}" "{self.passwords["app"]}"\n')
        _write(home / "pgbouncer.ini", text)
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        command = cluster.as_server_user([binary, str(home / "pgbouncer.ini")])
        self._spawn(name, command, home / "pgbouncer.out")

    def refused_by_pgbouncer_trusting_another_ca(self) -> str:
        """A second PgBouncer, the drill's own configuration but trusting only a CA that did not
        issue the servers' certificates: what the app meets through it (it should be refused)."""
        import psycopg  # noqa: PLC0415

        text = pgbouncer_config(self.passwords, "pgbouncer-another-ca", ANOTHER_CA_PORT)
        text = text.replace(str(TLS / "ca.crt"), str(TLS / "another-ca.crt"))
        self.spawn_pgbouncer("pgbouncer-another-ca", ANOTHER_CA_PORT, text)
        url = app_url(self.passwords).replace(f":{PGBOUNCER_PORT}/", f":{ANOTHER_CA_PORT}/")
        deadline = time.monotonic() + 30
        try:
            while True:
                try:
                    # Longer than query_wait_timeout: PgBouncer's own answer, not ours.
                    with psycopg.connect(url, connect_timeout=20) as conn:
                        conn.execute("SELECT 1")
                    return "accepted"
                except psycopg.OperationalError as error:
                    # Refused outright only until it listens.
                    if "refused" not in str(error) or time.monotonic() > deadline:
                        answer = str(error).strip().splitlines()[-1][:120]
                        break
                    time.sleep(0.5)
        finally:
            self.stop("pgbouncer-another-ca")
        log = (HOME / "pgbouncer-another-ca" / "pgbouncer.log").read_text()
        why = "certificate verify failed" if "certificate verify failed" in log else "?"
        return f"refused: {answer} (PgBouncer's log: {why})"

    def security(self) -> dict:
        """What the deployed security refuses and allows on the running cluster: etcd without a
        client certificate; Patroni's endpoints that change something (POST /reload: harmless
        if wrongly let through) without a certificate, without the password, with a wrong one,
        and as patronictl sends it; patronictl as configured; PgBouncer trusting another CA;
        HAProxy expecting another name in the nodes' certificates."""
        node = leader()
        reload = rest(node, "/reload")
        password = self.passwords["restapi"]
        found = {
            "etcd_without_a_client_certificate": _refusal(
                lambda: _get_raising(f"https://127.0.0.1:{ETCDS[0].client_port}/health", None)
            ),
            "patroni_change_without_a_client_certificate": _refusal(
                lambda: _send(reload, b"", certificate=None, password=password)
            ),
            "patroni_change_without_the_password": _refusal(lambda: _send(reload, b"")),
            "patroni_change_with_a_wrong_password": _refusal(
                lambda: _send(reload, b"", password="wrong")
            ),
            "patroni_change_with_certificate_and_password": _refusal(
                lambda: _send(reload, b"", password=password)
            ),
        }
        listed = cluster._run(
            ["/usr/bin/patronictl", "-c", str(node.config_file), "list", "--format", "json"]
        )
        found["patronictl_list_members"] = (
            len(json.loads(listed.stdout)) if listed.returncode == 0 else listed.stderr[-200:]
        )
        found["pgbouncer_trusting_another_ca"] = self.refused_by_pgbouncer_trusting_another_ca()
        found["haproxy_expecting_another_name"] = self.refused_by_haproxy_expecting_another_name()
        return found

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


# (certificate, key) a client presents: Patroni's own to etcd, and the machine's for Patroni's
# endpoints that change something (as patronictl, whose `ctl` section names it).
ETCD_CLIENT = ("etcd-client.crt", "etcd-client.key")
SERVER_CERTIFICATE = ("server.crt", "server.key")
ANOTHER_CA_PORT = 6450
ANOTHER_NAME_PORT = 5450


def rest(node: Node, path: str) -> str:
    """The address of `path` on the node's REST API (HTTPS, docs/deploy/patroni.yml)."""
    return f"https://127.0.0.1:{node.rest_port}{path}"


def _context(certificate: tuple[str, str] | None) -> ssl.SSLContext:
    """The server checked against the drill's CA, by name (127.0.0.1); a client certificate."""
    context = ssl.create_default_context(cafile=TLS / "ca.crt")
    if certificate:
        context.load_cert_chain(*(TLS / name for name in certificate))
    return context


def _get_raising(address: str, certificate: tuple[str, str] | None) -> dict:
    with urllib.request.urlopen(address, timeout=2, context=_context(certificate)) as response:
        return json.loads(response.read() or b"{}")


def get_json(address: str, certificate: tuple[str, str] | None = None) -> dict | None:
    try:
        return _get_raising(address, certificate)
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _send(
    address: str,
    body: bytes,
    certificate: tuple[str, str] | None = SERVER_CERTIFICATE,
    password: str | None = None,
) -> None:
    """A POST to Patroni's REST API, as patronictl sends it."""
    headers = {"Content-Type": "application/json"}
    if password is not None:
        token = base64.b64encode(f"{RESTAPI_USER}:{password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    request = urllib.request.Request(address, data=body, method="POST", headers=headers)
    with urllib.request.urlopen(request, timeout=30, context=_context(certificate)) as response:
        response.read()


def post_authorised(address: str, body: bytes) -> None:
    """An authorised POST to Patroni's REST API: the machine's certificate, the run's password."""
    _send(address, body, password=json.loads(SECRETS.read_text())["restapi"])


def _refusal(call) -> str:
    """How `call` was refused ("accepted" when it was not)."""
    try:
        call()
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return f"refused: {getattr(error, 'reason', error)}"[:160]
    return "accepted"


def members() -> list[dict]:
    """Patroni's view of the cluster: each member's name, role and state."""
    for node in NODES:
        found = get_json(rest(node, "/cluster"))
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


def haproxy_up(name: str = "haproxy") -> list[str]:
    """The servers HAProxy (`name`) sends to now (those passing Patroni's GET /primary)."""
    import socket  # noqa: PLC0415

    try:
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(2)
            conn.connect(str(HOME / f"{name}.sock"))
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
