"""`make failover-test`: the load-test mix against a Patroni pair losing its primary, twice.

A primary and a synchronous standby under Patroni, with etcd as its store (backrelease/devtools/
ha.py), on loopback; two app servers behind nginx whose DATABASE_URL lists both nodes with
`target_session_attrs=read-write`. In each round, 50 simulated people run the mix and, a third of
the way in, the primary's postmaster is killed with kill -9: Patroni promotes the synchronous
standby, the app finds it on its own (no restart), and Patroni brings the old primary back as the
new standby (pg_rewind where its history went further). The second round kills the new primary, so
the service fails back to the first node. Each round: every acknowledged write looked for (journal
entries by submission key, finished sessions by number), the errors seen, the seconds from the
kill until a write succeeds again, and until the pair is whole again. Bounded; stops everything it
started; figures to docs/benchmarks/failover.json.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from backrelease.devtools import cluster, ha  # noqa: E402

# Before Django starts: the app, this script and the servers all use the pair.
os.environ["DATABASE_URL"] = ha.url()
os.environ.setdefault("LOAD_SECONDS", "45")

PROXY_PORT = 8280
APP_PORTS = (8281, 8282)
ROUNDS = 2
WRITES_BACK_WITHIN_S = 30
WHOLE_AGAIN_WITHIN_S = 120
OUT = ROOT / "docs" / "benchmarks" / "failover.json"
WRITES = {"journal save"}


def create_database(node: ha.Node) -> None:
    subprocess.run(
        cluster.as_server_user(
            [
                str(cluster.find_bin_dir() / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(node.port),
                "-U",
                cluster.SUPERUSER,
                cluster.DB_NAME,
            ]
        ),
        check=True,
    )


def kill_after(delay: float, node: ha.Node, when: dict) -> threading.Thread:
    def kill() -> None:
        time.sleep(delay)
        pid = ha.postmaster_pid(node)
        when["killed_at"] = time.time()
        os.kill(pid, signal.SIGKILL)

    thread = threading.Thread(target=kill, daemon=True)
    thread.start()
    return thread


def rewound(node: ha.Node) -> bool:
    """Whether Patroni ran pg_rewind on the node (only when its history went past the new
    primary's; after a crash whose last WAL the standby already had, it need not)."""
    return "running pg_rewind" in (node.home / "patroni.log").read_text()


class Watch(threading.Thread):
    """From the kill on, twice a second: when another node leads, and when the pair is whole
    again (a leader and a streaming synchronous standby)."""

    def __init__(self, victim: ha.Node, when: dict) -> None:
        super().__init__(daemon=True)
        self.victim, self.when = victim, when
        self.promoted_after = self.whole_after = None

    def run(self) -> None:
        while "killed_at" not in self.when:
            time.sleep(0.1)
        killed_at = self.when["killed_at"]
        deadline = killed_at + WHOLE_AGAIN_WITHIN_S
        while time.time() < deadline and self.whole_after is None:
            leader = ha.leader()
            if self.promoted_after is None and leader and leader != self.victim:
                self.promoted_after = round(time.time() - killed_at, 1)
            if self.promoted_after is not None and ha.healthy():
                self.whole_after = round(time.time() - killed_at, 1)
            time.sleep(0.5)


def one_round(number: int, workdir: Path, load_people, run) -> dict:
    victim = ha.leader()
    kill_at = run.SECONDS // 3
    print(
        f"Round {number}: the mix for {run.SECONDS} s, kill -9 of {victim.name}'s postmaster "
        f"after {kill_at} s…"
    )
    when: dict = {}
    log = workdir / f"round-{number}.jsonl"
    killer = kill_after(kill_at, victim, when)
    watch = Watch(victim, when)
    watch.start()
    figures = run.locust("Person", f"round-{number}", log, port=PROXY_PORT)
    killer.join()
    watch.join(timeout=WHOLE_AGAIN_WITHIN_S)
    killed_at = when["killed_at"]
    requests, acknowledged = run.read_log(log)
    # Writes sent after the kill that succeeded (one sent before may still come back after it).
    writes_after = sorted(
        r["at"]
        for r in requests
        if r["name"] in WRITES and not r["failed"] and r["at"] - r["ms"] / 1000 > killed_at
    )
    writes_back = round(writes_after[0] - killed_at, 2) if writes_after else None
    new_leader = ha.leader()
    found = run.writes(load_people, acknowledged)
    lost = sum(found["acknowledged_but_missing"].values())
    failed = [r for r in requests if r["failed"]]
    return figures | {
        "killed": victim.name,
        "promoted": new_leader.name if new_leader else None,
        "errors": len(failed),
        "errors_by_status": {
            str(status): sum(r["status"] == status for r in failed)
            for status in sorted({r["status"] for r in failed})
        },
        "writes": found,
        "promoted_after_s": watch.promoted_after,
        "writes_back_after_s": writes_back,
        "pair_whole_again_after_s": watch.whole_after,
        "old_primary_role_now": ha.role_of(victim.name),
        "pg_rewind_run": rewound(victim),
        "result": run.pass_or_miss(
            lost == 0
            and writes_back is not None
            and writes_back <= WRITES_BACK_WITHIN_S
            and new_leader is not None
            and new_leader != victim
        ),
    }


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="backrelease-failover-"))
    results: dict = {"rounds": []}
    with ha.Pair():
        started = time.time()
        ha.wait(ha.healthy, WHOLE_AGAIN_WITHIN_S, "the pair")
        results["pair_ready_after_s"] = round(time.time() - started, 1)
        create_database(ha.leader())
        import run  # noqa: PLC0415 (Django starts here, on the pair)
        from django.core.management import call_command  # noqa: PLC0415

        call_command("migrate", verbosity=0)
        load_people = run.people()
        env = {
            "TRUSTED_PROXY_COUNT": "1",
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "backrelease.settings",
            "DATABASE_URL": ha.url(),
            "PATH": os.environ.get("PATH", ""),
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "false"},
            check=True,
        )
        with run.Servers(workdir / "servers", env, APP_PORTS, PROXY_PORT):
            run.warm_up(APP_PORTS)
            for number in range(1, ROUNDS + 1):
                results["rounds"].append(one_round(number, workdir, load_people, run))
        first, second = results["rounds"]
        results["failed_back_to_the_first_node"] = second["promoted"] == first["killed"]
        results["result"] = run.pass_or_miss(
            all(r["result"] == "PASS" for r in results["rounds"])
            and results["failed_back_to_the_first_node"]
        )
        results["machine"] = {"cpus": os.cpu_count(), "seconds_a_round": run.SECONDS}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"Written to {OUT.relative_to(ROOT)}")
    print(results["result"])
    return 0 if results["result"] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
