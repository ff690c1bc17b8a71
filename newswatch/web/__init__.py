"""The daemon's web server: health, metrics and server-rendered pages (aiohttp, Jinja2)."""


class WebError(Exception):
    """The web server cannot start (address in use, not permitted)."""
