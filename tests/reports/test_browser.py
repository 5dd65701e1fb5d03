"""The HTML report in real headless Chromium (Debian's ``chromium``, driven by playwright).

Checks that the page renders with no console or page errors, makes no request
but for the file itself, loads every image, shows the summary first, and prints
to PDF. A full-page screenshot and the PDF are saved as test artifacts in
``$ADVISORY_ARTIFACTS`` (default ``test-artifacts/`` at the repository root).

Without chromium (or playwright) the test is skipped, unless
``ADVISORY_REQUIRE_BROWSER=1`` (set by ``make test``), where it fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from advisory.reports import write_report

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # starts a browser: about 10-20 s on 2 shared cores


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def _unavailable(reason: str) -> None:
    if os.environ.get("ADVISORY_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}; ADVISORY_REQUIRE_BROWSER=1 requires the browser test to run")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def artifacts() -> Path:
    folder = Path(os.environ.get("ADVISORY_ARTIFACTS") or REPO / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = _chromium()
    if executable is None:
        _unavailable("chromium is not installed (make test installs Debian's chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _open(page: Any, url: str) -> tuple[list[str], list[str], list[str]]:
    """Open ``url``, collecting console errors and warnings, page errors and requests."""
    console: list[str] = []
    errors: list[str] = []
    requests: list[str] = []
    page.on(
        "console",
        lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return console, errors, requests


def test_the_checks_catch_requests_and_errors(browser, tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body>'
        '<img src="http://127.0.0.1:9/x.png" alt="x"><script>throw new Error("boom")</script>'
        '<script>console.error("bad")</script></body></html>'
    )
    page = browser.new_page()
    console, errors, requests = _open(page, bad.as_uri())
    page.close()
    assert "http://127.0.0.1:9/x.png" in requests
    assert any("boom" in e for e in errors)
    assert any("bad" in c for c in console)


def test_report_renders_in_headless_chromium(browser, full_dict, tmp_path, artifacts):
    files = write_report(full_dict, tmp_path / "report", title="Bias and validity audit")
    url = files.html.as_uri()
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    console, errors, requests = _open(page, url)

    assert console == []
    assert errors == []
    assert [r for r in requests if r != url and not r.startswith("data:")] == []
    assert url in requests

    images = page.eval_on_selector_all(
        "img", "els => els.map(e => [e.complete, e.naturalWidth, e.alt.length])"
    )
    assert len(images) >= 7  # one chart per threshold-free metric
    assert all(done and width > 0 and alt > 40 for done, width, alt in images), images

    summary = page.locator("h2#summary")
    assert summary.is_visible()
    assert summary.inner_text() == "Summary"
    headings = page.eval_on_selector_all("h2", "els => els.map(e => e.textContent)")
    assert headings[0] == "Summary"
    box = summary.bounding_box()
    assert box is not None and box["y"] < 900  # the summary starts on the first screen
    # nothing wider than the page: tables and charts fit
    assert page.evaluate("document.documentElement.scrollWidth") <= 1100

    page.screenshot(path=str(artifacts / "audit_report.png"), full_page=True)
    shutil.copyfile(files.html, artifacts / "audit_report.html")
    page.close()


def test_the_linkage_section_renders(browser, linked_dict, tmp_path, artifacts):
    files = write_report(linked_dict, tmp_path / "report")
    url = files.html.as_uri()
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    console, errors, requests = _open(page, url)
    assert console == [] and errors == []
    assert [r for r in requests if r != url and not r.startswith("data:")] == []
    page.click('nav a[href="#linkage"]')
    section = page.locator('section[aria-labelledby="linkage"]')
    assert section.is_visible()
    assert page.locator("h2#linkage").inner_text() == "Who is missing from the household picture"
    # one row per group, and the table fits the page
    assert section.locator("tbody tr").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 1100
    section.screenshot(path=str(artifacts / "audit_report_linkage.png"))
    page.close()


def test_report_prints(browser, full_dict, tmp_path, artifacts):
    files = write_report(full_dict, tmp_path / "report")
    page = browser.new_page()
    page.goto(files.html.as_uri(), wait_until="load")
    page.emulate_media(media="print")
    # the print stylesheet applies: the contents list is hidden, the full tables are shown
    assert not page.locator("nav").is_visible()
    assert page.locator("details table").first.is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000
    (artifacts / "audit_report.pdf").write_bytes(pdf)
    page.close()


def test_a_missing_browser_skips_locally_and_fails_when_required(monkeypatch):
    monkeypatch.delenv("ADVISORY_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception):
        _unavailable("no chromium")
    monkeypatch.setenv("ADVISORY_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="ADVISORY_REQUIRE_BROWSER=1 requires"):
        _unavailable("no chromium")
