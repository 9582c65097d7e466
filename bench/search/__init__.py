"""Search benchmarks: ARCD retrieval quality (``arcd``), index scale (``scale``), gate."""
