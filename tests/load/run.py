"""`make loadtest`: two app servers behind nginx on one PostgreSQL, under Locust, on loopback only.

The app servers (gunicorn, and the task worker) run under Debian's supervisor, which restarts them
when they die, as systemd does in a deployment.
1. the floors: 50 simulated people on a minimal view for the run's length, then 50 signed-in
   people on the bench's bare signed-in view (session row and user row, nothing more);
2. the mix: 50 people logging in, doing sessions, saving journal entries, looking at trends;
3. the mix again, with PostgreSQL restarted part-way: how long each 503 took to come back;
then every acknowledged write is looked for in the database, the login and share-link limits are
tried through the proxy, so that both servers answer, and one server's gunicorn master is killed
with kill -9: how long until it serves again;
4. the mix against four app servers that reach PostgreSQL through PgBouncer in transaction pooling,
PostgreSQL's connections counted all along in pg_stat_activity.
Everything started here is stopped here, the load-test accounts' lock-outs too; figures go to
docs/benchmarks/loadtest.json.
"""

from __future__ import annotations

import csv
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backrelease.devtools.settings")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402

import psycopg  # noqa: E402
from axes.models import AccessAttempt  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connections  # noqa: E402
from django.utils import timezone  # noqa: E402

from backrelease.accounts.models import LoginFailure, User  # noqa: E402
from backrelease.capability import budget, tokens  # noqa: E402
from backrelease.devtools import cluster as devdb  # noqa: E402
from backrelease.devtools import nginx, pgbouncer  # noqa: E402
from backrelease.limits.models import Count  # noqa: E402
from journal import sharing  # noqa: E402
from journal.models import JournalEntry, ShareLink  # noqa: E402
from sessions.models import ReleaseSession  # noqa: E402

PROXY_PORT = 8180
APP_PORTS = (8181, 8182)
# The last run: four app servers (each its own workers and task worker) through PgBouncer.
POOLED_PROXY_PORT = 8190
POOLED_APP_PORTS = (8191, 8192, 8193, 8194)
PGBOUNCER_PORT = 6439
PEOPLE = 50
SECONDS = int(os.environ.get("LOAD_SECONDS", 60))
RESTART_AT = SECONDS // 3
PASSWORD = "load-test-password"
OUT = ROOT / "docs" / "benchmarks" / "loadtest.json"
PY = sys.executable
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUPERVISOR_CONF = """
[supervisord]
nodaemon=true
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}

[unix_http_server]
file={dir}/supervisor.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{dir}/supervisor.sock
{programs}
"""
PROGRAM = """
[program:{name}]
command={command}
directory={root}
environment={environment}
autorestart=true
startsecs=1
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile={dir}/{name}.log
"""


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def people() -> list[User]:
    """The simulated people, each with a fresh, empty record, the load-test password and no
    wrong passwords counted against them from an earlier run."""
    AccessAttempt.objects.filter(username__startswith="load-").delete()
    password = make_password(PASSWORD)
    found = []
    for n in range(PEOPLE):
        person, _ = User.objects.update_or_create(
            username=f"load-{n}", defaults={"password": password, "time_zone": "Europe/London"}
        )
        ReleaseSession.objects.of(person).delete()
        JournalEntry.objects.of(person).delete()
        found.append(person)
    return found


def locust(user_class: str, tag: str, log: Path, port: int = PROXY_PORT) -> dict:
    prefix = Path(tempfile.mkdtemp()) / tag
    subprocess.run(
        [
            str(Path(PY).parent / "locust"),
            "-f",
            str(ROOT / "tests" / "load" / "locustfile.py"),
            "--headless",
            "--users",
            str(PEOPLE),
            "--spawn-rate",
            "25",
            "--run-time",
            f"{SECONDS}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            user_class,
        ],
        env={**os.environ, "LOAD_LOG": str(log), "LOAD_PEOPLE": str(PEOPLE)},
        check=False,
    )
    with open(f"{prefix}_stats.csv") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    return {
        "requests": int(total["Request Count"]),
        "requests_per_second": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "failures_counted_by_locust": int(total["Failure Count"]),
    }


