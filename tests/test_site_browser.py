"""The HTML site in a real browser: Debian's chromium, driven by selenium through /usr/bin/chromedriver.

The bundled derivations are built once (``derive build --no-pdf``, the cache makes it quick) and the site is
served from a local ``http.server`` in a thread. Every page is loaded; once KaTeX has typeset it, the test asserts
that no math error is left (no ``.katex-error``), that no raw TeX is left in the visible text (outside ``<code>``
and ``<pre>``, with every ``<details>`` opened), that every internal link resolves to a page and an element id,
and that the browser logged no error. Screenshots of the index, a derivation that cites others and the graph go
to ``$DERIVE_SCREENSHOTS`` (default: a temporary folder) for a person to look at.

Where the environment variable CI is ``true`` the browser must be there: a missing chromium, chromedriver or
selenium fails the test rather than skipping it.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
IN_CI = os.environ.get("CI", "").lower() == "true"
#: What must not be left of TeX in a page's visible text once KaTeX has run.
RAW_TEX = re.compile(r"\\(frac|left|right|sum|log|mathrm|hat|begin|end|le|ge|cdot|\(|\)|\[|\])|\$")


def _missing() -> str:
    """Why the browser cannot run here ("" when it can)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            return f"{path} is missing (Debian: apt-get install chromium chromium-driver)"
    return ""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The bundled derivations' site, built once for the module."""
    why = _missing()
    if why:
        if IN_CI:
            pytest.fail(f"CI=true, and the browser test cannot run: {why}")
        pytest.skip(why)
    out = tmp_path_factory.mktemp("site")
    run = subprocess.run(
        [sys.executable, "-m", "derive.entry.cli", "build", "--no-pdf", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert (out / "html" / "index.html").is_file(), run.stdout[-2000:] + run.stderr[-2000:]
    return out / "html"


@pytest.fixture(scope="module")
def server(site):
    """The site served on a free local port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # the test's output is the assertions, not the access log
        pass


@pytest.fixture(scope="module")
def browser(server):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _load(driver, url: str) -> None:
    """Open ``url`` and wait until derive.js has typeset the page's math."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.body.dataset.math === 'done'"))


#: The page's visible text with every <details> open, without code, preformatted text and KaTeX's MathML copy
#: (hidden from sight; it keeps the TeX source as an annotation for screen readers and copying).
_VISIBLE_TEXT = """
document.querySelectorAll('details').forEach(d => d.open = true);
const copy = document.body.cloneNode(true);
copy.querySelectorAll('code, pre, .katex-mathml, script, style').forEach(e => e.remove());
document.body.appendChild(copy);
copy.style.position = 'absolute';
const text = copy.innerText;
copy.remove();
return text;
"""


def test_every_page_renders_without_errors_and_every_link_resolves(site, server, browser):
    pages = sorted(p.name for p in site.glob("*.html"))
    assert "index.html" in pages and "graph.html" in pages and "questions.html" in pages
    ids: dict[str, set[str]] = {}
    hrefs: list[tuple[str, str]] = []
    problems: list[str] = []
    browser.get_log("browser")  # start with an empty log
    for page in pages:
        _load(browser, server + page)
        errors = browser.execute_script("return document.querySelectorAll('.katex-error').length")
        if errors:
            problems.append(f"{page}: {errors} math error(s)")
        raw = sorted({m.group(0) for m in RAW_TEX.finditer(browser.execute_script(_VISIBLE_TEXT))})
        if raw:
            problems.append(f"{page}: raw TeX in the visible text: {' '.join(raw)}")
        ids[page] = set(browser.execute_script("return [...document.querySelectorAll('[id]')].map(e => e.id)"))
        hrefs += [(page, h) for h in browser.execute_script("return [...document.links].map(a => a.href)")]
        severe = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        problems += [f"{page}: console: {m}" for m in severe]
    for page, href in hrefs:
        if not href.startswith(server):
            problems.append(f"{page}: a link leaves the site: {href}")
            continue
        target, anchor = urldefrag(href)
        name = urlparse(target).path.rsplit("/", 1)[-1] or "index.html"
        if name not in ids:
            problems.append(f"{page}: a link to a missing page: {href}")
        elif anchor and anchor not in ids[name]:
            problems.append(f"{page}: a link to a missing anchor: {href}")
    assert not problems, "\n".join(problems)


def test_the_flagship_anchors_and_a_citation_link(server, browser):
    _load(browser, server + "iid-cross-entropy.html")
    assert browser.execute_script("return document.getElementById('iid-cross-entropy:take-logs') !== null")
    _load(browser, server + "gibbs-inequality.html")
    cited = browser.execute_script("return [...document.querySelectorAll('td.why a')].map(a => a.getAttribute('href'))")
    assert "log-le-sub-one.html#log-le-sub-one" in cited
    _load(browser, urljoin(server, "log-le-sub-one.html#log-le-sub-one"))
    assert browser.execute_script("return document.querySelector(':target') !== null")


def test_the_site_works_from_the_file_system(site, browser):
    """Opened as files (file://, no server), the math still renders and nothing fails to load."""
    browser.get_log("browser")
    _load(browser, (site / "gibbs-inequality.html").as_uri())
    assert browser.execute_script("return document.querySelectorAll('.katex').length") > 10
    assert browser.execute_script("return document.querySelectorAll('.katex-error').length") == 0
    fonts = browser.execute_async_script(
        "const done = arguments[0]; document.fonts.ready.then(() => "
        "done([...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])))"
    )
    assert ["KaTeX_Main", "loaded"] in fonts, fonts  # KaTeX's own font, read from the folder
    assert not [f for f in fonts if f[1] == "error"], fonts
    severe = [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_screenshots(server, browser, tmp_path):
    """Screenshots of three pages, for a person to look at (the test only checks that they were taken)."""
    folder = Path(os.environ.get("DERIVE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for page in ("index.html", "gibbs-inequality.html", "graph.html"):
        _load(browser, server + page)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1280, min(max(height, 800), 4000))
        path = folder / page.replace(".html", ".png")
        assert browser.save_screenshot(str(path)), path
    browser.set_window_size(1280, 1000)
    shutil.rmtree(tmp_path, ignore_errors=True)
