"""Pydantic models at the boundaries: snapshot files, policy, device model, results."""
