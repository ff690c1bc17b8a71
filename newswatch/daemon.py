"""The daemon: APScheduler 3 jobs for the poll tick, the delivery job and maintenance.

Feeds are not scheduler jobs: the poll tick asks the database which feeds are due
(schedule state lives in the database). SIGTERM/SIGINT stop new work, let the work
in hand finish or be safely abandoned (leases expire), and exit 0. SIGHUP re-reads the
config. With `[web] listen`, the web server runs alongside and is drained first.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from alerts import notify, render
from alerts.errors import AlertsError
from ingest.errors import StoreError
from newswatch.app import App, describe_db_error
from newswatch.config import ConfigError, Settings, load
from newswatch.dbhealth import FileWatch, Health, sqlite_file
from newswatch.heartbeat import Heartbeat
from newswatch.metrics import Metrics
from newswatch.web.health import Liveness
from newswatch.web.server import WebServer
from newswatch.web.websub import Subscriber

log = logging.getLogger(__name__)

POLL_TICK_S = 15.0
DELIVER_TICK_S = 5.0
MAINTENANCE_TICK_S = 3600.0
SHUTDOWN_GRACE_S = 8.0
WEBSUB_TICK_S = 300.0  # subscriptions and renewals; leases run for days


@dataclasses.dataclass(frozen=True, slots=True)
class Ticks:
    """Job intervals. The defaults suit production; the crash and shutdown tests quicken
    the ticks through hidden NEWSWATCH_* variables so that kills land in every phase.
    Leases and retry intervals have no such variable: a killed daemon's work comes back
    through its heartbeat (newswatch.heartbeat), which the tests must exercise as is."""

    poll_s: float = POLL_TICK_S
    deliver_s: float = DELIVER_TICK_S
    maintenance_s: float = MAINTENANCE_TICK_S

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
        )


class Daemon:
    def __init__(
        self, app: App, ticks: Ticks | None = None, *, wake: threading.Event | None = None
    ) -> None:
        self.app = app
        self.ticks = ticks or Ticks()
        self.heartbeat = Heartbeat(
            app.store,
            app.clock,
            app.owner,
            config=lambda: (os.path.abspath(app.settings.path), app.settings.digest),
        )
        self.stop = threading.Event()
        # Set when the daemon must end by itself (`fatal` says why); run_daemon waits on it.
        self.wake = wake or threading.Event()
        self.fatal: str | None = None
        self.health = Health()
        self._job_errors: dict[str, str | None] = {}
        self._health_lock = threading.Lock()
        path = sqlite_file(app.settings.database_url)
        self.watch = FileWatch(path) if path is not None else None
        self.liveness = Liveness(app.clock(), self.ticks.poll_s)
        self.metrics = Metrics(app)
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=3)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
            timezone="UTC",
        )

    def _guarded(self, name: str, job: Callable[[], None]) -> Callable[[], None]:
        """A job that stops the daemon when its SQLite file went away, and turns database
        errors into health changes (one WARNING each) instead of a traceback per tick."""

        def run() -> None:
            if self.stop.is_set():
                return
            problem = self.watch.problem() if self.watch is not None else None
            if problem is not None:
                self._die(problem)
                return
            try:
                job()
            except StoreError as e:
                self._record(name, describe_db_error(e))
            else:
                self._record(name, None)

        return run

    def _die(self, problem: str) -> None:
        with self._health_lock:
            if self.fatal is not None:
                return
            self.fatal = problem
        log.error("%s; stopping (restart newswatch once the database is back)", problem)
        self.stop.set()
        self.wake.set()

    def _record(self, job: str, error: str | None) -> None:
        # The state is the first failing job's error: a read-only deliver tick succeeding
        # while polls fail on a full disk is no recovery.
        with self._health_lock:
            self._job_errors[job] = error
            if error is None and job != "maintenance":
                # Maintenance runs hourly: its failure in an outage must not hold the state
                # at failing for an hour once the ticks work again.
                self._job_errors.pop("maintenance", None)
            current = next((e for e in self._job_errors.values() if e is not None), None)
            change = self.health.observe(current)
        if change is None:
            return
        if change.failing:
            log.warning("database failing (%s): %s", change.kind, change.detail)
            title = f"newswatch: database failing ({change.kind})"
            body = (
                f"newswatch cannot use its database: {change.detail}\n"
                "It keeps running and tries again every tick; nothing stored is lost."
            )
        else:
            log.warning("database recovered (was: %s)", change.kind)
            title = "newswatch: database recovered"
            body = f"newswatch uses its database again (it failed: {change.kind})."
        self._notify_ops(title, body)

    def _notify_ops(self, title: str, body: str) -> None:
        """Straight to the ops targets: the outbox lives in the database that is failing."""
        for target in self.app.policy.ops_targets:
            try:
                notify.send(target.url, render.Message(title, body, "text"))
            except AlertsError as e:
                log.warning("ops notice not sent target=%s: %s", target.key, e)

    def poll_tick(self) -> None:
        if self.stop.is_set():
            return
        began = time.monotonic()
        report = self.app.poll()
        matched = self.app.match()
        self.metrics.observe_tick(report, time.monotonic() - began)
        self.liveness.ticked(self.app.clock())
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

    def poll_soon(self) -> None:
        """A WebSub push made a feed due: run the poll tick now, not at its interval."""
        self._soon("poll")

    def _soon(self, job_id: str) -> None:
        job = self.scheduler.get_job(job_id)
        if job is not None:
            job.modify(next_run_time=self.app.clock())

    def _deliver_soon(self) -> None:
        job = self.scheduler.get_job("deliver")
        if job is not None:
            job.modify(next_run_time=self.app.clock())

    def start(self) -> None:
        self.heartbeat.start()
        now = self.app.clock()
        self.scheduler.add_job(
            self._guarded("poll", self.poll_tick),
            "interval",
            seconds=self.ticks.poll_s,
            id="poll",
            next_run_time=now,
        )
        self.scheduler.add_job(
            self._guarded("deliver", self.deliver_tick),
            "interval",
            seconds=self.ticks.deliver_s,
            id="deliver",
            next_run_time=now + timedelta(seconds=min(1.0, self.ticks.deliver_s)),
        )
        self.scheduler.add_job(
            self._guarded("maintenance", self.maintenance_tick),
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
        finished = done.wait(SHUTDOWN_GRACE_S)
        if not finished:
            log.warning("shutdown: abandoning work still in progress (its leases are free)")
        # Marked stopped only now: while a job still ran, its leases had to hold.
        self.heartbeat.stop()
        return finished


def run_daemon(settings: Settings) -> int:
    stop = threading.Event()
    wake = threading.Event()
    reloads: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing work in hand", signal.Signals(signum).name)
        stop.set()
        wake.set()

    def on_hup(_signum: int, _frame: FrameType | None) -> None:
        reloads.append(1)
        wake.set()

    # Installed before the database is opened, so a stop request during a slow start
    # (a migration, a PostgreSQL still booting) is honoured rather than fatal.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_hup)
    app = App(settings)
    app.open()
    # Build the long-lived structures up front and move them out of the cyclic
    # collector's sight: a full collection over a 100,000-name matcher's objects
    # takes ~0.3 s and would otherwise recur during every busy poll.
    _ = app.matcher, app.grouper
    gc.freeze()
    daemon = Daemon(app, Ticks.from_env(), wake=wake)
    server = _start_web(daemon)
    log.info(
        "newswatch running feeds=%d watchlists=%d database=%s",
        len(settings.feeds),
        len(settings.watchlists),
        app.store.url,
    )
    daemon.start()
    while not stop.is_set() and daemon.fatal is None:
        wake.wait()
        wake.clear()
        if reloads and not stop.is_set() and daemon.fatal is None:
            reloads.clear()
            if reload_config(app):
                daemon._soon("websub")  # subscribe new feeds, unsubscribe removed ones
                daemon.heartbeat.beat()  # tells `add` and `import-opml` at once
    code = 1 if daemon.fatal is not None else 0
    if server is not None:
        server.stop()  # drains requests in flight before the jobs are stopped
    if not daemon.shutdown():
        # A send stuck in a slow service holds its worker thread, and the interpreter
        # joins pool threads at exit: leaving now is safe because the row stays pending
        # and its lease expires, and it keeps the promise of exiting within seconds.
        log.info("newswatch stopped (work in hand abandoned)")
        logging.shutdown()
        os._exit(code)
    app.close()
    log.info("newswatch stopped")
    return code


def _start_web(daemon: Daemon) -> WebServer | None:
    web = daemon.app.settings.web
    if web.listen is None:
        return None
    subscriber = None
    if web.public_url is not None:
        subscriber = Subscriber(
            daemon.app,
            web.public_url,
            daemon.poll_soon,
            lambda outcome: daemon.metrics.websub_pushes.labels(outcome).inc(),
        )
    server = WebServer(daemon.app, web, daemon.liveness, daemon.metrics, subscriber)
    server.start()
    if subscriber is not None:
        daemon.scheduler.add_job(
            subscriber.run_once,
            "interval",
            seconds=WEBSUB_TICK_S,
            id="websub",
            next_run_time=daemon.app.clock() + timedelta(seconds=1),
        )
    return server


def reload_config(app: App) -> bool:
    """SIGHUP: re-read the config file; an invalid one is refused with `check`'s messages
    and the running config stays in force."""
    try:
        fresh = load(app.settings.path)
    except ConfigError as e:
        for problem in e.problems:
            log.error("reload refused: %s: %s", e.path, problem)
        log.error("reload refused: keeping the running config")
        return False
    for note in app.reload(fresh):
        log.warning("reload: %s", note)
    log.info(
        "reloaded config feeds=%d watchlists=%d notifiers=%d",
        len(fresh.feeds),
        len(fresh.watchlists),
        len(fresh.notifiers),
    )
    return True
