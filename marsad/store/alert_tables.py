"""Tables of alerts (issue 20): alert rules on follows, what was sent per story, deliveries and
dead letters, digest queue. Defined on ``schema.metadata``; migration 0009."""

from __future__ import annotations
