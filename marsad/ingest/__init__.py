"""Ingestion: fetching, feeds, sitemaps, OPML, scheduling.

Pure stages (bytes in, frozen records out, never raising on bad input):
    feeds.parse_feed          RSS 0.9x/1.0/2.0, Atom 0.3/1.0 (feedparser), JSON Feed 1.0/1.1 (ours)
    sitemaps.parse_sitemap    sitemaps, news sitemaps, sitemap indexes (gzip too)
    opml.parse_opml / build_opml
    discover.discover_feeds / find_canonical / html_to_text
    urls.canonicalize_url / absolute_url / validate_http_url
    schedule.*                next poll time, back-off, pausing
I/O:
    fetcher.Fetcher           the one polite HTTP client (limits, robots.txt, SSRF guard, ...)
The orchestrator that ties them to the store is ``marsad.pipeline.crawl``.
"""
