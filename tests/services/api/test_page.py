"""The web page at /, served by a real server: its headers and assets, then, in headless
Chromium (Debian's chromium and chromedriver, driven by selenium), an ad pasted and read:
highlighted evidence at the API's offsets, the API's own skills in the table, their ESCO URIs on
hover and the procedure graph as SVG. The test writes docs/web-page.png."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = Path(__file__).resolve().parents[3] / "docs" / "web-page.png"
ESCO_SKILL = "http://data.europa.eu/esco/skill/"
AD = (
    "Backend Developer (Python)\n"
    "We are a small product team in Lisbon building software for logistics companies. "
    "You will join four engineers and a designer.\n"
    "What you'll do\n"
    "- Design the database schema for new features\n"
    "- Write the services in Python and SQL\n"
    "- Review code and mentor junior developers\n"
    "- Once the services are tested, deploy them to production\n"
    "About you\n"
    "- Several years of experience with Python and SQL, ideally PostgreSQL\n"
    "- You enjoy teamwork and communicate clearly in English\n"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if missing:
        pytest.fail(
            f"the browser test needs {' and '.join(missing)}: `make test-deps` installs the "
            "Debian packages chromium and chromium-driver"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--window-size=1280,1000", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    if os.geteuid() == 0:
        options.add_argument("--no-sandbox")  # Chromium's sandbox refuses to run as root
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def test_the_page_and_its_assets_are_served(api_url, http):
    page = http.get(f"{api_url}/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert page.headers["Content-Security-Policy"] == "default-src 'self'"
    assert 'src="static/app.js"' in page.text and "<script>" not in page.text
    script = http.get(f"{api_url}/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert "v1/extract" in script.text
    assert http.get(f"{api_url}/static/style.css").headers["Content-Type"].startswith("text/css")
    assert http.get(f"{api_url}/static/nothing-here.js").status_code == 404


def test_an_ad_is_read_in_the_browser(api_url, http, browser):
    skills = http.post(f"{api_url}/v1/extract", json={"text": AD}, timeout=120).json()["skills"]
    procedure = http.post(f"{api_url}/v1/procedure", json={"text": AD}, timeout=120).json()
    assert len(skills) >= 5 and len(procedure["graph"]["nodes"]) >= 3, "the ad is a poor example"

    browser.get(f"{api_url}/")
    ad = browser.find_element(By.ID, "ad-text")
    ad.send_keys(AD)
    assert ad.get_property("value") == AD
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 120).until(lambda b: _state(b) in ("done", "error"))
    assert _state(browser) == "done", browser.find_element(By.ID, "error").text
    assert not browser.find_element(By.ID, "error").is_displayed()

    # The table: the API's skills, in its order, each label linking to its ESCO URI.
    rows = browser.find_elements(By.CSS_SELECTOR, "#skills-table tbody tr")
    links = [row.find_element(By.CSS_SELECTOR, "td a") for row in rows]
    assert [link.text for link in links] == [skill["label"] for skill in skills]
    assert [link.get_attribute("href") for link in links] == [skill["uri"] for skill in skills]

    # The highlights: text at their offsets, cut where evidence spans begin and end, so that
    # the marks of each skill run contiguously over exactly its span.
    marks = browser.find_elements(By.CSS_SELECTOR, "#ad-view mark.hl")
    assert len(marks) >= 5
    pieces = [_piece(mark) for mark in marks]
    for start, end, text, _ in pieces:
        assert text == AD[start:end] and text
    for index, skill in enumerate(skills):
        own = [(start, end) for start, end, _, of in pieces if index in of]
        assert own, f"no highlight for {skill['label']}"
        assert own[0][0] == skill["span_start"] and own[-1][1] == skill["span_end"]
        assert all(a[1] == b[0] for a, b in pairwise(own))
    assert all(a[1] <= b[0] for a, b in pairwise(pieces))  # marks in text order, none nested

    # Hovering a mark names the ESCO skills there: label, link to the URI, probability.
    start, end, text, of = max(pieces, key=lambda piece: len(piece[3]))
    ActionChains(browser).move_to_element(marks[pieces.index((start, end, text, of))]).perform()
    tooltip = browser.find_element(By.ID, "tooltip")
    WebDriverWait(browser, 10).until(lambda _: tooltip.is_displayed())
    hrefs = [a.get_attribute("href") for a in tooltip.find_elements(By.TAG_NAME, "a")]
    assert sorted(hrefs) == sorted(skills[index]["uri"] for index in of)
    assert all(href.startswith(ESCO_SKILL) and href in tooltip.text for href in hrefs)
    assert f"{100 * skills[of[0]]['probability']:.1f}%" in tooltip.text

    # The procedure: a node per step of the graph, an arrow per edge.
    graph = procedure["graph"]
    nodes = browser.find_elements(By.CSS_SELECTOR, "#procedure svg g.node")
    assert {node.get_attribute("data-id") for node in nodes} == {n["id"] for n in graph["nodes"]}
    edges = browser.find_elements(By.CSS_SELECTOR, "#procedure svg path.edge")
    assert len(edges) == len(graph["edges"])
    assert _x(nodes, graph["nodes"][0]["id"]) < _x(nodes, graph["nodes"][-1]["id"])

    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors  # no script error, no request the policy refused
    _screenshot(browser)


def test_no_steps_is_said_quietly_and_refusals_in_the_error_box(api_url, browser):
    browser.get(f"{api_url}/")
    _ad_box(browser).send_keys("We offer free coffee and a bike.")
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 120).until(lambda b: _state(b) in ("done", "error"))
    assert browser.find_element(By.ID, "no-steps").is_displayed()
    assert not browser.find_element(By.ID, "error").is_displayed()

    too_long = "Maintain pumps. " * 7_000  # over the server's 100,000 characters
    browser.execute_script("arguments[0].value = arguments[1]", _ad_box(browser), too_long)
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 120).until(lambda b: _state(b) == "error")
    error = browser.find_element(By.ID, "error")
    assert error.is_displayed() and "413" in error.text


def _ad_box(browser: WebDriver) -> WebElement:
    return browser.find_element(By.ID, "ad-text")


def _state(browser: WebDriver) -> str | None:
    return browser.find_element(By.TAG_NAME, "body").get_attribute("data-state")


def _piece(mark: WebElement) -> tuple[int, int, str, list[int]]:
    return (
        int(mark.get_attribute("data-start")),
        int(mark.get_attribute("data-end")),
        mark.get_property("textContent"),
        [int(index) for index in mark.get_attribute("data-skills").split()],
    )


def _x(nodes: list[WebElement], node_id: str) -> float:
    [node] = [node for node in nodes if node.get_attribute("data-id") == node_id]
    return node.rect["x"]


def _screenshot(browser: WebDriver) -> None:
    """The whole page at 1280 px wide, the tooltip of the mark under the pointer open."""
    size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    SCREENSHOT.write_bytes(base64.b64decode(shot["data"]))
