"""Debian's nginx as a deployment runs it, on loopback: Debian's own /etc/nginx/nginx.conf with the
deployed site (docs/deploy/nginx-site.conf) as its only site, for the tests and the load test.

Only paths, addresses and ports are replaced, each by an explicit substitution that fails when
its text is missing: the pid file, the logs and the temporary files go to a folder of their own,
the site is included from there, the app's address and the listening ports become loopback ones
and the certificate a self-signed one. As root the workers run as Debian's `user` (www-data), as
deployed; otherwise the `user` line goes, since nginx cannot switch users then.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from backrelease.devtools import cluster

DEBIAN = Path("/etc/nginx/nginx.conf")
DEPLOYED = cluster.ROOT / "docs" / "deploy" / "nginx-site.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def installed() -> bool:
    return Path(NGINX).exists() and DEBIAN.exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


def replaced(text: str, old: str, new: str) -> str:
    """`text` with its one `old` replaced: a shipped file that changed fails loudly here."""
    assert text.count(old) == 1, f"expected {old!r} once in the shipped configuration"
    return text.replace(old, new)


def body_limit() -> int:
    """The site's client_max_body_size, in bytes."""
    size, unit = re.search(r"client_max_body_size (\d+)([km]?);", DEPLOYED.read_text()).groups()
    return int(size) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]


def main_config(home: Path, root: bool) -> str:
    """Debian's nginx.conf, writing into `home` and including `home`'s site."""
    text = DEBIAN.read_text()
    if not root:
        text = replaced(text, "user www-data;\n", "")
    text = replaced(text, "pid /run/nginx.pid;", f"pid {home}/nginx.pid;")
    text = replaced(text, "/var/log/nginx/error.log;", f"{home}/log/error.log;")
    text = replaced(text, "/var/log/nginx/access.log;", f"{home}/log/access.log;")
    # Debian's temporary folders (/var/lib/nginx) are compiled in, so named here.
    temp = "".join(f"\n\t{name}_temp_path {home}/{name};" for name in TEMP_PATHS)
    text = replaced(text, "http {\n", f"http {{\n{temp}\n")
    return replaced(text, "include /etc/nginx/sites-enabled/*;", f"include {home}/sites-enabled/*;")


def site_paths(home: Path) -> str:
    """The deployed site with its certificate and logs in `home`, listening as deployed: enough
    for `nginx -t`, which opens no port."""
    live = "/etc/letsencrypt/live/backrelease.example"
    text = replaced(DEPLOYED.read_text(), f"{live}/fullchain.pem;", f"{home}/cert.pem;")
    text = replaced(text, f"{live}/privkey.pem;", f"{home}/key.pem;")
    return text.replace("/var/log/nginx/", f"{home}/log/")


def site_config(
    home: Path, app_ports: Sequence[int], https_port: int, http_port: int, tls: bool = True
) -> str:
    """The deployed site on loopback, reaching the app on `app_ports`. Without `tls`, the HTTPS
    server listens in plain HTTP (the load test measures the app behind the proxy, not TLS)."""
    text = site_paths(home)
    servers = "\n".join(f"    server 127.0.0.1:{port};" for port in app_ports)
    text = replaced(text, "    server 127.0.0.1:8000;", servers)
    ipv6 = _ipv6_loopback()
    for port, local, secure in ((443, https_port, tls), (80, http_port, False)):
        options = " ssl http2" if port == 443 else ""
        kept = " ssl http2" if secure else ""
        text = replaced(
            text,
            f"listen {port}{options} default_server;",
            f"listen 127.0.0.1:{local}{kept} default_server;",
        )
        text = replaced(
            text,
            f"    listen [::]:{port}{options} default_server;\n",
            f"    listen [::1]:{local}{kept} default_server;\n" if ipv6 else "",
        )
    return text


class Nginx:
    """Debian's nginx serving the deployed site, its files in a folder of its own (removed on
    leaving the `with` block): `https_port` (TLS with a self-signed certificate, unless `tls` is
    off), `http_port` (the redirect), the app on `app_ports`."""

    def __init__(
        self,
        app_ports: Sequence[int],
        https_port: int | None = None,
        http_port: int | None = None,
        tls: bool = True,
    ) -> None:
        self.https_port = https_port or free_port()
        self.http_port = http_port or free_port()
        # In /tmp, open to all: as root the workers (www-data) write the temporary files here.
        self.home = Path(tempfile.mkdtemp(prefix="backrelease-nginx-"))
        self.home.chmod(0o755)
        (self.home / "log").mkdir()
        (self.home / "sites-enabled").mkdir()
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=backrelease.example",
                "-keyout",
                str(self.home / "key.pem"),
                "-out",
                str(self.home / "cert.pem"),
            ],  # fmt: skip
            check=True,
            capture_output=True,
        )
        root = os.geteuid() == 0
        self.conf = self.home / "nginx.conf"
        self.conf.write_text(main_config(self.home, root))
        (self.home / "sites-enabled" / "backrelease").write_text(
            site_config(self.home, app_ports, self.https_port, self.http_port, tls)
        )
        self.process: subprocess.Popen | None = None

    def _command(self, *args: str) -> list[str]:
        # -e: the error log before nginx.conf is read, or nginx opens the compiled-in one.
        return [NGINX, "-p", str(self.home), "-e", str(self.home / "log/error.log"), *args]

    def check(self) -> subprocess.CompletedProcess[str]:
        """`nginx -t` on the configuration."""
        return subprocess.run(
            self._command("-t", "-c", str(self.conf)), capture_output=True, text=True
        )

    def start(self) -> None:
        """nginx in the foreground, accepting connections once this returns."""
        self.process = subprocess.Popen(
            self._command("-c", str(self.conf), "-g", "daemon off;"),
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return
            except OSError as refused:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    error_log = self.home / "log" / "error.log"
                    raise RuntimeError(f"nginx did not start: {error_log}") from refused
                time.sleep(0.1)

    def stop(self) -> None:
        """A graceful stop: requests under way are answered, every log line is written."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            self.process.wait(timeout=30)

    def logs(self) -> dict[str, str]:
        """Every file in the log folder by name (Debian's own logs and the site's)."""
        return {path.name: path.read_text() for path in sorted((self.home / "log").iterdir())}

    def __enter__(self) -> Nginx:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)