def read_log(log: Path) -> tuple[list[dict], dict[str, list]]:
    """The requests, and what each acknowledged write was: journal submission keys and the
    numbers of the sessions seen finished."""
    requests, acknowledged = [], {"journal": [], "session": []}
    for line in log.read_text().splitlines():
        row = json.loads(line)
        if row.get("acknowledged") == "journal":
            acknowledged["journal"].append(row["key"])
        elif row.get("acknowledged") == "session":
            acknowledged["session"].append(row["number"])
        else:
            requests.append(row)
    return requests, acknowledged


def writes(load_people: list[User], acknowledged: dict[str, list]) -> dict:
    """Each acknowledged write looked up in the database: the journal entry by its submission key,
    the session finished with the answers the simulated person gave."""
    # This process's own connection may predate a restart: hand it back, the pool checks it.
    connections.close_all()
    entries = set(
        JournalEntry.objects.filter(
            person__in=load_people, pain=5, submission_key__in=acknowledged["journal"]
        ).values_list("submission_key", flat=True)
    )
    sessions = set(
        ReleaseSession.objects.filter(
            person__in=load_people,
            pk__in=acknowledged["session"],
            finished_at__isnull=False,
            pain_before=6,
            arch_before=3,
            arch_after=1,
            pain_after=3,
        ).values_list("pk", flat=True)
    )
    return {
        "acknowledged": {kind: len(found) for kind, found in acknowledged.items()},
        "acknowledged_but_missing": {
            "journal": sum(uuid.UUID(key) not in entries for key in acknowledged["journal"]),
            "session": sum(number not in sessions for number in acknowledged["session"]),
        },
    }


