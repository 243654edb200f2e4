"""Which mutants of a module some quick tests kill, every mutant in one process: a check while
writing tests, not a figure (the figures are `make mutation`'s).

    .venv/bin/python tests/mutation/quick.py journal.trends tests/journal/test_trends_units.py

It runs in a copy of the project that mutmut has mutated (`mutants/`, as `make mutation` leaves
it; `--mutants DIR` for another), imports it once, and for each mutant sets `MUTANT_UNDER_TEST`
(which mutmut's trampolines read at every call) and runs the tests until one fails. The test files
named are copied there first, as they are now. Meant for quick tests: each runs again for every
mutant, its fixtures set up anew but for the session's (a test database is made once).
Prints the mutants no test killed, and the count killed. `--only PART,PART` keeps the mutants
whose names hold one of the parts. The tests run first on the code as it is (no mutant): one that
fails there would "kill" every mutant, so the check stops instead.

It drives pytest's run of a test by pytest's own internal functions (`runtestprotocol`, a new
fixture request, the setup state), as pytest-rerunfailures does: pytest is pinned to one version in
pyproject.toml, and this is a tool for writing tests, which nothing else depends on.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


class Matrix:
    """A pytest plugin: runs the collected tests once per mutant instead of once."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.killed: dict[str, str] = {}
        self.survived: list[str] = []

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        from _pytest.runner import runtestprotocol

        items = session.items
        for name in self.names:
            os.environ["MUTANT_UNDER_TEST"] = name
            for index, item in enumerate(items):
                # The next test to run is the next one, or the first again for the next mutant:
                # a database set up once stays for every mutant.
                following = items[index + 1] if index + 1 < len(items) else items[0]
                # A test run again needs a new fixture request (as pytest-rerunfailures does).
                item._initrequest()
                try:
                    reports = runtestprotocol(item, log=False, nextitem=following)
                    failed = any(report.failed for report in reports)
                except (KeyboardInterrupt, SystemExit):
                    raise
                except BaseException:  # noqa: BLE001
                    # A test's time limit that went off in pytest's own code (after a long call
                    # into NumPy): pytest's internal error, which mutmut counts as a kill too.
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    failed = True
                if failed:
                    self.killed[name] = item.nodeid
                    session._setupstate.teardown_exact(items[0])
                    break
            else:
                self.survived.append(name)
        session._setupstate.teardown_exact(None)
        os.environ.pop("MUTANT_UNDER_TEST", None)
        return True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("module", help="dotted, as mutmut names mutants: journal.trends")
    parser.add_argument("tests", nargs="+")
    parser.add_argument("--mutants", default=str(ROOT / "mutants"))
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    mutants = Path(args.mutants).resolve()
    meta = mutants / (args.module.replace(".", "/") + ".py.meta")
    names = list(json.loads(meta.read_text())["exit_code_by_key"])
    if args.only:
        # Parts of names: x_rated_weeks,x_summary_of.
        parts = args.only.split(",")
        names = [name for name in names if any(part in name for part in parts)]
    # As `make mutation` runs the tests (tests/mutation/run.py): this checkout's cluster and key.
    sys.path.insert(0, str(ROOT))
    from backrelease.devtools import cluster

    os.environ.setdefault("DATABASE_URL", cluster.local_url())
    os.environ.setdefault("SECRET_KEY_FILE", str(ROOT / ".secret_key"))
    sys.path.remove(str(ROOT))
    for name in [name for name in sys.modules if name.split(".")[0] == "backrelease"]:
        del sys.modules[name]
    # The tests as they are now, not as mutmut copied them.
    for test in args.tests:
        source = ROOT / test.partition("::")[0]
        if source.is_file():
            shutil.copy(source, mutants / source.relative_to(ROOT))
    os.chdir(mutants)
    sys.path.insert(0, str(mutants))
    # "" first: no mutant, the code as it is.
    matrix = Matrix(["", *names])
    started = time.monotonic()
    pytest.main(
        [*args.tests, "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--no-header"],
        plugins=[matrix],
    )
    if "" in matrix.killed:
        print(f"quick: {matrix.killed['']} fails on the code as it is: no mutant checked")
        return 1
    for name in matrix.survived[1:]:
        print(f"survived: {name}")
    print(
        f"quick: {args.module} {len(matrix.killed)}/{len(names)} killed by {' '.join(args.tests)}"
        f" in {time.monotonic() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
