"""The synthetic demo world: every raw input of the paper, in its real file format, from a seeded generator.

Real inputs are licensed (GTAP), registration-only (CEADs, MEIC) or not machine readable (yearbooks). The
generator writes a plausible stand-in at two sizes (``tiny`` for tests, ``full`` with the real dimensions)
so that the same readers serve real data. Every file it writes says that it is synthetic.
"""

from exportpm.demo.spec import SYNTHETIC_NOTE, WorldSpec, world_spec

__all__ = ["SYNTHETIC_NOTE", "WorldSpec", "world_spec"]
