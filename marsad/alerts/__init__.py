"""Alerts (issue 20): which changed stories concern which alert rules, and their delivery.

A pure stage: it takes plain data (``StoryEvent``, ``AlertRule``, saved searches) and returns
plain data; the store access is passed in by the caller (``marsad.store.alerts``).
"""
