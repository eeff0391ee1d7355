"""Tests of agent.endpoints (a package so test module names cannot clash with other folders)."""
