"""Orchestrators: the only place where I/O meets the stages (fetch -> parse -> extract ->
analyse -> dedup -> cluster -> store)."""