def restart_database_after(delay: float) -> subprocess.Popen:
    """Restarts the local PostgreSQL in the background after `delay` seconds."""
    script = (
        "import time, json, sys; from backrelease.devtools import cluster as devdb; "
        f"time.sleep({delay}); t0 = time.time(); devdb.stop(); time.sleep(3); devdb.up(); "
        "print(json.dumps({'down_at': t0, 'up_at': time.time()}))"
    )
    return subprocess.Popen(
        [PY, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True, env=os.environ
    )


def limits(person: User) -> dict:
    """Wrong passwords and wrong share tokens through the proxy: both servers take turns."""
    base = f"http://127.0.0.1:{PROXY_PORT}"
    statuses = []
    for n in range(budget.WRONG_TOKENS_PER_MINUTE + 5):
        try:
            urllib.request.urlopen(f"{base}/shared/wrong-token-{n}/", timeout=5)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    link_token = "load-test-valid-share-token"
    ShareLink.objects.filter(token_hash=tokens.hash_token(link_token)).delete()
    sharing.create(person, link_token, label="load", expires_at=timezone.now() + timedelta(days=1))
    with urllib.request.urlopen(f"{base}/shared/{link_token}/", timeout=5) as response:
        valid_after_limit = response.status
    return {
        "share_misses_before_429": statuses.index(429) if 429 in statuses else None,
        "share_statuses": statuses,
        "valid_link_while_limited": valid_after_limit,
        "login_statuses": logins(base, person.username),
    }


def logins(base: str, username: str) -> list[int]:
    """Wrong passwords for one account from one address, then the right one."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    statuses = []
    for password in ["wrong"] * (settings.AXES_FAILURE_LIMIT + 1) + [PASSWORD]:
        page = opener.open(f"{base}/accounts/login/", timeout=5).read().decode()
        data = urllib.parse.urlencode(
            {
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": CSRF.search(page).group(1),
            }
        ).encode()
        try:
            with opener.open(f"{base}/accounts/login/", data=data, timeout=10) as response:
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
    return statuses


def supervisor_conf(workdir: Path, env: dict, ports: tuple[int, ...] = APP_PORTS) -> str:
    def environment(extra: dict) -> str:
        values = {**env, **extra}
        return ",".join(f'{key}="{value}"' for key, value in values.items() if "%" not in value)

    gunicorn = (
        f"{Path(PY).parent / 'gunicorn'} --config backrelease/gunicorn.conf.py backrelease.wsgi"
    )
    programs = []
    for port in ports:
        programs.append(
            PROGRAM.format(
                name=f"web-{port}",
                command=gunicorn,
                root=ROOT,
                dir=workdir,
                environment=environment({"PORT": str(port)}),
            )
        )
        programs.append(
            PROGRAM.format(
                name=f"worker-{port}",
                command=f"{PY} manage.py db_worker --no-reload --verbosity 0",
                root=ROOT,
                dir=workdir,
                environment=environment({}),
            )
        )
    return SUPERVISOR_CONF.format(dir=workdir, programs="".join(programs))


def gunicorn_master(conf: Path, port: int) -> int:
    """The pid of the gunicorn master serving `port`, as supervisor knows it (0 while down)."""
    answer = subprocess.run(
        ["supervisorctl", "-c", str(conf), "pid", f"web-{port}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return int(answer) if answer.isdigit() else 0


def kill_a_master(conf: Path, port: int) -> dict:
    """kill -9 of one server's master: seconds until it serves again (supervisor starts a new
    master; its workers die with the old one, so nothing stale answers meanwhile)."""
    old = gunicorn_master(conf, port)
    killed_at = time.time()
    os.kill(old, signal.SIGKILL)
    deadline = killed_at + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200 and gunicorn_master(conf, port) not in (0, old):
                    break
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    recovered = round(time.time() - killed_at, 2)
    return {
        "serves_again_after_s": recovered,
        "target_s": 30,
        "result": pass_or_miss(recovered <= 30),
    }


def pass_or_miss(met: bool) -> str:
    return "PASS" if met else "MISS"


def forget_the_load_accounts_failures() -> None:
    """No load-test account stays locked out after the run."""
    AccessAttempt.objects.filter(username__startswith="load-").delete()
    LoginFailure.objects.all().delete()


class Servers:
    """App servers under supervisor (gunicorn and a task worker each) with their files in
    `workdir`, behind Debian's nginx with the deployed site (plain HTTP on `proxy_port`: the load
    is the app's, not TLS's); stopped on leaving the `with` block."""

    def __init__(self, workdir: Path, env: dict, ports: tuple[int, ...], proxy_port: int):
        workdir.mkdir(exist_ok=True)
        self.conf = workdir / "supervisord.conf"
        self.conf.write_text(supervisor_conf(workdir, env, ports))
        self.proxy = nginx.Nginx(ports, https_port=proxy_port, tls=False)
        self.workdir, self.ports, self.proxy_port = workdir, ports, proxy_port
        self.supervisord = None

    def __enter__(self) -> Servers:
        self.supervisord = subprocess.Popen(
            ["supervisord", "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        for port in self.ports:
            wait_for(f"http://127.0.0.1:{port}/healthz", 120)
        self.proxy.start()
        wait_for(f"http://127.0.0.1:{self.proxy_port}/healthz")
        return self

    def __exit__(self, *exc) -> None:
        self.proxy.stop()
        shutil.copytree(self.proxy.home / "log", self.workdir / "nginx-logs")
        self.proxy.__exit__(*exc)
        if self.supervisord:
            os.killpg(self.supervisord.pid, signal.SIGTERM)
            self.supervisord.wait(timeout=60)


CLIENT_BACKENDS_SQL = (
    "SELECT backend_start FROM pg_stat_activity WHERE datname = current_database() "
    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
)


class ConnectionCount(threading.Thread):
    """PostgreSQL's own count of connections to the database (pg_stat_activity), taken every
    0.2 s from a connection of its own (not counted) until stopped: the most seen, and when the
    connections of that sample were opened (so a peak says whether PgBouncer opened them)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.most = 0
        self.samples = 0
        self.opened_at_the_peak: list[str] = []
        self._stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(devdb.local_url(), autocommit=True) as conn:
            while not self._stop.wait(0.2):
                opened = [start for (start,) in conn.execute(CLIENT_BACKENDS_SQL).fetchall()]
                if len(opened) > self.most:
                    self.most = len(opened)
                    self.opened_at_the_peak = sorted(start.isoformat() for start in opened)
                self.samples += 1

    def stop(self) -> None:
        self._stop.set()
        self.join(timeout=10)


