"""The parts `make failover-test` rests on, fast: the deployed Patroni, etcd, pgBackRest, HAProxy
and PgBouncer configurations, what the drill changes in each (addresses, ports, paths and secrets,
nothing else), and how Patroni's answers are read."""

from __future__ import annotations

from pathlib import Path

import yaml

from backrelease.devtools import ha

BIN = Path("/usr/lib/postgresql/15/bin")
PASSWORDS = {name: f"{name}-secret" for name in ha.make_secrets()}


def deployed() -> dict:
    return yaml.safe_load(ha.DEPLOYED.read_text())


def deployed_etcd() -> dict[str, str]:
    """docs/deploy/etcd.conf, Debian's /etc/default/etcd: its settings by name."""
    lines = ha.DEPLOYED_ETCD.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def leaves(tree, path: tuple = ()) -> dict[tuple, object]:
    """Every value of a nested configuration by its path (list items by position)."""
    if isinstance(tree, dict):
        return {k: v for key, sub in tree.items() for k, v in leaves(sub, (*path, key)).items()}
    if isinstance(tree, list):
        return {k: v for n, sub in enumerate(tree) for k, v in leaves(sub, (*path, n)).items()}
    return {path: tree}


def test_the_deployment_acknowledges_a_commit_only_once_a_standby_has_it():
    dcs = deployed()["bootstrap"]["dcs"]
    assert dcs["synchronous_mode"] is True
    assert dcs["synchronous_mode_strict"] is True
    assert dcs["synchronous_node_count"] == 1
    assert dcs["postgresql"]["parameters"]["synchronous_commit"] == "on"
    assert dcs["postgresql"]["use_pg_rewind"] is True
    # pg_rewind needs hint bits in WAL (or data checksums) to rewind an old primary.
    assert dcs["postgresql"]["parameters"]["wal_log_hints"] == "on"
    assert dcs["primary_start_timeout"] == 0


def test_the_timeouts_obey_patronis_rule_and_the_store_may_go_away():
    found = deployed()
    dcs = found["bootstrap"]["dcs"]
    assert dcs["ttl"] >= dcs["loop_wait"] + 2 * dcs["retry_timeout"]
    # A primary whose Patroni died is replaced within ttl + loop_wait: within the 30 s promised.
    assert dcs["ttl"] + dcs["loop_wait"] < 30
    assert dcs["failsafe_mode"] is True
    assert found["watchdog"]["mode"] == "automatic"
    assert 0 < found["watchdog"]["safety_margin"] < dcs["ttl"]
    assert len(found["etcd3"]["hosts"]) == 3


def test_every_network_connection_is_tls_and_scram_for_a_role_that_has_one():
    postgresql = deployed()["postgresql"]
    assert postgresql["parameters"]["ssl"] == "on"
    assert postgresql["parameters"]["ssl_cert_file"]
    assert postgresql["parameters"]["ssl_key_file"]
    rules = [rule.split() for rule in postgresql["pg_hba"]]
    assert rules[0] == ["local", "all", "postgres", "peer"]
    network = rules[1:]
    assert all(rule[0] == "hostssl" and rule[-1] == "scram-sha-256" for rule in network)
    users = {rule[2] for rule in network}
    auth = postgresql["authentication"]
    assert users == {"backrelease", auth["replication"]["username"], auth["rewind"]["username"]}
    # pg_rewind reads the primary's files through the postgres database.
    assert ["postgres", auth["rewind"]["username"]] in [rule[1:3] for rule in network]
    assert ["replication", auth["replication"]["username"]] in [rule[1:3] for rule in network]
    for role in ("replication", "rewind"):
        assert auth[role]["sslmode"] == "verify-full"
    dcs = deployed()["bootstrap"]["dcs"]["postgresql"]["parameters"]
    assert dcs["password_encryption"] == "scram-sha-256"


def test_the_store_and_patronis_rest_api_take_only_tls_clients_from_the_ca():
    found = deployed()
    store = found["etcd3"]
    assert store["protocol"] == "https"
    assert store["cacert"] and store["cert"] and store["key"]
    api = found["restapi"]
    assert api["certfile"] and api["keyfile"] and api["cafile"]
    # The endpoints that change something need a certificate from the CA and the password.
    assert api["verify_client"] == "optional"
    assert api["authentication"]["username"]
    assert api["authentication"]["password"] == "from the secret store"
    assert found["ctl"] == {
        "certfile": api["certfile"],
        "keyfile": api["keyfile"],
        "cacert": api["cafile"],
    }
    shipped = deployed_etcd()
    urls = [value for key, value in shipped.items() if key.endswith("_URLS")]
    urls += [member.split("=", 1)[1] for member in shipped["ETCD_INITIAL_CLUSTER"].split(",")]
    assert len(urls) == 7
    assert all(url.startswith("https://") for url in urls)
    assert shipped["ETCD_CLIENT_CERT_AUTH"] == shipped["ETCD_PEER_CLIENT_CERT_AUTH"] == "true"
    for side in ("", "PEER_"):
        for key in ("CERT_FILE", "KEY_FILE", "TRUSTED_CA_FILE"):
            assert shipped[f"ETCD_{side}{key}"].startswith("/etc/etcd/tls/")


