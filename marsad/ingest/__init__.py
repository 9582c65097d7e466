"""Ingestion: fetching, feeds, sitemaps, OPML, scheduling."""
