"""The daemon: APScheduler 3 jobs for the poll tick, the delivery job and maintenance.

Feeds are not scheduler jobs: the poll tick asks the database which feeds are due
(schedule state lives in the database). SIGTERM/SIGINT stop new work, let the work
in hand finish or be safely abandoned (leases expire), and exit 0.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from newswatch.app import App, DatabaseUnavailable
from newswatch.config import Settings

log = logging.getLogger(__name__)

POLL_TICK_S = 15.0
DELIVER_TICK_S = 5.0
MAINTENANCE_TICK_S = 3600.0
SHUTDOWN_GRACE_S = 8.0


class Daemon:
    def __init__(self, app: App) -> None:
        self.app = app
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
        log.info(
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
            self.poll_tick, "interval", seconds=POLL_TICK_S, id="poll", next_run_time=now
        )
        self.scheduler.add_job(
            self.deliver_tick,
            "interval",
            seconds=DELIVER_TICK_S,
            id="deliver",
            next_run_time=now + timedelta(seconds=1),
        )
        self.scheduler.add_job(
            self.maintenance_tick,
            "interval",
            seconds=MAINTENANCE_TICK_S,
            id="maintenance",
            next_run_time=now + timedelta(seconds=30),
        )
        self.scheduler.start()

    def shutdown(self) -> None:
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


def run_daemon(settings: Settings) -> int:
    app = App(settings)
    try:
        app.open()
    except DatabaseUnavailable:
        raise
    daemon = Daemon(app)
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing work in hand", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info(
        "newswatch running feeds=%d watchlists=%d database=%s",
        len(settings.feeds),
        len(settings.watchlists),
        app.engine.url.render_as_string(True),
    )
    daemon.start()
    stop.wait()
    daemon.shutdown()
    log.info("newswatch stopped")
    return 0
