"""Emissions driven by final demand through the Leontief system (paper Eq. 4-13): one LU factorisation of
(I - A) per run, then solves with many right-hand sides; the dense inverse is never formed."""
