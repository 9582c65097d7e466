"""The Arabic web site, feeds and HTTP API (Starlette + Jinja2, server-rendered).

``create_app(store, settings)`` builds the ASGI app; ``marsad serve`` runs it with uvicorn.
"""

from marsad.web.app import create_app

__all__ = ["create_app"]
