"""`make failover-test`: the deployment's database tier (three Patroni nodes, a three-member etcd,
pgBackRest's archive, HAProxy and PgBouncer, backrelease/devtools/ha.py) losing a part at a time
while people save journal entries through the app as a deployment runs it.

Faults, each from a whole cluster, each until it is whole again:
1. kill -9 of the primary's postmaster;
2. kill -9 of the primary's Patroni alone (PostgreSQL left running), Patroni started again 30 s
   later (it finds another leader and turns its PostgreSQL into a standby);
3. one etcd member killed, back after 60 s;
4. the whole store (all three etcd members) killed, back after 20 s;
5. the synchronous standby's machine lost (Patroni and postmaster killed), back after 30 s.

The app: its migrations run into the drill cluster through PgBouncer, then gunicorn as `make
serve` starts it (backrelease/devtools/served.py) with DATABASE_URL at the drill's PgBouncer and
DATABASE_TRANSACTION_POOLING=1 (docs/deploy/pgbouncer.ini), behind Debian's nginx with Debian's
own nginx.conf and the deployed site (backrelease/devtools/nginx.py), over HTTPS. Behind one
proxy, as deployed (TRUSTED_PROXY_COUNT=1: the app knows the request came over HTTPS); not
HTTPS=true, whose redirect would turn away served.py's own plain-HTTP health check (it adds
secure cookies and HSTS, nothing the database sees). The loopback origin, whose port is not 443,
is the one trusted for CSRF. Static files from the finders (STATIC_MANIFEST=false), so the drill
does not depend on a collectstatic of the moment.

Writers are browsers: PEOPLE threads, each signed in through the login form as its own drill
person, each taking a blank journal form (its CSRF token and submission key) and posting it with
pain and a unique note, with the Origin and Referer a browser sends. A write is acknowledged only
when the app says it saved it: the redirect to the journal (302 to /journal/). The app's "not
saved yet" (the journal form again, 202, or commit_wait's page, 503) and its "back in a moment"
(503) are counted apart; after either the same form is sent again, as the page tells a person to,
until it is saved: its submission key makes that safe. nginx's own error pages (a 502 or 504 of
its own, never the app's) and any other answer are MISS.

One more writer inserts rows with psycopg through PgBouncer, as the app connects (autocommit, no
prepared statements), asking `inet_server_port()` which node took each: the app cannot tell which
node acknowledged a write, and that is what shows two primaries' acknowledgements interleaving.

Checked for each fault: every acknowledged note stored exactly once and no note twice (and the
same of the raw writer's keys), the longest time without an acknowledged write, and never two
nodes accepting writes at once: each node asked over its own socket four times a second whether
it would acknowledge a write (a primary with its synchronous standby streaming), HAProxy asked
which nodes it sends to, and the raw writer's acknowledgements of two nodes never interleaved.
Checked once a run, on the whole cluster: what the deployed security refuses
(`ha.Cluster.security`: etcd without a client certificate, Patroni's changes without certificate
or password, PgBouncer trusting another CA, HAProxy expecting another name in the nodes'
certificates). RUNS fresh clusters (3); figures to docs/benchmarks/failover.json. Loopback
only, bounded, stops everything it started.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backrelease.devtools.settings")

import psycopg  # noqa: E402

from backrelease.devtools import cluster, ha, nginx, served  # noqa: E402

RUNS = int(os.environ.get("RUNS", 3))
WRITES_BACK_WITHIN_S = 30
WHOLE_AGAIN_WITHIN_S = 180
BEFORE_S = 5
STEADY_S = 6
STEADY_WAL_S = 30
PEOPLE = 3
PASSWORD = "drill-password-" + uuid.uuid4().hex
OUT = ROOT / "docs" / "benchmarks" / "failover.json"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY = re.compile(r'name="submission_key" value="([^"]+)"')
# nginx's certificate is self-signed for the run (backrelease/devtools/nginx.py): TLS is there,
# its name and issuer are not what the drill checks.
NGINX_TLS = ssl.create_default_context()
NGINX_TLS.check_hostname = False
NGINX_TLS.verify_mode = ssl.CERT_NONE
PEOPLE_SCRIPT = """
import sys, django
django.setup()
from backrelease.accounts.models import User
for name in sys.argv[2:]:
    User.objects.create_user(username=name, password=sys.argv[1])
