"""Which parts of a re-read config a running daemon can take (pure)."""

from __future__ import annotations

from dataclasses import replace

from newswatch.config import Settings

# [defaults] keys the poller is built with once; intervals, the timezone and delivery
# settings travel in the feeds table and the alert policy, which follow at once.
RESTART_DEFAULTS = {
    "timeout": "timeout_s",
    "max_body": "max_body_bytes",
    "concurrency": "concurrency",
    "per_host": "per_host",
    "host_gap": "host_gap_s",
    "user_agent": "user_agent",
    "backfill": "backfill_s",
    "respect_ttl": "respect_ttl",
    "max_backoff": "max_backoff_s",
}


def split_restart(running: Settings, fresh: Settings) -> tuple[Settings, list[str]]:
    """`fresh` with what needs a restart held at its running value, and a note for each."""
    notes = []
    if fresh.database_url != running.database_url:
        notes.append("[database] url changes take effect on restart")
        fresh = replace(fresh, database_url=running.database_url)
    if fresh.web != running.web:
        notes.append("[web] changes take effect on restart")
        fresh = replace(fresh, web=running.web)
    old, new = running.defaults, fresh.defaults
    changed = [k for k, a in RESTART_DEFAULTS.items() if getattr(old, a) != getattr(new, a)]
    if changed:
        notes.append(f"[defaults] {', '.join(changed)} take effect on restart")
    return fresh, notes
