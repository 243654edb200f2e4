"""gunicorn's settings for `make serve` and deployments: sized from the CPUs, tokens kept out of
every log line."""

import ctypes
import os
import signal
from pathlib import Path

from gunicorn.glogging import Logger

from backrelease.capability.paths import RedactSecrets

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
# gunicorn's control socket, one per port and inside the checkout (its default is one path in the
# home folder, shared by every checkout and server).
_run_dir = Path(__file__).resolve().parent.parent / ".run"
_run_dir.mkdir(exist_ok=True)
control_socket = str(_run_dir / f"gunicorn-{os.environ.get('PORT', '8000')}.ctl")
# A worker a CPU (two at least, so one busy worker never stalls the rest), each with threads: most
# of a request's time is spent waiting on PostgreSQL, not on the CPU.
workers = int(os.environ.get("WEB_WORKERS", max(2, os.cpu_count() or 1)))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 4))
timeout = 30
# Longer than a reverse proxy keeps idle upstream connections (nginx: keepalive_timeout 15s in the
# upstream), so the proxy never reuses one gunicorn has just closed (a 502 on a POST).
keepalive = int(os.environ.get("WEB_KEEPALIVE", 20))
graceful_timeout = 20
# Off unless asked for; when on, every capability URL's secret is redacted as in every other line.
accesslog = "-" if os.environ.get("ACCESS_LOG", "").lower() in {"1", "true", "yes", "on"} else None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker) -> None:
    """A worker dies with its master, whatever kills the master (kill -9 included): no orphaned
    worker keeps serving an old process, and the supervisor's new master can take the port at
    once. Linux's parent-death signal."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class RedactingLogger(Logger):
    """gunicorn's access and error logs, with the secret of every capability URL written [token]
    (`backrelease.capability.paths`)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(RedactSecrets())


logger_class = RedactingLogger
