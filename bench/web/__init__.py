"""Web benchmarks: the site, feeds and API under concurrent load on a large synthetic store."""
