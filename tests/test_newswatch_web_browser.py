"""The pages in a real browser (Debian's chromium through chromium-driver and Selenium)
against a real `newswatch run` on loopback: every page renders without console errors
and fits a phone's width, the hit filters work, and "not this person" takes effect.
A screenshot of each page is written under the test's tmp dir."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from feedgen import Item, rss
from feedserver import FeedServer
from sinks import WebhookSink, free_port
from test_newswatch_web_daemon import Run

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
NOW = datetime.now(UTC)
ITEMS = [
    Item(
        "politician",
        "Court extends the sentence of Maria Kolesnikova",
        "The opposition politician Maria Kolesnikova was not in court.",
        published=NOW - timedelta(hours=2),
    ),
    Item(
        "politician-2",
        "Суд продлил срок Марии Колесниковой",
        "Марию Колесникову снова не привели в суд.",
        published=NOW - timedelta(hours=1, minutes=50),
    ),
    Item(
        "singer",
        'Singer Maria Kolesnikova tours Minsk <img src=x onerror="alert(1)">',
        "Concert dates were announced.",
        published=NOW - timedelta(hours=1),
    ),
    Item("weather", "Weather in Minsk", "Snow is expected.", published=NOW),
]
PAGES = {"hits": "/", "stories": "/stories", "feeds": "/feeds", "deliveries": "/deliveries"}


def _browser() -> Any:
    if not (os.path.exists(CHROMIUM) and os.path.exists(DRIVER)):
        message = "chromium and chromium-driver are not installed (apt-get install them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))


@pytest.fixture
def browser() -> Iterator[Any]:
    driver = _browser()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def daemon(tmp_path: Path) -> Iterator[str]:
    with FeedServer() as feeds, WebhookSink() as hook:
        feeds.route("/news.xml", body=rss(ITEMS, title="Minsk <Daily>"))
        port = free_port()
        config = tmp_path / "config.toml"
        config.write_text(
            f"""
[database]
url = "sqlite:///{tmp_path / "newswatch.db"}"

[defaults]
timezone = "Europe/Minsk"

[web]
listen = "127.0.0.1:{port}"

[[feeds]]
name = "Minsk <Daily>"
url = "{feeds.url("/news.xml")}"

[notifiers]
chat = ["{hook.apprise_url()}"]

[[watchlists]]
name = "belarus"
names = ["Maria Kolesnikova"]
notify = ["chat"]
""",
            encoding="utf-8",
        )
        run = Run(config)
        try:
            run.wait_line(r"tick poll feeds=1 ok=1")
            yield f"http://127.0.0.1:{port}"
        finally:
            run.close()


def severe_console_entries(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def test_pages_in_a_real_browser(browser: Any, daemon: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as expected
    from selenium.webdriver.support.ui import Select, WebDriverWait

    shots = tmp_path / "screenshots"
    shots.mkdir()
    browser.set_window_size(1200, 900)
    for name, path in PAGES.items():
        browser.get(daemon + path)
        assert browser.find_element(By.TAG_NAME, "h1").text
        assert severe_console_entries(browser) == [], name
        assert browser.save_screenshot(str(shots / f"{name}.png"))
    browser.get(daemon + "/")
    assert "Singer Maria Kolesnikova tours Minsk" in browser.page_source
    assert browser.find_elements(By.CSS_SELECTOR, "main img") == []  # feed markup stays out

    # A phone: every page fits its width.
    browser.set_window_size(390, 844)
    for name, path in PAGES.items():
        browser.get(daemon + path)
        wide = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert wide <= 0, f"{name} scrolls sideways by {wide}px on a phone"
        assert browser.save_screenshot(str(shots / f"{name}-phone.png"))
    browser.set_window_size(1200, 900)

    # Filters.
    browser.get(daemon + "/")
    assert len(browser.find_elements(By.CSS_SELECTOR, "article.card")) == 3
    Select(browser.find_element(By.NAME, "watchlist")).select_by_visible_text("belarus")
    browser.find_element(By.NAME, "name").send_keys("nobody")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait = WebDriverWait(browser, 30)
    wait.until(expected.url_contains("name=nobody"))
    wait.until(expected.text_to_be_present_in_element((By.TAG_NAME, "main"), "No hits for"))
    browser.find_element(By.NAME, "name").clear()
    browser.find_element(By.NAME, "since").send_keys("1d")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait.until(expected.url_contains("since=1d"))
    wait.until(expected.presence_of_element_located((By.CSS_SELECTOR, "article.card")))
    assert len(browser.find_elements(By.CSS_SELECTOR, "article.card")) == 3

    # Not this person.
    singer = next(
        card
        for card in browser.find_elements(By.CSS_SELECTOR, "article.card")
        if "Singer" in card.text
    )
    singer.find_element(By.TAG_NAME, "summary").click()
    phrase = singer.find_element(By.NAME, "phrase")
    assert phrase.get_attribute("value") == "Singer Maria Kolesnikova tours"
    browser.save_screenshot(str(shots / "not-this-person.png"))
    singer.find_element(By.CSS_SELECTOR, "form button").click()
    wait.until(expected.presence_of_element_located((By.CSS_SELECTOR, ".notice")))
    notice = browser.find_element(By.CSS_SELECTOR, ".notice").text
    assert 'no longer matches "Singer Maria Kolesnikova tours"' in notice
    cards = browser.find_elements(By.CSS_SELECTOR, "article.card")
    assert len(cards) == 2 and not any("Singer" in c.text for c in cards)
    assert "since=1d" in browser.current_url  # the reader's filter is kept
    browser.save_screenshot(str(shots / "hits-after-exclusion.png"))
    browser.get(daemon + "/feeds")
    assert "Singer Maria Kolesnikova tours" in browser.page_source
    assert severe_console_entries(browser) == []
    assert sorted(p.name for p in shots.glob("*.png")) == sorted(
        [f"{n}.png" for n in PAGES]
        + [f"{n}-phone.png" for n in PAGES]
        + ["not-this-person.png", "hits-after-exclusion.png"]
    )
