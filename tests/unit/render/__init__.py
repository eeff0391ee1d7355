"""Tests of agent.render and agent.acltemplate."""