def test_the_drill_runs_the_deployed_etcd_file_with_only_loopback_changes():
    shipped = deployed_etcd()
    replaced = {
        "ETCD_NAME",
        "ETCD_DATA_DIR",
        "ETCD_LISTEN_CLIENT_URLS",
        "ETCD_ADVERTISE_CLIENT_URLS",
        "ETCD_LISTEN_PEER_URLS",
        "ETCD_INITIAL_ADVERTISE_PEER_URLS",
        "ETCD_INITIAL_CLUSTER",
        *(key for key in shipped if key.endswith("_FILE")),
    }
    for etcd in ha.ETCDS:
        drill = ha.etcd_environment(etcd)
        assert set(drill) == set(shipped)
        assert {key for key in shipped if drill[key] != shipped[key]} <= replaced
        for key in replaced - {"ETCD_NAME", "ETCD_DATA_DIR"}:
            assert drill[key].count("https://127.0.0.1:") == shipped[key].count("https://")
        for key in (key for key in shipped if key.endswith("_FILE")):
            assert Path(drill[key]).parent == ha.TLS
    assert ha.etcd_environment(ha.ETCDS[0])["ETCD_CERT_FILE"] == str(ha.TLS / "etcd-server.crt")
    assert ha.etcd_environment(ha.ETCDS[0])["ETCD_TRUSTED_CA_FILE"] == str(ha.TLS / "ca.crt")


def test_the_drill_issues_every_certificate_the_deployment_names_from_its_one_ca():
    named = [
        value
        for path, value in leaves(deployed()).items()
        if isinstance(value, str) and value.startswith("/etc/") and "/tls/" in value
    ]
    named += [value for value in deployed_etcd().values() if value.startswith("/etc/")]
    named.append(ha.read_ini(ha.DEPLOYED_PGBOUNCER)["pgbouncer"]["server_tls_ca_file"])
    named += [word for word in ha.DEPLOYED_HAPROXY.read_text().split() if "/tls/" in word]
    assert len(named) == 22
    made = {f"{name}.{ext}" for name in ha.CERTIFICATES for ext in ("crt", "key")} | {"ca.crt"}
    for path in named:
        assert Path(ha.drill_path(path)).name in made


def test_the_wal_goes_to_the_encrypted_repository_at_least_every_minute():
    found = deployed()
    parameters = found["bootstrap"]["dcs"]["postgresql"]["parameters"]
    assert parameters["archive_mode"] == "on"
    assert parameters["archive_command"].startswith("pgbackrest --stanza=backrelease archive-push")
    assert parameters["archive_timeout"] == 60
    assert "archive-get" in found["postgresql"]["recovery_conf"]["restore_command"]
    repository = ha.read_ini(ha.DEPLOYED_PGBACKREST)["global"]
    assert repository["repo1-type"] == "s3"
    assert repository["repo1-cipher-type"] == "aes-256-cbc"
    assert repository["repo1-retention-full-type"] == "time"
    assert int(repository["repo1-retention-full"]) == 30


