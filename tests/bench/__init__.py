"""Benchmark harness: synthetic campus snapshots (``generate``) and the timing runner (``run``)."""
