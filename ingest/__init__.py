"""Feeds to articles: fetching, parsing, per-feed schedule state and stored articles.

Knows nothing of watchlists, hits or notifications.
"""
