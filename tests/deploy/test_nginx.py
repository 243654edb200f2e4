"""The deployed site (docs/deploy/nginx-site.conf) under Debian's nginx as shipped (which
`make test` installs): it passes `nginx -t` with Debian's own nginx.conf, port 80 only redirects,
HTTPS speaks HTTP/2, and nginx lets through every import the app judges itself. Its logs are
tests/capability/test_logs.py's."""

from __future__ import annotations

import difflib
import http.client
import http.server
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from backrelease.devtools import nginx
from backrelease.portability.forms import ImportForm

pytestmark = pytest.mark.skipif(
    not nginx.installed(), reason="Debian's nginx is installed by make test"
)
UNVERIFIED = ssl._create_unverified_context()


def differences(shipped: str, local: str) -> tuple[list[str], list[str]]:
    """The lines of the shipped file that the local one leaves out, and those it adds."""
    diff = list(difflib.ndiff(shipped.splitlines(), local.splitlines()))
    return (
        [line[2:].strip() for line in diff if line.startswith("- ")],
        [line[2:].strip() for line in diff if line.startswith("+ ") and line[2:].strip()],
    )


def test_it_runs_debians_nginx_conf_changing_only_paths(tmp_path):
    left_out, added = differences(nginx.DEBIAN.read_text(), nginx.main_config(tmp_path, root=True))
    assert left_out == [
        "pid /run/nginx.pid;",
        "error_log /var/log/nginx/error.log;",
        "access_log /var/log/nginx/access.log;",
        "include /etc/nginx/sites-enabled/*;",
    ]
    assert added == [
        f"pid {tmp_path}/nginx.pid;",
        f"error_log {tmp_path}/log/error.log;",
        *(f"{name}_temp_path {tmp_path}/{name};" for name in nginx.TEMP_PATHS),
        f"access_log {tmp_path}/log/access.log;",
        f"include {tmp_path}/sites-enabled/*;",
    ]
    # Without root nginx cannot switch users: that line goes too.
    without_root = differences(nginx.DEBIAN.read_text(), nginx.main_config(tmp_path, root=False))
    assert without_root == (["user www-data;", *left_out], added)


def test_it_runs_the_deployed_site_changing_only_addresses_ports_and_paths(tmp_path):
    local = nginx.site_config(tmp_path, [8001, 8002], https_port=8443, http_port=8080)
    left_out, added = differences(nginx.DEPLOYED.read_text(), local)
    assert {line.split()[0] for line in left_out + added} == {
        "server",
        "listen",
        "access_log",
        "error_log",
        "ssl_certificate",
        "ssl_certificate_key",
    }
    assert "listen 127.0.0.1:8443 ssl http2 default_server;" in local
    assert "listen 127.0.0.1:8080 default_server;" in local
    assert f"error_log {tmp_path}/log/backrelease.error.log alert;" in local


def test_the_deployed_site_passes_nginx_t_with_debians_nginx_conf():
    with nginx.Nginx([nginx.free_port()]) as proxy:
        on_loopback = proxy.check()
        (proxy.home / "sites-enabled" / "backrelease").write_text(nginx.site_paths(proxy.home))
        as_deployed = proxy.check()
    for check in (on_loopback, as_deployed):
        assert check.returncode == 0, check.stderr
        assert "test is successful" in check.stderr


def test_debians_default_site_beside_it_fails_nginx_t():
    # Both claim port 80 as the default server: the deployment must remove Debian's.
    with nginx.Nginx([nginx.free_port()]) as proxy:
        (proxy.home / "sites-enabled" / "backrelease").write_text(nginx.site_paths(proxy.home))
        sites = f"include {proxy.home}/sites-enabled/*;"
        debians = "include /etc/nginx/sites-available/default;"
        proxy.conf.write_text(nginx.replaced(proxy.conf.read_text(), sites, f"{debians} {sites}"))
        check = proxy.check()
    assert check.returncode == 1
    assert "duplicate default server" in check.stderr


@pytest.fixture
def proxy() -> Iterator[nginx.Nginx]:
    """The site with the app on a closed port: anything reaching it answers 502."""
    with nginx.Nginx([nginx.free_port()]) as running:
        running.start()
        yield running


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
def test_port_80_only_redirects_to_https(proxy, method):
    for path in ("/", "/accounts/login/?next=/journal/", "/healthz"):
        connection = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
        connection.request(method, path, body=b"x" * 10 if method == "POST" else None)
        response = connection.getresponse()
        response.read()
        connection.close()
        assert response.status == 301
        assert response.getheader("Location") == f"https://127.0.0.1{path}"
    assert "502" not in Path(proxy.home, "log", "backrelease.access.log").read_text()


def test_https_offers_http2(proxy):
    context = ssl._create_unverified_context()
    context.set_alpn_protocols(["h2", "http/1.1"])
    connection = http.client.HTTPSConnection("127.0.0.1", proxy.https_port, context=context)
    connection.connect()
    assert connection.sock.selected_alpn_protocol() == "h2"
    connection.close()


class Counting(http.server.BaseHTTPRequestHandler):
    """The app's stand-in: answers how many bytes of body it was sent."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        size = len(self.rfile.read(int(self.headers["Content-Length"])))
        answer = str(size).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args) -> None:
        pass


def import_form(file: bytes) -> tuple[bytes, str]:
    """The import form as a browser posts it, with `file` as the export."""
    boundary = "----BackReleaseImport7MA4YWxkTrZu0gW"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{'k' * 64}\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="use_file_time_zone"\r\n\r\n'
        "on\r\n".encode(),
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="back-release-export-2026-12-06.json"\r\n'
        "Content-Type: application/json\r\n\r\n".encode(),
        file,
        f"\r\n--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_the_body_limit_is_the_imports_with_room_for_the_form():
    assert ImportForm.MAX_BYTES < nginx.body_limit() <= ImportForm.MAX_BYTES + 1024 * 1024
    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Counting)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    try:
        with nginx.Nginx([app.server_address[1]]) as proxy:
            proxy.start()
            # A byte over the app's limit: the app says so in words, not nginx with a bare 413.
            body, content_type = import_form(b"{" * (ImportForm.MAX_BYTES + 1))
            connection = http.client.HTTPSConnection(
                "127.0.0.1", proxy.https_port, context=UNVERIFIED, timeout=60
            )
            connection.request(
                "POST", "/accounts/import/", body=body, headers={"Content-Type": content_type}
            )
            passed = connection.getresponse()
            assert (passed.status, passed.read()) == (200, str(len(body)).encode())
            # Above nginx's limit: refused before the body is sent.
            connection.putrequest("POST", "/accounts/import/")
            connection.putheader("Content-Length", str(nginx.body_limit() + 1))
            connection.putheader("Expect", "100-continue")
            connection.endheaders()
            refused = connection.getresponse()
            refused.read()
            connection.close()
            assert refused.status == 413
    finally:
        app.shutdown()
        app.server_close()
