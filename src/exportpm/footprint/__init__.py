"""Emissions driven by final demand through the Leontief system (paper Eq. 4-13): one block LU factorisation
of (I - A) per run with the provinces eliminated last, which gives the provinces' rows of L directly; the
dense inverse is never formed."""