"""


class Browser:
    """One drill person's browser: HTTPS to nginx, its cookies, and on a form's POST the Origin
    and Referer a browser sends. A connection a request, so no request is ever sent twice."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies = SimpleCookie()

    def request(self, method: str, path: str, fields: dict | None = None) -> dict:
        """The answer: status, Location, body (or `error` when none came)."""
        headers = {"Host": f"127.0.0.1:{self.port}", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": f"{self.origin}{path}",
            }
        # Longer than nginx's proxy_read_timeout (60 s): nginx answers first, if anyone.
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, timeout=90, context=NGINX_TLS
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
        except (OSError, http.client.HTTPException) as error:
            return {"error": type(error).__name__}
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            self.cookies.load(cookie)
        return {"status": response.status, "location": response.getheader("Location"), "body": text}

    def sign_in(self, username: str) -> None:
        page = self.request("GET", "/accounts/login/")
        fields = {
            "csrfmiddlewaretoken": CSRF.search(page["body"]).group(1),
            "username": username,
            "password": PASSWORD,
        }
        answer = self.request("POST", "/accounts/login/", fields)
        if answer.get("status") != 302:
            raise RuntimeError(f"{username} could not sign in: {answer.get('status')}")


def kind(answer: dict) -> str:
    """What an answer says, in the app's words; anything the app never says is named by who
    gave it."""
    if "error" in answer:
        return f"no answer ({answer['error']})"
    status, body = answer["status"], answer["body"]
    if status == 302 and (answer["location"] or "").endswith("/journal/"):
        return "saved"
    if status == 200 and CSRF.search(body):
        return "form"
    if status in (202, 503) and "Not saved yet" in body:
        return "not saved yet"
    if status == 503 and "Back in a moment" in body:
        return "back in a moment"
    if status >= 500 and "<center>nginx" in body:
        return f"nginx's own {status}"
    return f"other {status}"


# What the app answers while the database is away or slow: a person told to wait.
APP_WAITS = {"not saved yet", "back in a moment"}
# What the app answers each kind of request. A form is the answer to a GET, never to a POST: a
# refused entry would be sent again and again while the other people go on saving.
KNOWN_ANSWERS = {"GET": {"form", *APP_WAITS}, "POST": {"saved", *APP_WAITS}}


