"""Tables of reader accounts (issue 20): users, their tokens and sessions, follows and saved
searches, private feed tokens, reading state. Defined on ``schema.metadata``; migration 0008."""

from __future__ import annotations
