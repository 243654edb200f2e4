"""Development tooling: the local PostgreSQL cluster, demo data, the local server that audits and
screenshots look at, and the bench, audit and screenshot commands.

Nothing in production imports it (tests/test_architecture.py holds that), so a deployment can leave
this folder out.
"""