class Writers:
    """Each drill person saving journal entries through nginx until stopped, and the raw writer;
    each attempt recorded with when it was sent, what came back and, when acknowledged, when."""

    def __init__(self, port: int, people: list[str], url: str) -> None:
        self.port = port
        self.people = people
        self.url = url
        self.attempts: list[dict] = []
        self.raw: list[dict] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        # The raw writer waits while the WAL of the people's saves alone is measured.
        self.raw_paused = threading.Event()
        self.threads = [
            threading.Thread(target=self.person, args=(name,), daemon=True) for name in people
        ]
        self.threads.append(threading.Thread(target=self.insert, daemon=True))
        self.browsers: dict[str, Browser] = {}

    def __enter__(self) -> Writers:
        for name in self.people:
            self.browsers[name] = Browser(self.port)
            self.browsers[name].sign_in(name)
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def record(self, attempt: dict, into: list[dict]) -> None:
        with self.lock:
            into.append(attempt)

    def person(self, name: str) -> None:
        browser = self.browsers[name]
        while not self.stopping.is_set():
            sent = time.time()
            page = browser.request("GET", "/journal/new/")
            if kind(page) != "form":
                self.record({"method": "GET", "sent": sent, "answer": kind(page)}, self.attempts)
                time.sleep(0.5)
                continue
            fields = {
                "csrfmiddlewaretoken": CSRF.search(page["body"]).group(1),
                "submission_key": KEY.search(page["body"]).group(1),
                "pain": "4",
                "note": f"drill {uuid.uuid4()}",
            }
            # The same form until the app says saved, as its "not saved yet" tells a person.
            while not self.stopping.is_set():
                attempt = {"method": "POST", "note": fields["note"], "sent": time.time()}
                attempt["answer"] = kind(browser.request("POST", "/journal/new/", fields))
                if attempt["answer"] == "saved":
                    attempt["acked"] = time.time()
                self.record(attempt, self.attempts)
                if "acked" in attempt:
                    break
                time.sleep(0.5)
            time.sleep(0.05)

    def insert(self) -> None:
        conn = None
        while not self.stopping.is_set():
            if self.raw_paused.is_set():
                time.sleep(0.2)
                continue
            attempt = {"key": str(uuid.uuid4()), "sent": time.time()}
            try:
                if conn is None:
                    # As the app under DATABASE_TRANSACTION_POOLING: nothing prepared on a server.
                    conn = psycopg.connect(
                        self.url, autocommit=True, connect_timeout=3, prepare_threshold=None
                    )
                (port,) = conn.execute(
                    "INSERT INTO drill_write (key) VALUES (%s) RETURNING inet_server_port()",
                    (attempt["key"],),
                ).fetchone()
                attempt |= {"acked": time.time(), "port": port}
            except psycopg.Error as error:
                attempt["error"] = str(error).split("\n")[0][:120]
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.2)
            self.record(attempt, self.raw)
            time.sleep(0.1)
        if conn is not None:
            conn.close()

    def since(self, start: float, raw: bool = False) -> list[dict]:
        with self.lock:
            return [a for a in (self.raw if raw else self.attempts) if a["sent"] >= start]


class Watcher:
    """`ha.watch` as the postgres OS user (peer over each node's socket), for one fault."""

    def __init__(self, name: str) -> None:
        self.out = ha.HOME / f"watch-{name}.jsonl"
        self.process = None

    def __enter__(self) -> Watcher:
        self.out.touch()
        ha.owned_by_server(self.out)
        command = [
            "/usr/bin/python3",
            "-m",
            "backrelease.devtools.ha",
            "watch",
            str(self.out),
            "600",
        ]
        self.process = subprocess.Popen(
            cluster.as_server_user(command), cwd=ROOT, stderr=subprocess.DEVNULL
        )
        return self

    def __exit__(self, *exc) -> None:
        Path(f"{self.out}.stop").touch()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def rows(self) -> list[dict]:
        return [json.loads(line) for line in self.out.read_text().splitlines()]


def two_primaries(rows: list[dict], attempts: list[dict]) -> dict:
    """Samples with two nodes that would acknowledge a write, samples with HAProxy sending to two,
    and whether the acknowledgements of two nodes overlap in time."""
    writable = sum(sum(row[node.name] is True for node in ha.NODES) > 1 for row in rows)
    routed = sum(len(row["haproxy"]) > 1 for row in rows)
    # The acknowledging node over time, in runs of acknowledgements by the same node.
    order: list[int] = []
    for _, port in sorted((a["acked"], a["port"]) for a in attempts if "acked" in a):
        if not order or order[-1] != port:
            order.append(port)
    return {
        "samples": len(rows),
        "samples_with_two_writable_nodes": writable,
        "samples_with_haproxy_sending_to_two": routed,
        "acknowledging_nodes_in_order": order,
    }


