"""segproof: prove that flagged surveillance cameras cannot reach core networks."""

__version__ = "0.1.0"
