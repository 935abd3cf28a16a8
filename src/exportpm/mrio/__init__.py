"""Multi-regional input-output tables: GTAP -> global MRIO, provincial expansion, customs-linked blocks,
the linked table and its GRAS balancing (paper: "Foreign countries-Chinese provinces linked MRIO table")."""
