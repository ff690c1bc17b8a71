"""The aiohttp server inside `newswatch run`, on an event loop of its own in a thread.

The scheduler's jobs and the pages share the App; database work runs in the loop's
executor so a slow query never stalls `/healthz`. `stop()` drains: the listener closes,
requests in flight get `DRAIN_S` to finish.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from alerts.model import DeliveryStatus
from newswatch.app import App
from newswatch.config import WebSettings
from newswatch.durations import parse_duration
from newswatch.metrics import CONTENT_TYPE, Metrics
from newswatch.output import plural
from newswatch.web import WebError, actions, auth, views
from newswatch.web.health import Liveness, check
from newswatch.web.websub import Subscriber

log = logging.getLogger(__name__)
DRAIN_S = 5.0
T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# No script runs on these pages; the policy says so, and forms post only here.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
OPEN_PATHS = frozenset({"/healthz", "/login"})
HUB_PREFIX = "/websub/"
# The statuses the deliveries page filters by, as `newswatch deliveries --status` does.
_LISTED = (DeliveryStatus.PENDING, DeliveryStatus.SENT, DeliveryStatus.FAILED)


class WebServer:
    def __init__(
        self,
        app: App,
        settings: WebSettings,
        liveness: Liveness,
        metrics: Metrics,
        subscriber: Subscriber | None = None,
    ) -> None:
        if settings.listen is None:
            raise WebError("[web] listen is not set")
        self.app = app
        self.settings = settings
        self.liveness = liveness
        self.metrics = metrics
        self.subscriber = subscriber
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
        self.templates.filters["when"] = self._when
        self.templates.filters["plural"] = plural  # {{ n | plural("report") }}: "1 report"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self.settings.listen is not None
        host, port = self.settings.listen
        return f"http://{f'[{host}]' if ':' in host else host}:{port}"

    def start(self) -> None:
        """Bind and serve; raises WebError when the address cannot be bound."""
        loop = asyncio.new_event_loop()
        started: asyncio.Future[None] = loop.create_future()
        self._loop = loop
        self._thread = threading.Thread(
            target=self._serve, args=(loop, started), name="web", daemon=True
        )
        self._thread.start()
        try:
            asyncio.run_coroutine_threadsafe(_wait(started), loop).result(timeout=30)
        except OSError as e:
            self._thread.join(5)
            raise WebError(f"[web] listen {self.settings.listen}: {e.strerror or e}") from e
        log.info("web listening url=%s", self.url)

    def stop(self) -> None:
        loop, runner = self._loop, self._runner
        if loop is None or self._thread is None:
            return
        if runner is not None:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(DRAIN_S + 5)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(DRAIN_S + 5)
        log.info("web stopped")

    def _serve(self, loop: asyncio.AbstractEventLoop, started: asyncio.Future[None]) -> None:
        asyncio.set_event_loop(loop)

        async def bind() -> None:
            assert self.settings.listen is not None
            runner = web.AppRunner(self.build(), access_log=None, shutdown_timeout=DRAIN_S)
            await runner.setup()
            try:
                await web.TCPSite(runner, *self.settings.listen).start()
            except OSError as e:
                await runner.cleanup()
                started.set_exception(e)
                return
            self._runner = runner
            started.set_result(None)

        loop.run_until_complete(bind())
        if started.exception() is None:
            loop.run_forever()
        loop.close()

    def build(self) -> web.Application:
        webapp = web.Application(middlewares=[self._guard], client_max_size=64 * 1024)
        webapp.router.add_get("/healthz", self.healthz)
        webapp.router.add_get("/metrics", self.metrics_page)
        webapp.router.add_get("/", self.hits_page)
        webapp.router.add_get("/stories", self.stories_page)
        webapp.router.add_get("/feeds", self.feeds_page)
        webapp.router.add_get("/deliveries", self.deliveries_page)
        webapp.router.add_get("/login", self.login_page)
        webapp.router.add_post("/login", self.login)
        webapp.router.add_post("/hits/{id:\\d+}/exclude", self.exclude)
        webapp.router.add_post("/deliveries/{id:\\d+}/retry", self.retry)
        if self.subscriber is not None:
            webapp.router.add_get("/websub/{id:\\d+}", self.subscriber.verify)
            webapp.router.add_post("/websub/{id:\\d+}", self.subscriber.push)
        return webapp

    # -- plumbing ---------------------------------------------------------------------

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(HUB_PREFIX):
            return await handler(request)  # a hub: it proves itself by signature (§8)
        token = self.settings.token
        if request.path not in OPEN_PATHS and not auth.authorized(
            token, request.headers.get("Authorization"), request.cookies.get(auth.AUTH_COOKIE)
        ):
            if request.method == "GET" and "text/html" in request.headers.get("Accept", ""):
                raise web.HTTPSeeOther("/login?" + urlencode({"next": request.path_qs}))
            raise web.HTTPUnauthorized(
                text="a bearer token is required\n", headers={"WWW-Authenticate": "Bearer"}
            )
        if request.method == "POST":
            form = await request.post()
            field = form.get("csrf")
            if not auth.csrf_ok(
                request.cookies.get(auth.CSRF_COOKIE), field if isinstance(field, str) else None
            ):
                raise web.HTTPForbidden(text="the form is stale or not from this site: reload\n")
        response = await handler(request)
        response.headers.update(HEADERS)
        return response

    async def _db(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(None, fn, *args)

    def _when(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        local = value.astimezone(self.app.settings.tz)
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()}"

    def _render(
        self, request: web.Request, template: str, status: int = 200, **context: Any
    ) -> web.Response:
        csrf = request.cookies.get(auth.CSRF_COOKIE) or auth.new_csrf()
        html = self.templates.get_template(template).render(
            csrf=csrf,
            zone=self.app.settings.defaults.timezone,
            path=request.path,
            here=request.path_qs,
            notice=request.query.get("notice", ""),
            error=request.query.get("error", ""),
            login=self.settings.token is not None,
            **context,
        )
        response = web.Response(text=html, content_type="text/html", status=status)
        if request.cookies.get(auth.CSRF_COOKIE) != csrf:
            response.set_cookie(auth.CSRF_COOKIE, csrf, httponly=True, samesite="Strict", path="/")
        return response

    # -- endpoints ----------------------------------------------------------------------

    async def healthz(self, request: web.Request) -> web.Response:
        health = await self._db(check, self.app, self.liveness)
        return web.json_response(health.as_json(), status=health.http_status, dumps=json.dumps)

    async def metrics_page(self, request: web.Request) -> web.Response:
        body = await self._db(self.metrics.exposition)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    async def hits_page(self, request: web.Request) -> web.Response:
        q = request.query
        problem = None
        since_s: float | None = None
        if q.get("since", "").strip():
            try:
                since_s = parse_duration(q["since"].strip())
            except ValueError:
                problem = f'"{q["since"]}" is not a duration like "12h" or "7d"'
        watchlist = q.get("watchlist") or None
        f = views.HitFilter(watchlist=watchlist, name=q.get("name") or None, since_s=since_s)
        items = [] if problem else await self._db(views.hits, self.app, f)
        return self._render(
            request,
            "hits.html",
            status=400 if problem else 200,
            hits=items,
            problem=problem,
            watchlists=[w.name for w in self.app.settings.watchlists],
            chosen=watchlist or "",
            name=q.get("name", ""),
            since=q.get("since", ""),
        )

    async def stories_page(self, request: web.Request) -> web.Response:
        items = await self._db(views.stories, self.app, 7 * 86400.0)
        return self._render(request, "stories.html", stories=items)

    async def feeds_page(self, request: web.Request) -> web.Response:
        items = await self._db(views.feeds, self.app)
        exclusions = await self._db(views.exclusions, self.app)
        return self._render(
            request, "feeds.html", feeds=items, exclusions=exclusions, shown=views.shown_url
        )

    async def deliveries_page(self, request: web.Request) -> web.Response:
        asked = request.query.get("status")
        status = next((s for s in _LISTED if s == asked), None)
        items = await self._db(views.deliveries, self.app, status)
        return self._render(request, "deliveries.html", deliveries=items, chosen=status or "")

    async def login_page(self, request: web.Request) -> web.Response:
        return self._render(request, "login.html", next=auth.safe_next(request.query.get("next")))

    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        given, target = form.get("token"), form.get("next")
        target = auth.safe_next(target if isinstance(target, str) else None)
        if not isinstance(given, str) or not auth.token_matches(self.settings.token, given):
            return self._render(
                request, "login.html", status=401, next=target, problem="wrong token"
            )
        response = web.HTTPSeeOther(target)
        assert self.settings.token is not None
        response.set_cookie(
            auth.AUTH_COOKIE,
            auth.session_value(self.settings.token),
            httponly=True,
            samesite="Strict",
            path="/",
        )
        raise response

    async def exclude(self, request: web.Request) -> web.Response:
        form = await request.post()
        phrase = form.get("phrase")
        back = auth.safe_next(str(form.get("back") or "/"))
        try:
            message = await self._db(
                actions.exclude,
                self.app,
                int(request.match_info["id"]),
                phrase if isinstance(phrase, str) else "",
            )
        except actions.ActionError as e:
            raise web.HTTPSeeOther(_with(back, error=str(e))) from None
        raise web.HTTPSeeOther(_with(back, notice=message))

    async def retry(self, request: web.Request) -> web.Response:
        try:
            message = await self._db(actions.retry, self.app, int(request.match_info["id"]))
        except actions.ActionError as e:
            raise web.HTTPSeeOther(_with("/deliveries", error=str(e))) from None
        raise web.HTTPSeeOther(_with("/deliveries", notice=message))


def _with(path: str, **query: str) -> str:
    """`path` with its notice or error replaced (the reader's filters kept)."""
    base, _, old = path.partition("?")
    from urllib.parse import parse_qsl

    kept = [(k, v) for k, v in parse_qsl(old) if k not in ("notice", "error")]
    return f"{base}?{urlencode([*kept, *query.items()])}"


async def _wait(future: asyncio.Future[None]) -> None:
    await future