def first_connection(url: str, seconds: float = 30) -> psycopg.Connection:
    """A connection that answers a query, trying for `seconds` (PgBouncer may still be waiting
    out a failed login)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=3)
            conn.execute("SELECT 1")
            return conn
        except psycopg.Error:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def longest_gap(start: float, end: float, acked: list[float]) -> float:
    """The longest time between `start` and `end` without an acknowledgement: the whole window
    when there was none, so writes that never came back cannot pass."""
    times = [start, *sorted(acked), end]
    return round(max(b - a for a, b in zip(times, times[1:], strict=False)), 2)


def outcome(writers: Writers, start: float, end: float, url: str) -> dict:
    """What the people and the raw writer saw from `start` to `end`, and what the primary holds."""
    attempts = writers.since(start)
    posts = [a for a in attempts if a["method"] == "POST"]
    saved = [a for a in posts if "acked" in a]
    notes = sorted({a["note"] for a in posts})
    # Sent, never called saved (the run ended, or the person was still trying): 0 or 1 stored.
    unsaved = set(notes) - {a["note"] for a in saved}
    raw = writers.since(start, raw=True)
    raw_acked = [a for a in raw if "acked" in a]
    keys = [a["key"] for a in raw_acked]
    with first_connection(url) as conn:
        stored = dict(
            conn.execute(
                "SELECT note, count(*) FROM journal_journalentry WHERE note = ANY(%s) "
                "GROUP BY note",
                (notes,),
            ).fetchall()
        )
        raw_stored = {
            str(key): count
            for key, count in conn.execute(
                "SELECT key, count(*) FROM drill_write WHERE key = ANY(%s) GROUP BY key",
                (keys,),
            ).fetchall()
        }
        ssl_on = conn.execute(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        ).fetchone()[0]
    answers = Counter(f"{a['method']} {a['answer']}" for a in attempts)
    return {
        "app": {
            "entries_sent": len(notes),
            "posts": len(posts),
            "saved": len(saved),
            "answers": dict(answers.most_common()),
            "saved_but_missing": sum(a["note"] not in stored for a in saved),
            "stored_twice": sum(count > 1 for count in stored.values()),
            "sent_not_saved_but_stored": sum(note in stored for note in unsaved),
            "nginx_own_errors": sum(a["answer"].startswith("nginx's own") for a in attempts),
            "answers_the_app_never_gives": sum(
                a["answer"] not in KNOWN_ANSWERS[a["method"]] for a in attempts
            ),
            "longest_without_a_saved_entry_s": longest_gap(start, end, [a["acked"] for a in saved]),
        },
        "raw": {
            "attempts": len(raw),
            "acknowledged": len(raw_acked),
            "failures": dict(Counter(a["error"] for a in raw if "error" in a).most_common()),
            "acknowledged_but_missing": sum(key not in raw_stored for key in keys),
            "duplicated": sum(count > 1 for count in raw_stored.values()),
            "longest_without_a_write_s": longest_gap(start, end, [a["acked"] for a in raw_acked]),
        },
        "tls_pgbouncer_to_postgresql": ssl_on,
    }


def passed(found: dict) -> bool:
    app, raw, checks = found["app"], found["raw"], found["two_primaries"]
    return (
        app["saved"] > 0
        and raw["acknowledged"] > 0
        and app["saved_but_missing"] == 0
        and app["stored_twice"] == 0
        and app["nginx_own_errors"] == 0
        and app["answers_the_app_never_gives"] == 0
        and app["longest_without_a_saved_entry_s"] <= WRITES_BACK_WITHIN_S
        and raw["acknowledged_but_missing"] == 0
        and raw["duplicated"] == 0
        and raw["longest_without_a_write_s"] <= WRITES_BACK_WITHIN_S
        and found["tls_pgbouncer_to_postgresql"] is True
        and checks["samples"] > 0
        and checks["samples_with_two_writable_nodes"] == 0
        and checks["samples_with_haproxy_sending_to_two"] == 0
        and len(set(checks["acknowledging_nodes_in_order"]))
        == len(checks["acknowledging_nodes_in_order"])
    )


def kill_postmaster(db: ha.Cluster) -> dict:
    victim = ha.leader()
    killed_at = time.time()
    os.kill(ha.postmaster_pid(victim), signal.SIGKILL)
    ha.wait(lambda: ha.leader() not in (None, victim), 60, "a new leader")
    return {"node": victim.name, "promoted_after_s": round(time.time() - killed_at, 1)}


def kill_patroni(db: ha.Cluster) -> dict:
    victim = ha.leader()
    db.kill(victim.name)
    time.sleep(30)
    db.start(victim)
    return {"node": victim.name, "patroni_back_after_s": 30}


def one_etcd_member(db: ha.Cluster) -> dict:
    etcd = ha.ETCDS[0]
    db.kill(etcd.name)
    time.sleep(60)
    db.start_store((etcd,))
    return {"member": etcd.name, "down_s": 60}


def whole_store(db: ha.Cluster) -> dict:
    for etcd in ha.ETCDS:
        db.kill(etcd.name)
    time.sleep(20)
    db.start_store()
    return {"down_s": 20}


def sync_standby(db: ha.Cluster) -> dict:
    victim = ha.sync_standby()
    db.kill(victim.name)
    os.kill(ha.postmaster_pid(victim), signal.SIGKILL)
    time.sleep(30)
    db.start(victim)
    return {"node": victim.name, "down_s": 30}


FAULTS = {
    "kill -9 of the primary's postmaster": kill_postmaster,
    "kill -9 of the primary's Patroni alone, back after 30 s": kill_patroni,
    "one etcd member down 60 s": one_etcd_member,
    "the whole store down 20 s": whole_store,
    "the synchronous standby's machine down 30 s": sync_standby,
}


def steadily_whole():
    """Whole, and still whole STEADY_S later: Patroni may not have seen a fault yet."""
    since: list[float] = []

    def ready() -> bool:
        if not ha.whole():
            since.clear()
            return False
        since[:] = since or [time.monotonic()]
        return time.monotonic() - since[0] >= STEADY_S

    return ready


def drill(db: ha.Cluster, writers: Writers, url: str, name: str, fault) -> dict:
    number = list(FAULTS).index(name) + 1
    leader_before = ha.leader()
    with Watcher(f"{number}") as watcher:
        time.sleep(BEFORE_S)
        started = time.time()
        found = {"fault": name, "leader_before": leader_before.name} | fault(db)
        ha.wait(steadily_whole(), WHOLE_AGAIN_WITHIN_S, f"the cluster after '{name}'")
        found["whole_again_after_s"] = round(time.time() - started - STEADY_S, 1)
        # A few seconds of writes on the whole cluster, so the last gap is measured too.
        time.sleep(BEFORE_S)
    found["leader_after"] = ha.leader().name
    found |= outcome(writers, started, time.time(), url)
    found["two_primaries"] = two_primaries(
        watcher.rows(), writers.since(started - BEFORE_S, raw=True)
    )
    found["result"] = "PASS" if passed(found) else "MISS"
    print(json.dumps(found), flush=True)
    return found


def secure(found: dict) -> bool:
    """The deployed security held: each refusal a refusal, and the right client let in."""
    return (
        # The TLS alert, not a refused connection: etcd must be up and turn the client away.
        found["etcd_without_a_client_certificate"] == "refused: SSLV3_ALERT_BAD_CERTIFICATE"
        and found["patroni_change_without_a_client_certificate"] == "HTTP 403"
        and found["patroni_change_without_the_password"] == "HTTP 401"
        and found["patroni_change_with_a_wrong_password"] == "HTTP 401"
        and found["patroni_change_with_certificate_and_password"] == "accepted"
        and found["patronictl_list_members"] == len(ha.NODES)
        and found["pgbouncer_trusting_another_ca"].endswith("certificate verify failed)")
        and found["haproxy_expecting_another_name"] == "sends nowhere (certificate refused)"
    )


def app_served(url: str, https_port: int) -> dict[str, str]:
    """The environment gunicorn runs in: the drill's PgBouncer in transaction pooling, behind one
    proxy, the loopback origin trusted."""
    return ha.app_environment(url) | {
        "TRUSTED_PROXY_COUNT": "1",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{https_port}",
        "STATIC_MANIFEST": "false",
    }


def one_run(number: int) -> dict:
    started = time.time()
    with ha.Cluster() as db:
        ready = round(time.time() - started, 1)
        url = ha.app_url(db.passwords)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "CREATE TABLE drill_write (key uuid NOT NULL, at timestamptz DEFAULT now())"
            )
        print(f"Run {number}: cluster whole after {ready} s", flush=True)
        security = db.security()
        security["result"] = "PASS" if secure(security) else "MISS"
        print(json.dumps(security), flush=True)
        migrated = time.time()
        ha.migrate_app(url)
        migrated = round(time.time() - migrated, 1)
        people = [f"drill-{n}" for n in range(PEOPLE)]
        subprocess.run(
            [sys.executable, "-c", PEOPLE_SCRIPT, PASSWORD, *people],
            cwd=ROOT,
            env=os.environ | ha.app_environment(url),
            check=True,
            timeout=120,
        )
        https_port = nginx.free_port()
        os.environ.update(app_served(url, https_port))
        with (
            served.served() as server,
            nginx.Nginx([server.port], https_port=https_port) as proxy,
        ):
            proxy.start()
            print(f"Run {number}: the app migrated in {migrated} s, served", flush=True)
            with Writers(https_port, people, url) as writers:
                found = faults(writers, db, url)
    return {
        "run": number,
        "cluster_ready_after_s": ready,
        "app_migrated_through_pgbouncer_s": migrated,
        "security": security,
    } | found


# The primary's own WAL counters (PostgreSQL 14+): records, full-page images and bytes.
WAL_SQL = "SELECT wal_records, wal_fpi, wal_bytes FROM pg_stat_wal"


def faults(writers: Writers, db: ha.Cluster, url: str) -> dict:
    """The WAL of journal saves on a cluster with nothing wrong (the raw writer paused), then
    every fault in turn."""
    lsn = "SELECT pg_current_wal_lsn() - '0/0'"
    writers.raw_paused.set()
    # A failover starts a new WAL file: measured first, on the whole cluster, on one primary.
    primary = ha.leader()
    started = time.time()
    before = [int(n) for n in ha.psql(primary, WAL_SQL).split("|")]
    time.sleep(STEADY_WAL_S)
    records, images, wal = (
        int(n) - b for n, b in zip(ha.psql(primary, WAL_SQL).split("|"), before, strict=True)
    )
    saves = sum("acked" in a for a in writers.since(started))
    writers.raw_paused.clear()
    started, wal_before = time.time(), int(ha.psql(ha.leader(), lsn))
    found = [drill(db, writers, url, name, fault) for name, fault in FAULTS.items()]
    wal_faults = int(ha.psql(ha.leader(), lsn)) - wal_before
    return {
        "steady": {
            "seconds": STEADY_WAL_S,
            "entries_saved": saves,
            "wal_bytes": wal,
            "wal_records": records,
            # A page's first change after a checkpoint is written whole (8 kB): how many of the
            # bytes depend on where the checkpoints fell, not on the saves.
            "full_page_images": images,
            # The form's GET and its POST: everything a person's save writes, session included.
            "wal_bytes_a_saved_entry": round(wal / saves) if saves else None,
            "wal_records_a_saved_entry": round(records / saves, 1) if saves else None,
        },
        # What the primary wrote during the faults: the entries, the raw writer's rows,
        # checkpoints, and the WAL file each promotion starts.
        "during_the_faults": {
            "wal_bytes": wal_faults,
            "entries_saved": sum("acked" in a for a in writers.since(started)),
            "raw_writes": sum("acked" in a for a in writers.since(started, raw=True)),
        },
        "faults": found,
    }


def main() -> int:
    results = {"runs": [one_run(number) for number in range(1, RUNS + 1)]}
    results["result"] = (
        "PASS"
        if all(
            run["security"]["result"] == "PASS"
            and all(f["result"] == "PASS" for f in run["faults"])
            for run in results["runs"]
        )
        else "MISS"
    )
    results["machine"] = {"cpus": os.cpu_count()}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Written to {OUT.relative_to(ROOT)}")
    print(results["result"])
    return 0 if results["result"] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
