"""Articles to hits to notifications: watchlists, matching, stories, the outbox, rendering."""
