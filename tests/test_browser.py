"""The UI in a real browser: Debian's headless Chromium driving pages served by waitress.

Screenshots are saved in tests/artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
import waitress
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from .conftest import REPO

ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def live_server(app):
    """The app under waitress on a free port of 127.0.0.1."""
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


def _driver(width: int = 1280, height: int = 900, phone: bool = False) -> webdriver.Chrome:
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.fail("Debian's chromium and chromium-driver are needed for the browser tests; "
                    "`make test` installs them (apt-get install chromium chromium-driver)")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
                f"--window-size={width},{height}"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if phone:  # a headless window cannot be narrower than ~500 px; a device can
        opts.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2}})
    try:
        return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    except WebDriverException as exc:  # pragma: no cover - environment problem
        pytest.fail(f"cannot start headless chromium: {exc.msg}")


@pytest.fixture(scope="module")
def browser():
    d = _driver()
    yield d
    d.quit()


def shot(driver, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def wait(driver, seconds: float = 10) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def total(driver) -> int:
    return int(driver.find_element(By.CSS_SELECTOR, "#result-count strong").text.replace(",", ""))


def no_errors(driver) -> None:
    logs = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert logs == [], logs


def test_search_shows_highlighted_results(browser, live_server):
    browser.get(live_server + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys('"deportation machine" Amazon', Keys.ENTER)
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "li.hit")))
    marks = browser.find_elements(By.CSS_SELECTOR, "li.hit p.snippet mark")
    assert {m.text for m in marks} >= {"deportation machine", "Amazon"}
    assert total(browser) >= 3
    shot(browser, "01-search")
    no_errors(browser)


def test_outlet_facet_changes_the_counts(browser, live_server):
    browser.get(live_server + "/?q=Amazon")
    before = total(browser)
    doc_types_before = [e.text for e in browser.find_elements(
        By.CSS_SELECTOR, "#facet-doc_type ~ ul .count")]
    link = browser.find_element(By.CSS_SELECTOR, 'a[data-facet="outlet"]')
    name = link.find_element(By.CSS_SELECTOR, ".value").text
    link.click()
    wait(browser).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, 'a[data-facet="outlet"][aria-pressed="true"]')))
    after = total(browser)
    assert after < before
    selected = browser.find_element(By.CSS_SELECTOR, 'a[data-facet="outlet"].selected')
    assert selected.find_element(By.CSS_SELECTOR, ".value").text == name
    # other outlets are still offered, with their own counts
    assert len(browser.find_elements(By.CSS_SELECTOR, 'a[data-facet="outlet"]')) > 1
    doc_types_after = [e.text for e in browser.find_elements(
        By.CSS_SELECTOR, "#facet-doc_type ~ ul .count")]
    assert doc_types_after != doc_types_before
    assert sum(int(x) for x in doc_types_after) == after
    shot(browser, "02-facet-selected")
    # and off again
    selected.click()
    wait(browser).until(lambda d: total(d) == before)


def test_open_a_document_and_step_through_matches(browser, live_server):
    browser.get(live_server + "/?q=Amazon&type=interview")
    browser.find_element(By.CSS_SELECTOR, "li.hit h3 a").click()
    nav = wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "nav.matches")))
    n = int(nav.get_attribute("data-total"))
    assert n > 5
    counter = nav.find_element(By.CSS_SELECTOR, ".counter")
    nav.find_element(By.CSS_SELECTOR, "a.next").click()
    wait(browser).until(lambda d: counter.text == f"Match 1 of {n}")
    nav.find_element(By.CSS_SELECTOR, "a.next").click()
    wait(browser).until(lambda d: counter.text == f"Match 2 of {n}")
    assert browser.current_url.endswith("#m2")
    current = browser.find_element(By.CSS_SELECTOR, "mark.current")
    assert current.get_attribute("id") == "m2" and current.text == "Amazon"
    browser.find_element(By.TAG_NAME, "body").send_keys("n")
    wait(browser).until(lambda d: counter.text == f"Match 3 of {n}")
    nav.find_element(By.CSS_SELECTOR, "a.prev").click()
    wait(browser).until(lambda d: counter.text == f"Match 2 of {n}")
    shot(browser, "03-document-matches")
    # the removed text is behind a disclosure, the citation is there
    details = browser.find_element(By.CSS_SELECTOR, "details.removed") if \
        browser.find_elements(By.CSS_SELECTOR, "details.removed") else None
    if details is not None:
        assert not details.get_attribute("open")
    assert "Truthout" in browser.find_element(By.ID, "cite-plain").text
    no_errors(browser)


def test_translated_document_says_so(browser, live_server):
    browser.get(live_server + "/doc/003_bf74998e5c9b8689?q=Amazon")
    note = browser.find_element(By.CSS_SELECTOR, ".note.translation").text
    assert "translation from Spanish" in note
    details = browser.find_element(By.CSS_SELECTOR, "details.removed")
    assert not details.find_element(By.TAG_NAME, "ul").is_displayed()
    details.find_element(By.TAG_NAME, "summary").click()
    assert "Please enter your comment!" in details.text
    shot(browser, "04-translated-document")


def test_a_permalink_reproduces_the_search(browser, live_server):
    browser.get(live_server + "/?q=Amazon")
    browser.find_element(By.CSS_SELECTOR, 'a[data-facet="language"]').click()
    wait(browser).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, 'a[data-facet="language"][aria-pressed="true"]')))
    select = browser.find_element(By.CSS_SELECTOR, "select[name=sort]")
    select.find_element(By.CSS_SELECTOR, "option[value=oldest]").click()  # submits by itself
    wait(browser).until(lambda d: "sort=oldest" in d.current_url)
    url = browser.current_url
    hits = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "li.hit h3")]
    # a different browser, no history, no cookies: the address alone gives the same page
    other = _driver(1024, 800)
    try:
        other.get(url)
        assert [e.text for e in other.find_elements(By.CSS_SELECTOR, "li.hit h3")] == hits
        assert other.find_element(By.CSS_SELECTOR, "select[name=sort]").get_attribute(
            "value") == "oldest"
        assert other.find_elements(By.CSS_SELECTOR, 'a[aria-pressed="true"]')
        shot(other, "05-permalink")
    finally:
        other.quit()


def test_timeline_bar_filters_to_its_month(browser, live_server):
    browser.get(live_server + "/?q=Amazon")
    bars = [a for a in browser.find_elements(By.CSS_SELECTOR, ".timeline a")
            if re.search(r": [1-9]\d* documents", a.get_attribute("aria-label"))]
    month = bars[0].get_attribute("aria-label").split(":")[0]
    bars[0].click()
    wait(browser).until(lambda d: f"from={month}" in d.current_url)
    dates = [e.get_attribute("datetime") for e in browser.find_elements(By.TAG_NAME, "time")]
    assert dates and all(d.startswith(month) for d in dates)


def test_quotations_by_speaker_and_back_to_the_source(browser, live_server):
    browser.get(live_server + "/quotes")
    box = browser.find_element(By.ID, "q")
    box.send_keys("Amazon", Keys.ENTER)
    wait(browser).until(ec.presence_of_element_located((By.CSS_SELECTOR, "li.quote-hit")))
    before = total(browser)
    link = browser.find_element(By.CSS_SELECTOR, 'a[data-facet="speaker"]')
    name = link.find_element(By.CSS_SELECTOR, ".value").text
    count = int(link.find_element(By.CSS_SELECTOR, ".count").text)
    link.click()
    wait(browser).until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, 'a[data-facet="speaker"][aria-pressed="true"]')))
    assert total(browser) == count < before
    speakers = {e.text for e in browser.find_elements(By.CSS_SELECTOR, "li.quote-hit .who strong")}
    assert speakers == {name}
    shot(browser, "07-quotes-by-speaker")
    # the quotation opens in its document, scrolled to and marked with its speaker
    hit = browser.find_element(By.CSS_SELECTOR, "li.quote-hit")
    words = re.sub(r"\s+", " ", hit.find_element(By.CSS_SELECTOR, "blockquote").text)
    hit.find_element(By.CSS_SELECTOR, ".meta a").click()
    anchor = wait(browser).until(lambda d: d.execute_script("return location.hash"))
    target = browser.find_element(By.ID, anchor[1:])
    assert "quote" in target.get_attribute("class")
    assert re.sub(r"\s+", " ", target.text).strip(" ,.") in words or \
        words.strip(" ,.…") in re.sub(r"\s+", " ", target.text)
    # in view and not under the sticky match bar: the topmost element at its first line is it
    assert browser.execute_script("""
        const el = arguments[0], r = el.getClientRects()[0];
        if (r.top < 0 || r.bottom > window.innerHeight) return false;
        const hit = document.elementFromPoint(r.left + 3, r.top + r.height / 2);
        return hit !== null && (hit === el || el.contains(hit));""", target)
    shot(browser, "08-quote-in-document")
    no_errors(browser)


@pytest.mark.parametrize("page", ["/?q=Amazon", "/quotes?q=Amazon"])
def test_every_form_control_has_a_label(browser, live_server, page):
    browser.get(live_server + page)
    unlabeled = browser.execute_script("""
        return Array.from(document.querySelectorAll('input:not([type=hidden]), select'))
          .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
          .map(el => el.name);""")
    assert unlabeled == []


def test_small_screen_layout(live_server):
    d = _driver(390, 844, phone=True)
    try:
        d.get(live_server + "/?q=Amazon")
        scroll, view = d.execute_script("return [document.documentElement.scrollWidth, "
                                        "document.documentElement.clientWidth]")
        assert view == 390 and scroll <= view  # no sideways scrolling
        shot(d, "06-phone")
    finally:
        d.quit()
