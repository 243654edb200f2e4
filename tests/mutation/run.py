"""`make mutation`: mutmut over the modules that decide what a person sees or who may see it.

The modules are [tool.mutmut] only_mutate in pyproject.toml. mutmut copies the project into
mutants/, mutates those modules there, records which tests reach each function, and then runs, for
every mutant, only those tests in a process forked from a server that has collected them but never
touched the database. Each of the two mutants at a time takes a test database of its own, migrated
once and kept (--reuse-db), on the cluster this checkout already runs (tests/conftest.py): the
conftest's database per process would be a database migrated per mutant.

One mutmut run per module, all within 30 minutes of wall time (a module left without time is
counted as not checked); then one line per module and PASS or MISS against 90% killed. Survivors
that no test can kill are listed with their reason in docs/mutation.md. mutmut's own output is in
mutants/<module>.log; `.venv/bin/mutmut show <name>` prints a mutant's diff.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from backrelease.devtools import cluster  # noqa: E402

MUTMUT = Path(sys.executable).with_name("mutmut")
BUDGET_SECONDS = 30 * 60
KILLED_AT_LEAST = 0.90
TEST_DATABASES = "test_backrelease_mutation"
# Two mutants at a time, each with a test database of its own (tests/conftest.py).
CHILDREN = int(os.environ.get("MUTATION_CHILDREN", "2"))
# Each module's own tests, run first for its mutants (with -x), in this order: most die there in
# a second.
OWN_TESTS = {
    "journal/insights.py": "tests/journal/test_insights_units.py tests/journal/test_welch.py"
    " tests/journal/test_insights_sql_units.py tests/journal/test_kept_insights.py"
    " tests/journal/test_insight_sentences.py tests/journal/test_insights.py",
    "journal/trends.py": "tests/journal/test_trends_units.py tests/journal/test_trends_sql_units.py"
    " tests/journal/test_change.py tests/journal/test_trends.py",
    "journal/display.py": "tests/journal/test_display_rounding.py tests/journal/test_display_day.py"
    " tests/journal/test_display_separator_units.py"
    " tests/journal/test_insight_sentences.py tests/journal/test_change.py",
    "backrelease/common/period.py": "tests/common/test_period.py",
    "backrelease/common/local_time.py": "tests/common/test_local_time.py",
    "backrelease/capability/": "tests/capability/",
    "backrelease/accounts/login_limits.py": "tests/accounts/test_login_limits.py",
    "backrelease/pages/kept_pages.py": "tests/pages/test_kept_pages.py",
    "backrelease/accounts/undo.py": "tests/accounts/test_undo.py",
}


def modules() -> list[str]:
    """The paths in only_mutate, a package's glob shown as its folder: backrelease/capability/."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return [path.removesuffix("*") for path in config["only_mutate"]]


def mutant_prefix(module: str) -> str:
    """mutmut names a mutant by its module's dotted path: journal.trends.x_weekly__mutmut_3."""
    return module.removesuffix(".py").removesuffix("/").replace("/", ".") + "."


def environment() -> dict[str, str]:
    env = dict(os.environ)
    # The running cluster of this checkout: the conftest inside mutants/ would look for one there.
    env.setdefault("DATABASE_URL", cluster.local_url())
    env.setdefault("SECRET_KEY_FILE", str(ROOT / ".secret_key"))
    env.setdefault("MUTATION_DATABASE", TEST_DATABASES)
    return env


def drop_test_databases(env: dict[str, str]) -> None:
    """A run starts from the current migrations, and leaves no database behind. A database that
    a test holds now (its lock, tests/conftest.py), of another run, is left alone."""
    import psycopg

    prefix = env["MUTATION_DATABASE"]
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
        names = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}_%"]
        ).fetchall()
        for (name,) in names:
            with open(Path(tempfile.gettempdir()) / f"{name}.lock", "w") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_module(module: str, seconds_left: float, env: dict[str, str]) -> str:
    """Runs mutmut on one module's mutants; stops it, and its workers, when the time is up."""
    log = ROOT / "mutants" / f"{mutant_prefix(module).rstrip('.')}.log"
    log.parent.mkdir(exist_ok=True)
    command = [str(MUTMUT), "run", "--max-children", str(CHILDREN), f"{mutant_prefix(module)}*"]
    env = {**env, "MUTATION_TESTS_FIRST": OWN_TESTS.get(module, "")}
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            code = process.wait(timeout=max(seconds_left, 0))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return "stopped: the 30 minutes ran out"
    return "" if code == 0 else f"mutmut exited {code}, see {log.relative_to(ROOT)}"


def statuses(env: dict[str, str]) -> dict[str, str]:
    """Every mutant's status from `mutmut results --all true`: '    name: status' lines."""
    shown = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = {}
    for line in shown.stdout.splitlines():
        name, colon, status = line.strip().rpartition(": ")
        if colon:
            found[name] = status
    return found


def summary(module: str, found: dict[str, str]) -> Counter[str]:
    prefix = mutant_prefix(module)
    # A mutant under `# pragma: no mutate` is not one; every other counts, checked or not.
    return Counter(
        status for name, status in found.items() if name.startswith(prefix) and status != "skipped"
    )


def main(chosen: list[str]) -> int:
    started = time.monotonic()
    env = environment()
    # mutmut copies a file into mutants/ once and never again: a copy from an earlier run would
    # be tested in place of the code as it is now.
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    drop_test_databases(env)
    problems = {}
    # Modules named on the command line (as in only_mutate) run alone: `make mutation
    # MODULES=backrelease/common/period.py`.
    run = [module for module in modules() if not chosen or module in chosen]
    for module in run:
        seconds_left = BUDGET_SECONDS - (time.monotonic() - started)
        if seconds_left <= 0:
            problems[module] = "not run: no time left"
            continue
        print(f"mutmut: {module} ({int(seconds_left)} s left)", flush=True)
        problems[module] = run_module(module, seconds_left, env)
        if problems[module].startswith("mutmut exited"):
            # Its first step needs every selected test to pass once: a test that failed on a
            # loaded machine gets a second chance.
            print(f"mutmut: {module} again, {problems[module]}", flush=True)
            seconds_left = BUDGET_SECONDS - (time.monotonic() - started)
            problems[module] = run_module(module, seconds_left, env)
    found = statuses(env)
    drop_test_databases(env)
    verdicts = []
    for module in run:
        counts = summary(module, found)
        total = sum(counts.values())
        killed, survived, timeouts = counts["killed"], counts["survived"], counts["timeout"]
        print(
            f"mutation: {module} {killed}/{total} killed ({survived} survived, {timeouts} timeouts)"
        )
        others = {
            status: n
            for status, n in counts.items()
            if status not in {"killed", "survived", "timeout"}
        }
        if others or problems[module]:
            details = ", ".join(f"{n} {status}" for status, n in sorted(others.items()))
            print(f"    {'; '.join(filter(None, [details, problems[module]]))}")
        verdicts.append((module, total > 0 and killed / total >= KILLED_AT_LEAST, killed, total))
    for module, passed, killed, total in verdicts:
        share = f"{killed / total:.1%}" if total else "no mutants"
        print(
            f"{'PASS' if passed else 'MISS'} {module}: {share} killed, {KILLED_AT_LEAST:.0%} needed"
        )
    print(f"mutation: {int(time.monotonic() - started)} s in all")
    return 0 if all(passed for _, passed, _, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
