"""The parts `make failover-test` rests on, fast: the deployed Patroni configuration and what the
drill changes in it, the multi-host DATABASE_URL, and how Patroni's answers are read."""

from __future__ import annotations

from pathlib import Path

import yaml

from backrelease.common.database import from_url
from backrelease.devtools import ha

BIN = Path("/usr/lib/postgresql/15/bin")


def test_the_deployment_acknowledges_a_commit_only_once_the_standby_has_it():
    dcs = yaml.safe_load(ha.DEPLOYED.read_text())["bootstrap"]["dcs"]
    assert dcs["synchronous_mode"] is True
    assert dcs["synchronous_mode_strict"] is True
    assert dcs["postgresql"]["parameters"]["synchronous_commit"] == "on"
    assert dcs["postgresql"]["use_pg_rewind"] is True
    # pg_rewind needs hint bits in WAL (or data checksums) to rewind an old primary.
    assert dcs["postgresql"]["parameters"]["wal_log_hints"] == "on"
    assert dcs["primary_start_timeout"] == 0


def test_the_drill_runs_the_deployed_settings_with_only_loopback_changes():
    deployed = yaml.safe_load(ha.DEPLOYED.read_text())
    nodes = [ha.config(node, BIN) for node in ha.NODES]
    for found in nodes:
        dcs = found["bootstrap"]["dcs"]
        archive = dcs["postgresql"]["parameters"].pop("archive_command")
        assert str(ha.WAL_ARCHIVE) in archive
        deployed["bootstrap"]["dcs"]["postgresql"]["parameters"].pop("archive_command", None)
        assert dcs == deployed["bootstrap"]["dcs"]
        assert found["scope"] == deployed["scope"]
        assert found["etcd3"] == {"hosts": [f"127.0.0.1:{ha.ETCD_CLIENT_PORT}"]}
        assert found["postgresql"]["listen"].startswith("127.0.0.1:")
        assert all(
            rule.startswith("local") or "127.0.0.1/32" in rule
            for rule in found["postgresql"]["pg_hba"]
        )
    # Two machines' worth: nothing shared but etcd.
    for key in ("listen", "data_dir", "pgpass"):
        assert len({found["postgresql"][key] for found in nodes}) == 2
    assert len({found["restapi"]["listen"] for found in nodes}) == 2
    assert len({found["name"] for found in nodes}) == 2


def test_the_app_reaches_whichever_node_takes_writes():
    found = from_url(ha.url())
    assert found["HOST"] == "127.0.0.1,127.0.0.1"
    assert found["PORT"] == ",".join(str(node.port) for node in ha.NODES)
    assert found["OPTIONS"] == {"target_session_attrs": "read-write"}


def test_a_pair_is_whole_with_a_running_leader_and_a_streaming_sync_standby(monkeypatch):
    def members(*pairs):
        return lambda: [
            {"name": f"node{n}", "role": role, "state": state}
            for n, (role, state) in enumerate(pairs, 1)
        ]

    monkeypatch.setattr(ha, "members", members(("leader", "running"), ("sync_standby", "running")))
    assert ha.healthy()
    assert ha.leader() == ha.NODES[0]
    monkeypatch.setattr(
        ha, "members", members(("sync_standby", "streaming"), ("leader", "running"))
    )
    assert ha.healthy()
    assert ha.leader() == ha.NODES[1]
    monkeypatch.setattr(ha, "members", members(("leader", "running"), ("replica", "stopped")))
    assert not ha.healthy()
    monkeypatch.setattr(ha, "members", members(("replica", "running"), ("replica", "running")))
    assert ha.leader() is None