def test_the_drill_runs_the_deployed_patroni_file_with_only_loopback_changes():
    shipped = leaves(deployed())
    nodes = [ha.config(node, BIN, PASSWORDS) for node in ha.NODES]
    replaced = {
        ("name",),
        ("restapi", "listen"),
        ("restapi", "connect_address"),
        ("restapi", "certfile"),
        ("restapi", "keyfile"),
        ("restapi", "cafile"),
        ("restapi", "authentication", "password"),
        ("ctl", "certfile"),
        ("ctl", "keyfile"),
        ("ctl", "cacert"),
        ("etcd3", "cacert"),
        ("etcd3", "cert"),
        ("etcd3", "key"),
        ("postgresql", "listen"),
        ("postgresql", "connect_address"),
        ("postgresql", "data_dir"),
        ("postgresql", "bin_dir"),
        ("postgresql", "pgpass"),
        ("postgresql", "parameters", "unix_socket_directories"),
        ("postgresql", "parameters", "ssl_cert_file"),
        ("postgresql", "parameters", "ssl_key_file"),
        ("postgresql", "parameters", "ssl_ca_file"),
        *(("postgresql", "authentication", role, "password") for role in ha.make_secrets()),
        ("postgresql", "authentication", "replication", "sslrootcert"),
        ("postgresql", "authentication", "rewind", "sslrootcert"),
        *(("etcd3", "hosts", n) for n in range(3)),
        # Checked line by line below: the network, and nothing else.
        *(("postgresql", "pg_hba", n) for n in range(len(deployed()["postgresql"]["pg_hba"]))),
    }
    for found in nodes:
        drill = leaves(found)
        changed = {path for path in shipped if drill.get(path) != shipped[path]}
        added = set(drill) - set(shipped)
        assert changed <= replaced
        assert added == {("log", "dir"), ("log", "level")}
        for n, rule in enumerate(found["postgresql"]["pg_hba"]):
            assert rule == deployed()["postgresql"]["pg_hba"][n].replace(
                ha.DEPLOYED_NET, ha.LOOPBACK_NET
            )
        assert found["bootstrap"] == deployed()["bootstrap"]
        assert found["etcd3"]["protocol"] == "https"
        assert found["restapi"]["cafile"] == str(ha.TLS / "ca.crt")
        assert found["restapi"]["authentication"] == {
            "username": deployed()["restapi"]["authentication"]["username"],
            "password": PASSWORDS["restapi"],
        }
    # Three machines' worth: nothing shared but etcd and the certificate.
    for key in ("listen", "data_dir", "pgpass"):
        assert len({found["postgresql"][key] for found in nodes}) == 3
    assert len({found["restapi"]["listen"] for found in nodes}) == 3
    assert len({found["name"] for found in nodes}) == 3


def test_the_drills_repository_is_a_local_folder_with_the_same_rules():
    shipped = ha.read_ini(ha.DEPLOYED_PGBACKREST)
    for node in ha.NODES:
        drill = ha.pgbackrest_config(node, PASSWORDS)
        changed = {
            key for key in shipped["global"] if drill["global"].get(key) != shipped["global"][key]
        }
        assert changed == {
            *ha.S3_OPTIONS,
            "repo1-s3-key-secret",
            "repo1-type",
            "repo1-path",
            "repo1-cipher-pass",
            "spool-path",
            "log-path",
        }
        assert set(drill["global"]) - set(shipped["global"]) == {"lock-path"}
        assert drill["global"]["repo1-type"] == "posix"
        assert drill["global"]["repo1-path"] == str(ha.REPOSITORY)
        assert drill[ha.STANZA]["pg1-path"] == str(node.data_dir)
        assert set(drill[ha.STANZA]) == set(shipped[ha.STANZA])


def test_the_app_reaches_the_primary_through_pgbouncer_and_haproxys_patroni_check():
    shipped = ha.DEPLOYED_HAPROXY.read_text()
    assert "option httpchk GET /primary" in shipped
    assert "on-marked-down shutdown-sessions" in shipped
    # Patroni's answer over TLS, its certificate checked against the CA and the node's name.
    assert "default-server check-ssl verify required ca-file /etc/haproxy/tls/ca.crt" in shipped
    servers = [line.split() for line in shipped.splitlines() if line.split()[:1] == ["server"]]
    assert len(servers) == 3
    for server in servers:
        host = server[2].split(":")[0]
        assert server[3:] == ["check", "port", "8008", "check-sni", host]
    drill = ha.haproxy_config()
    kept = [line for line in shipped.splitlines() if line.split()[:1] not in (["bind"], ["server"])]
    kept = [line for line in kept if line.split()[:2] != ["stats", "socket"]]
    kept = [line for line in kept if "ca-file" not in line]
    assert all(line in drill.splitlines() for line in kept)
    assert f"default-server check-ssl verify required ca-file {ha.TLS / 'ca.crt'}" in drill
    for node in ha.NODES:
        assert (
            f"server {node.name} 127.0.0.1:{node.port} check port {node.rest_port} "
            "check-sni localhost"
        ) in drill
    assert len([line for line in drill.splitlines() if line.split()[:1] == ["server"]]) == 3
    bouncer = ha.read_ini(ha.DEPLOYED_PGBOUNCER)
    assert bouncer["databases"]["backrelease"].startswith("host=127.0.0.1 port=5000 ")
    # The server's certificate from the CA; its name cannot match behind HAProxy.
    assert bouncer["pgbouncer"]["server_tls_sslmode"] == "verify-ca"
    assert bouncer["pgbouncer"]["server_tls_ca_file"] == "/etc/pgbouncer/tls/ca.crt"
    local = ha.ini_from_text(ha.pgbouncer_config(PASSWORDS))
    assert local["databases"]["backrelease"].startswith(f"host=127.0.0.1 port={ha.HAPROXY_PORT} ")
    changed = {
        key
        for key in bouncer["pgbouncer"]
        if bouncer["pgbouncer"][key] != local["pgbouncer"].get(key)
    }
    assert changed == {
        "listen_addr",
        "listen_port",
        "unix_socket_dir",
        "auth_file",
        "logfile",
        "pidfile",
        "server_tls_ca_file",
    }
    assert local["pgbouncer"]["server_tls_ca_file"] == str(ha.TLS / "ca.crt")
    assert ha.app_url(PASSWORDS) == (
        f"postgres://backrelease:app-secret@127.0.0.1:{ha.PGBOUNCER_PORT}/backrelease"
    )


