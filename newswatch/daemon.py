"""The daemon: APScheduler 3 jobs for the poll tick, the delivery job and maintenance.

Feeds are not scheduler jobs: the poll tick asks the database which feeds are due
(schedule state lives in the database). SIGTERM/SIGINT stop new work, let the work
in hand finish or be safely abandoned (leases expire), and exit 0.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import signal
import threading
from datetime import timedelta
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from newswatch.app import App
from newswatch.config import Settings

log = logging.getLogger(__name__)

POLL_TICK_S = 15.0
DELIVER_TICK_S = 5.0
MAINTENANCE_TICK_S = 3600.0
SHUTDOWN_GRACE_S = 8.0


@dataclasses.dataclass(frozen=True, slots=True)
class Ticks:
    """Job intervals and lease lengths. The defaults suit production; the crash and
    shutdown tests shrink them through hidden NEWSWATCH_* variables so that kills land
    in every phase and a killed daemon's leases come back within seconds."""

    poll_s: float = POLL_TICK_S
    deliver_s: float = DELIVER_TICK_S
    maintenance_s: float = MAINTENANCE_TICK_S
    lease_s: float | None = None  # None: the deliverer's and poller's own defaults
    retry_base_s: float | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Ticks:
        env = dict(os.environ if env is None else env)

        def seconds(name: str) -> float | None:
            raw = env.get(name)
            if raw is None or raw == "":
                return None
            value = float(raw)
            if value <= 0:
                raise ValueError(f"{name}={raw!r} must be a positive number of seconds")
            return value

        base = cls()
        return cls(
            poll_s=seconds("NEWSWATCH_POLL_TICK") or base.poll_s,
            deliver_s=seconds("NEWSWATCH_DELIVER_TICK") or base.deliver_s,
            maintenance_s=seconds("NEWSWATCH_MAINTENANCE_TICK") or base.maintenance_s,
            lease_s=seconds("NEWSWATCH_LEASE"),
            retry_base_s=seconds("NEWSWATCH_RETRY_BASE"),
        )


class Daemon:
    def __init__(self, app: App, ticks: Ticks | None = None) -> None:
        self.app = app
        self.ticks = ticks or Ticks()
        if self.ticks.lease_s is not None:
            app.deliverer.lease_s = self.ticks.lease_s
            app.poller.settings = dataclasses.replace(
                app.poller.settings, lease_s=self.ticks.lease_s
            )
        if self.ticks.retry_base_s is not None:
            app.deliverer.base_retry_s = self.ticks.retry_base_s
        self.stop = threading.Event()
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=3)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
            timezone="UTC",
        )

    def poll_tick(self) -> None:
        if self.stop.is_set():
            return
        report = self.app.poll()
        matched = self.app.match()
        if matched.deliveries:
            self._deliver_soon()
        # Article pages after the feeds' own text has been matched and queued (#13).
        if self.app.poll_pages().read and self.app.match().deliveries:
            self._deliver_soon()
        (log.info if report.feeds or matched.articles else log.debug)(  # idle ticks: DEBUG
            "tick %s matched=%d hits=%d queued=%d",
            report.line(),
            matched.articles,
            matched.hits,
            matched.deliveries,
        )

    def deliver_tick(self) -> None:
        if not self.stop.is_set():
            self.app.deliver()

    def maintenance_tick(self) -> None:
        if not self.stop.is_set():
            self.app.maintenance()

    def _deliver_soon(self) -> None:
        job = self.scheduler.get_job("deliver")
        if job is not None:
            job.modify(next_run_time=self.app.clock())

    def start(self) -> None:
        now = self.app.clock()
        self.scheduler.add_job(
            self.poll_tick, "interval", seconds=self.ticks.poll_s, id="poll", next_run_time=now
        )
        self.scheduler.add_job(
            self.deliver_tick,
            "interval",
            seconds=self.ticks.deliver_s,
            id="deliver",
            next_run_time=now + timedelta(seconds=min(1.0, self.ticks.deliver_s)),
        )
        self.scheduler.add_job(
            self.maintenance_tick,
            "interval",
            seconds=self.ticks.maintenance_s,
            id="maintenance",
            next_run_time=now + timedelta(seconds=min(30.0, self.ticks.maintenance_s)),
        )
        self.scheduler.start()

    def shutdown(self) -> bool:
        """Stop; True when every job finished within the grace period."""
        self.stop.set()
        self.app.deliverer.stopping.set()
        self.app.poller.stopping.set()
        self.scheduler.shutdown(wait=False)
        # Jobs in hand get a grace period; whatever is still running after it is
        # abandoned safely: its leases expire and another run picks it up.
        done = threading.Event()

        def wait_jobs() -> None:
            pool = self.scheduler._executors.get("default")
            if pool is not None:
                pool.shutdown(wait=True)
            done.set()

        threading.Thread(target=wait_jobs, daemon=True).start()
        if not done.wait(SHUTDOWN_GRACE_S):
            log.warning("shutdown: abandoning work still in progress (leases will expire)")
            return False
        return True


def run_daemon(settings: Settings) -> int:
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing work in hand", signal.Signals(signum).name)
        stop.set()

    # Installed before the database is opened, so a stop request during a slow start
    # (a migration, a PostgreSQL still booting) is honoured rather than fatal.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    app = App(settings)
    app.open()
    # Build the long-lived structures up front and move them out of the cyclic
    # collector's sight: a full collection over a 100,000-name matcher's objects
    # takes ~0.3 s and would otherwise recur during every busy poll.
    _ = app.matcher, app.grouper
    gc.freeze()
    daemon = Daemon(app, Ticks.from_env())
    log.info(
        "newswatch running feeds=%d watchlists=%d database=%s",
        len(settings.feeds),
        len(settings.watchlists),
        app.engine.url.render_as_string(True),
    )
    daemon.start()
    stop.wait()
    if not daemon.shutdown():
        # A send stuck in a slow service holds its worker thread, and the interpreter
        # joins pool threads at exit: leaving now is safe because the row stays pending
        # and its lease expires, and it keeps the promise of exiting within seconds.
        log.info("newswatch stopped (work in hand abandoned)")
        logging.shutdown()
        os._exit(0)
    app.close()
    log.info("newswatch stopped")
    return 0
