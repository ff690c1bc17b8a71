"""The composition root: config, CLI, daemon wiring."""

__version__ = "0.1.0"
