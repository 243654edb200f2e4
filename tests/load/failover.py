"""`make failover-test`: the deployment's database tier (three Patroni nodes, a three-member etcd,
pgBackRest's archive, HAProxy and PgBouncer, backrelease/devtools/ha.py) losing a part at a time
while writes go on through the app's own way in, PgBouncer.

Faults, each from a whole cluster, each until it is whole again:
1. kill -9 of the primary's postmaster;
2. kill -9 of the primary's Patroni alone (PostgreSQL left running), Patroni started again 30 s
   later (it finds another leader and turns its PostgreSQL into a standby);
3. one etcd member killed, back after 60 s;
4. the whole store (all three etcd members) killed, back after 20 s;
5. the synchronous standby's machine lost (Patroni and postmaster killed), back after 30 s.

Two writers insert a row with a fresh key each, autocommit, through PgBouncer; a write is
acknowledged when its COMMIT returns, with the port of the node that took it. Checked for each
fault: every acknowledged key on the primary at the end (lost), no key twice (duplicated), the
longest time without an acknowledged write, and never two nodes accepting writes at once: each
node asked over its own socket four times a second whether it would acknowledge a write (a
primary with its synchronous standby streaming), HAProxy asked which nodes it sends to, and the
acknowledgements of two nodes never interleaved. RUNS fresh clusters (3); figures to
docs/benchmarks/failover.json. Loopback only, bounded, stops everything it started.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from backrelease.devtools import cluster, ha  # noqa: E402

RUNS = int(os.environ.get("RUNS", 3))
WRITES_BACK_WITHIN_S = 30
WHOLE_AGAIN_WITHIN_S = 180
BEFORE_S = 5
STEADY_S = 6
STEADY_WAL_S = 30
OUT = ROOT / "docs" / "benchmarks" / "failover.json"


class Writers:
    """Writers inserting a fresh key at a time through PgBouncer until stopped; each attempt
    recorded with when it was sent, when (and by which node's port) it was acknowledged."""

    def __init__(self, url: str, count: int = 2) -> None:
        self.url = url
        self.attempts: list[dict] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.write, daemon=True) for _ in range(count)]

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def write(self) -> None:
        conn = None
        while not self.stopping.is_set():
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
            with self.lock:
                self.attempts.append(attempt)
            time.sleep(0.03)
        if conn is not None:
            conn.close()

    def since(self, start: float) -> list[dict]:
        with self.lock:
            return [a for a in self.attempts if a["sent"] >= start]


class Watcher:
    """`ha.watch` as the postgres OS user (peer over each node's socket), for one fault."""

    def __init__(self, name: str) -> None:
        self.out = ha.HOME / f"watch-{name}.jsonl"
        self.process = None

    def __enter__(self) -> Watcher:
        self.out.touch()
        ha._owned_by_server(self.out)
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


def outcome(writers: Writers, start: float, url: str) -> dict:
    """What the writers saw from `start` on, and what the primary holds."""
    attempts = writers.since(start)
    acked = [a for a in attempts if "acked" in a]
    times = [start, *sorted(a["acked"] for a in acked)]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    keys = [a["key"] for a in acked]
    with first_connection(url) as conn:
        stored = {
            str(key): count
            for key, count in conn.execute(
                "SELECT key, count(*) FROM drill_write WHERE key = ANY(%s) GROUP BY key",
                (keys,),
            ).fetchall()
        }
        ssl = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()[0]
    return {
        "attempts": len(attempts),
        "acknowledged": len(acked),
        "failed": len(attempts) - len(acked),
        "failures": dict(Counter(a["error"] for a in attempts if "error" in a).most_common()),
        "acknowledged_but_missing": sum(key not in stored for key in keys),
        "duplicated": sum(count > 1 for count in stored.values()),
        "longest_without_a_write_s": round(max(gaps, default=0), 2),
        "tls_pgbouncer_to_postgresql": ssl,
    }


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
    found |= outcome(writers, started, url)
    found["two_primaries"] = two_primaries(watcher.rows(), writers.since(started - BEFORE_S))
    checks = found["two_primaries"]
    found["result"] = (
        "PASS"
        if found["acknowledged_but_missing"] == 0
        and found["duplicated"] == 0
        and found["longest_without_a_write_s"] <= WRITES_BACK_WITHIN_S
        and checks["samples"] > 0
        and checks["samples_with_two_writable_nodes"] == 0
        and checks["samples_with_haproxy_sending_to_two"] == 0
        and len(set(checks["acknowledging_nodes_in_order"]))
        == len(checks["acknowledging_nodes_in_order"])
        else "MISS"
    )
    print(json.dumps(found), flush=True)
    return found


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
        lsn = "SELECT pg_current_wal_lsn() - '0/0'"
        with Writers(url) as writers:
            # WAL a write on a cluster with nothing wrong (a failover starts a new WAL file).
            started, wal_before = time.time(), int(ha.psql(ha.leader(), lsn))
            time.sleep(STEADY_WAL_S)
            steady = int(ha.psql(ha.leader(), lsn)) - wal_before
            steady_writes = sum("acked" in a for a in writers.since(started))
            started, wal_before = time.time(), int(ha.psql(ha.leader(), lsn))
            faults = [drill(db, writers, url, name, fault) for name, fault in FAULTS.items()]
            wal = int(ha.psql(ha.leader(), lsn)) - wal_before
            acknowledged = sum("acked" in a for a in writers.since(started))
    return {
        "run": number,
        "cluster_ready_after_s": ready,
        "steady": {
            "seconds": STEADY_WAL_S,
            "acknowledged_writes": steady_writes,
            "wal_bytes": steady,
            "wal_bytes_a_write": round(steady / steady_writes),
        },
        # WAL the primary wrote during the faults (the writers' rows, checkpoints, the WAL
        # file each promotion starts), a write.
        "wal_bytes_an_acknowledged_write": round(wal / acknowledged),
        "faults": faults,
    }


def main() -> int:
    results = {"runs": [one_run(number) for number in range(1, RUNS + 1)]}
    results["result"] = (
        "PASS"
        if all(f["result"] == "PASS" for run in results["runs"] for f in run["faults"])
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
