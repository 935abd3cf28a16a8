"""Table-driven corruption suite: every reader meets broken copies of the tiny world's inputs (see harness)."""
