"""numpy Generator draws replayed at Python speed, for loops that draw a few scalars per record.

A scalar call on a ``numpy.random.Generator`` costs about a microsecond of call overhead, which dominates a loop
drawing five or six values for each of 10^5 records (the demo customs records). :class:`ReplayedDraws` reads
the generator's raw 64-bit outputs in blocks and turns them into the values ``random()``, ``integers(n)``
and ``uniform(low, high)`` would return, by numpy's own algorithms (53-bit doubles; Lemire's bounded
integers on buffered 32-bit halves; ``low + (high - low) * double``), so a loop gets the very numbers, in
the same order, that the Generator calls give; :meth:`ReplayedDraws.close` hands the generator back in the
state those calls would have left it in. tests/test_demo_world.py checks the equality against numpy.
"""

from __future__ import annotations

import numpy as np

BLOCK = 65536
DOUBLE = 1.0 / 9007199254740992.0  # 2^-53
MASK32 = 0xFFFFFFFF


class ReplayedDraws:
    """Scalar draws of a PCG64 ``numpy.random.Generator``, identical to its ``random``/``integers``/``uniform``.

    Use it in place of the generator for a stretch of scalar draws, then call :meth:`close` before the
    generator is used again.
    """

    def __init__(self, rng: np.random.Generator):
        if not isinstance(rng.bit_generator, np.random.PCG64):
            raise TypeError("ReplayedDraws replays PCG64 generators only")
        self._rng = rng
        state = rng.bit_generator.state
        self._source = np.random.PCG64()
        self._source.state = state
        self._raw: list[int] = []
        self._pos = 0
        self._used = 0  # raw outputs consumed before the current block
        self._has32, self._u32 = bool(state["has_uint32"]), int(state["uinteger"])

    def _next64(self) -> int:
        if self._pos == len(self._raw):
            self._used += len(self._raw)
            self._raw, self._pos = self._source.random_raw(BLOCK).tolist(), 0
        value = self._raw[self._pos]
        self._pos += 1
        return value

    def _next32(self) -> int:
        if self._has32:
            self._has32 = False
            return self._u32
        value = self._next64()
        self._has32, self._u32 = True, value >> 32
        return value & MASK32

    def random(self) -> float:
        """``Generator.random()``: a double in [0, 1) from the top 53 bits of one raw output."""
        return (self._next64() >> 11) * DOUBLE

    def uniform(self, low: float, high: float) -> float:
        """``Generator.uniform(low, high)`` (one value)."""
        return low + (high - low) * self.random()

    def integers(self, n: int) -> int:
        """``Generator.integers(n)`` for 1 <= n <= 2^32: Lemire's method on 32-bit draws, as numpy's."""
        if not 1 <= n <= 1 << 32:
            raise ValueError(f"ReplayedDraws.integers: n = {n} outside 1 .. 2^32")
        rng = n - 1
        if rng == 0:
            return 0  # numpy draws nothing for a one-value range
        if rng == MASK32:
            return self._next32()
        m = self._next32() * n
        leftover = m & MASK32
        if leftover < n:
            threshold = (MASK32 - rng) % n
            while leftover < threshold:
                m = self._next32() * n
                leftover = m & MASK32
        return m >> 32

    def close(self) -> None:
        """Leave the generator in the state the equivalent Generator calls would have left it in."""
        bit_generator = self._rng.bit_generator
        bit_generator.advance(self._used + self._pos)
        state = bit_generator.state
        state["has_uint32"], state["uinteger"] = int(self._has32), self._u32
        bit_generator.state = state
