"""Issue 19's scale-out figures (``python -m bench.scale``): the distributed mode on 1, 2 and 4
worker processes against the single-process mode on one loopback corpus, the grouping holder's
ceiling with analysis done elsewhere, and unchanged feeds per second through scheduler and
workers. See ``bench.scale.run``."""