def connections_left(seconds: float = 30) -> int:
    """Waits, at most `seconds`, until no connection of an earlier phase is left (a gunicorn
    worker orphaned by the kill -9 exits by itself, its connections with it): what is left."""
    deadline = time.monotonic() + seconds
    with psycopg.connect(devdb.local_url(), autocommit=True) as conn:
        while True:
            left = len(conn.execute(CLIENT_BACKENDS_SQL).fetchall())
            if not left or time.monotonic() > deadline:
                return left
            time.sleep(0.5)


def warm_up(ports: tuple[int, ...]) -> None:
    """A few pages from every worker of fresh servers, so the run measures them serving rather
    than their first imports and compiled templates (the direct runs start after the floor)."""

    def fetch(url: str) -> None:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()

    urls = [f"http://127.0.0.1:{port}{page}" for port in ports for page in WARM_UP_PAGES] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(fetch, urls))


WARM_UP_PAGES = ("/accounts/login/", "/healthz", "/offline/")


def through_pgbouncer(workdir: Path, env: dict, load_people: list[User]) -> dict:
    """The mix against four app servers reaching PostgreSQL through PgBouncer in transaction
    pooling: PostgreSQL's connections counted all along, every acknowledged write looked for."""
    # This process's own pool would hold connections of its own through the run.
    connections.close_all()
    connections["default"].close_pool()
    left_before = connections_left()
    bouncer_started_at = timezone.now()
    bouncer = pgbouncer.start(PGBOUNCER_PORT)
    pooled_env = env | {
        "DATABASE_URL": pgbouncer.url(PGBOUNCER_PORT),
        "DATABASE_TRANSACTION_POOLING": "1",
    }
    counter = ConnectionCount()
    try:
        with Servers(workdir / "pooled", pooled_env, POOLED_APP_PORTS, POOLED_PROXY_PORT):
            warm_up(POOLED_APP_PORTS)
            counter.start()
            log = workdir / "pooled.jsonl"
            found = locust("Person", "pooled", log, port=POOLED_PROXY_PORT)
            counter.stop()
    finally:
        counter.stop()
        bouncer.terminate()
        bouncer.wait(timeout=10)
    requests, acknowledged = read_log(log)
    budget_size = pgbouncer.pool_size()
    workers = int(pooled_env.get("WEB_WORKERS", max(2, os.cpu_count() or 1)))
    return found | {
        "app_servers": len(POOLED_APP_PORTS),
        "web_workers_per_server": workers,
        "task_workers": len(POOLED_APP_PORTS),
        "client_connections_possible": len(POOLED_APP_PORTS) * (workers * 8 + 8),
        "postgresql_connections_left_from_before": left_before,
        "pgbouncer_started_at": bouncer_started_at.isoformat(),
        "postgresql_connections_most": counter.most,
        "postgresql_connections_opened_at_the_peak": counter.opened_at_the_peak,
        "postgresql_connections_samples": counter.samples,
        "postgresql_connections_allowed": budget_size,
        "errors": sum(r["failed"] for r in requests),
        "writes": writes(load_people, acknowledged),
        "result": pass_or_miss(
            counter.most <= budget_size and not any(r["failed"] for r in requests)
        ),
    }


def main() -> int:
    if not shutil.which("nginx"):
        print("nginx is missing: make loadtest installs Debian's nginx first.")
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="backrelease-load-"))
    load_people = people()
    Count.objects.all().delete()
    env = {
        "TRUSTED_PROXY_COUNT": "1",
        "DEBUG": "false",
        # Production's settings with the bench's floors mounted beside the app (BENCH_URLS).
        "DJANGO_SETTINGS_MODULE": "backrelease.devtools.settings",
        "BENCH_URLS": "1",
        "DATABASE_URL": os.environ["DATABASE_URL"],
        "PATH": os.environ.get("PATH", ""),
    }
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "false"},
        check=True,
    )
    results: dict = {"people": PEOPLE, "seconds": SECONDS, "servers": len(APP_PORTS)}
    try:
        with Servers(workdir / "direct", env, APP_PORTS, PROXY_PORT) as servers:
            run_direct(servers, load_people, results)
        print(f"Mix through PgBouncer, {len(POOLED_APP_PORTS)} app servers…")
        results["through pgbouncer"] = through_pgbouncer(workdir, env, load_people)
    finally:
        devdb.up()
        forget_the_load_accounts_failures()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"Written to {OUT.relative_to(ROOT)}")
    return 0


