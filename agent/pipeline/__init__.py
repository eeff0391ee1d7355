"""The pipeline: load -> parse -> assemble (+ fib) -> verify -> render. One stage per module."""
