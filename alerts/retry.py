"""Retry timing for deliveries: capped exponential backoff with deterministic jitter."""

from __future__ import annotations

import hashlib


def retry_delay(attempts: int, *, base_s: float, cap_s: float, jitter_key: str) -> float:
    """Seconds to wait after the `attempts`-th failed try (1-based).

    Jitter (±20%) is a hash of `jitter_key` and the attempt, so that retries of
    many deliveries spread out yet a test can predict them.
    """
    raw: float = min(cap_s, base_s * 2.0 ** max(attempts - 1, 0))
    digest = hashlib.sha256(f"{jitter_key}:{attempts}".encode()).digest()
    fraction = int.from_bytes(digest[:4], "big") / 2**32  # [0, 1)
    return max(1.0, float(raw) * (0.8 + 0.4 * fraction))