def members(*pairs):
    return lambda: [
        {"name": f"node{n}", "role": role, "state": state}
        for n, (role, state) in enumerate(pairs, 1)
    ]


def test_the_cluster_is_whole_with_a_leader_a_sync_standby_and_every_node_streaming(monkeypatch):
    whole = (("leader", "running"), ("sync_standby", "streaming"), ("replica", "streaming"))
    monkeypatch.setattr(ha, "members", members(*whole))
    assert ha.whole()
    assert ha.leader() == ha.NODES[0]
    assert ha.sync_standby() == ha.NODES[1]
    monkeypatch.setattr(
        ha,
        "members",
        members(("sync_standby", "running"), ("leader", "running"), ("replica", "running")),
    )
    assert ha.whole()
    assert ha.leader() == ha.NODES[1]
    monkeypatch.setattr(
        ha,
        "members",
        members(("leader", "running"), ("sync_standby", "streaming"), ("replica", "stopped")),
    )
    assert not ha.whole()
    monkeypatch.setattr(
        ha, "members", members(("leader", "running"), ("sync_standby", "streaming"))
    )
    assert not ha.whole()
    monkeypatch.setattr(ha, "members", members(("replica", "running"), ("replica", "running")))
    assert ha.leader() is None


def test_a_restore_into_patroni_archives_to_a_stanza_of_its_own():
    overlay = yaml.safe_load(ha.DEPLOYED_RESTORE.read_text())
    method = overlay["bootstrap"]["pgbackrest"]
    assert "--stanza=backrelease " in method["command"]
    assert "--type=preserve" in method["command"]
    assert "--stanza=backrelease " in method["recovery_conf"]["restore_command"]
    archive = overlay["bootstrap"]["dcs"]["postgresql"]["parameters"]["archive_command"]
    assert f"--stanza={ha.RESTORED_STANZA} " in archive
    assert (
        f"--stanza={ha.RESTORED_STANZA} "
        in overlay["postgresql"]["recovery_conf"]["restore_command"]
    )
    assert overlay["scope"] != deployed()["scope"]


def test_the_drills_restore_changes_only_the_target_over_the_shipped_overlay():
    node = ha.Node("restored1", 5451, 8451)
    target = {"recovery_target_name": "before-delete"}
    found = ha.restore_config(node, BIN, PASSWORDS, target)
    plain = ha.config(node, BIN, PASSWORDS)
    overlay = yaml.safe_load(ha.DEPLOYED_RESTORE.read_text())
    recovery = found["bootstrap"]["pgbackrest"]["recovery_conf"]
    assert recovery["recovery_target_name"] == "before-delete"
    assert "recovery_target_time" not in recovery
    shipped = dict(overlay["bootstrap"]["pgbackrest"]["recovery_conf"])
    shipped.pop("recovery_target_time")
    assert {k: v for k, v in recovery.items() if k != "recovery_target_name"} == shipped
    changed = {path for path, value in leaves(found).items() if leaves(plain).get(path) != value}
    assert changed == {
        ("scope",),
        ("bootstrap", "method"),
        ("bootstrap", "dcs", "postgresql", "parameters", "archive_command"),
        ("postgresql", "recovery_conf", "restore_command"),
        *(("bootstrap", "pgbackrest", *path) for path in leaves(found["bootstrap"]["pgbackrest"])),
    }


def test_the_longest_gap_runs_to_the_end_of_the_window():
    """Writes that never came back after a fault are the whole window without one, not none."""
    from tests.load import failover

    assert failover.longest_gap(100.0, 160.0, []) == 60.0
    assert failover.longest_gap(100.0, 160.0, [110.0, 120.0]) == 40.0
    assert failover.longest_gap(100.0, 160.0, [125.0, 158.0]) == 33.0


def test_a_form_sent_back_to_a_post_is_an_answer_the_app_never_gives():
    """A refused entry would be sent again and again while the others save: it must count."""
    from tests.load import failover

    assert "form" in failover.KNOWN_ANSWERS["GET"]
    assert "form" not in failover.KNOWN_ANSWERS["POST"]
    assert "saved" in failover.KNOWN_ANSWERS["POST"]
    assert "saved" not in failover.KNOWN_ANSWERS["GET"]
