"""Reader accounts (issue 20): users, follows and saved searches as plain data, and the pure
rules around them (names, roles, tokens). Storage is in ``marsad.store.accounts``; the web side
in ``marsad.web.auth`` and ``marsad.web.me``."""
