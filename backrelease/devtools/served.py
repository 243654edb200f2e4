"""The app served as `make serve` serves it (gunicorn, its configuration, DEBUG off), on a free
loopback port, and a client that sends the test client's calls to it over HTTP/1.1: what
`make bench` times over HTTP."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.http import HttpResponse

from backrelease.devtools import cluster


@dataclass
class Server:
    port: int
    process: subprocess.Popen

    def peak_memory_mb(self) -> list[float]:
        """Each web worker's peak resident memory so far (VmHWM), in MB."""
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        peaks = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(round(int(line.split()[1]) / 1024, 1))
        return sorted(peaks)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served() -> Iterator[Server]:
    """gunicorn with `backrelease/gunicorn.conf.py` (a worker a CPU, 4 threads each), the bench's
    floors mounted beside the app (BENCH_URLS), stopped on leaving."""
    port = _free_port()
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "backrelease.devtools.settings",
        "BENCH_URLS": "1",
        "DEBUG": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or cluster.local_url(),
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "backrelease/gunicorn.conf.py",
            "backrelease.wsgi",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise CommandError("gunicorn did not start")
            time.sleep(0.2)
        yield Server(port, process)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _headers(meta: dict) -> dict[str, str]:
    """The test client's META-style keys (`HTTP_HX_REQUEST`, `CONTENT_TYPE`) as HTTP headers."""
    found = {}
    for key, value in meta.items():
        name = key.removeprefix("HTTP_") if key.startswith("HTTP_") else key
        found[name.replace("_", "-").title()] = value
    return found


class OverHttp:
    """The test client's `get` and `post` with its `cookies`, over one keep-alive connection."""

    def __init__(self, port: int, **defaults: str) -> None:
        self.port = port
        self.defaults = _headers(defaults)
        self.cookies = SimpleCookie()
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def _send(self, method: str, path: str, body: bytes | None, meta: dict) -> HttpResponse:
        headers = self.defaults | _headers(meta)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                answer = self.connection.getresponse()
                content = answer.read()
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                # The server closed an idle keep-alive connection: open another, once.
                self.connection.close()
                if attempt:
                    raise
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            self.cookies.load(cookie)
        response = HttpResponse(content, status=answer.status)
        for name in ("Content-Type", "Content-Encoding"):
            if answer.getheader(name):
                response[name] = answer.getheader(name)
        return response

    def get(self, path: str, data: dict | None = None, **meta: str) -> HttpResponse:
        return self._send("GET", f"{path}?{urlencode(data)}" if data else path, None, meta)

    def post(self, path: str, data: str = "", content_type: str = "", **meta: str) -> HttpResponse:
        if content_type:
            meta["CONTENT_TYPE"] = content_type
        return self._send("POST", path, data.encode(), meta)