def run_direct(servers: Servers, load_people: list[User], results: dict) -> None:
    """The floor, the mix, the mix with PostgreSQL restarted, the limits and the master kill,
    against two app servers connected straight to PostgreSQL."""
    workdir = servers.workdir
    print(f"Floor: {PEOPLE} people on a minimal view for {SECONDS} s…")
    results["minimal view"] = locust("Minimal", "minimal", workdir / "minimal.jsonl")
    print(f"Signed-in floor: {PEOPLE} people on a bare signed-in view for {SECONDS} s…")
    log = workdir / "signed-in.jsonl"
    results["signed-in minimal view"] = locust("SignedInMinimal", "signed-in", log)
    results["signed-in minimal view"]["errors"] = sum(r["failed"] for r in read_log(log)[0])

    print(f"Mix: {PEOPLE} people for {SECONDS} s…")
    log = workdir / "mix.jsonl"
    results["mix"] = locust("Person", "mix", log)
    requests, acknowledged = read_log(log)
    results["mix"]["errors"] = sum(r["failed"] for r in requests)
    results["mix"]["writes"] = writes(load_people, acknowledged)

    print(f"Mix with PostgreSQL restarted after {RESTART_AT} s…")
    log = workdir / "restart.jsonl"
    restarter = restart_database_after(RESTART_AT + 3)
    results["mix with restart"] = locust("Person", "restart", log)
    window = json.loads(restarter.communicate(timeout=120)[0].strip().splitlines()[-1])
    requests, acknowledged = read_log(log)
    # Each request by when it was sent: one sent while the database was down may only come
    # back (as a 503) after it is up again.
    for r in requests:
        r["sent"] = r["at"] - r["ms"] / 1000
    failed = [r for r in requests if r["failed"]]
    down, up = window["down_at"], window["up_at"]
    unavailable = sorted(r["ms"] for r in requests if r["status"] == 503)
    wait_ms = (settings.DATABASE_WAIT + 0.5) * 1000
    results["mix with restart"]["503_answers"] = {
        "count": len(unavailable),
        "p50_ms": unavailable[len(unavailable) // 2] if unavailable else None,
        "p95_ms": unavailable[int(len(unavailable) * 0.95)] if unavailable else None,
        "max_ms": unavailable[-1] if unavailable else None,
        "target_max_ms": wait_ms,
        "result": pass_or_miss(not unavailable or unavailable[-1] <= wait_ms),
    }
    results["mix with restart"] |= {
        "database_down_for_s": round(up - down, 1),
        # Sent before the stop began, still waiting on PostgreSQL when it went away.
        "errors_in_flight_as_it_stopped": sum(r["sent"] < down for r in failed),
        "errors_sent_while_down": sum(down <= r["sent"] <= up for r in failed),
        "errors_sent_after_restart": sum(r["sent"] > up for r in failed),
        "first_ok_after_restart_s": round(
            min((r["at"] for r in requests if r["at"] > up and not r["failed"]), default=up) - up,
            2,
        ),
        "writes": writes(load_people, acknowledged),
    }
    connections.close_all()
    results["limits"] = limits(load_people[0])
    forget_the_load_accounts_failures()
    print(f"kill -9 of the gunicorn master on port {APP_PORTS[0]}…")
    results["master_killed"] = kill_a_master(servers.conf, APP_PORTS[0])
    mix = results["mix"]["requests_per_second"]
    for key, floor in [
        ("mix_throughput_over_minimal", "minimal view"),
        ("mix_throughput_over_signed_in_minimal", "signed-in minimal view"),
    ]:
        results[key] = round(mix / results[floor]["requests_per_second"], 3)


if __name__ == "__main__":
    sys.exit(main())
