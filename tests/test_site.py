"""The course site (``make site``) opened in a real browser with the network blocked.

The site is built once per session by ``tools/build_site.py`` when it is missing or was built
from other inputs (``build/site/html/.inputs-sha256``), so ``make test`` exercises the build
and ``make site`` followed by this test does not build twice.  It is served by a local
``http.server`` on 127.0.0.1 and opened by Debian's headless Chromium through Selenium (driver
``/usr/bin/chromedriver``, given to Selenium so Selenium Manager never downloads anything).

The browser cannot reach anything but 127.0.0.1: host names other than 127.0.0.1 do not resolve
(``--host-resolver-rules``), every other request goes to a closed proxy port, https and
websockets are blocked through CDP ``Network.setBlockedURLs``, and the performance log proves
that no request left 127.0.0.1.  Every page must load with HTTP 200, without JavaScript console
errors, with every image loaded (``naturalWidth > 0``) and every internal link (and its
``#fragment``) resolving.  Screenshots of the landing page and of one notebook page are written
to ``build/site/screenshots/``.

Without ``/usr/bin/chromium`` the browser tests are skipped, except under ``CI`` (any value but
empty, ``0`` or ``false``), where that is a failure (``.ci/run`` installs chromium,
chromium-driver and libjs-mathjax).
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import importlib.util
import json
import os
import shutil
import socketserver
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _load_build_site():
    spec = importlib.util.spec_from_file_location("build_site", ROOT / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_site = _load_build_site()


# ---------------------------------------------------------------------------------------------
# static checks of the HTML (no browser needed)


class _PageParser(html.parser.HTMLParser):
    """Collects element ids/names and the URLs of script, link, img, iframe, source tags."""

    ASSET_TAGS = {"script": "src", "img": "src", "iframe": "src", "source": "src",
                  "link": "href", "video": "src", "audio": "src", "embed": "src"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.assets: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        attr = self.ASSET_TAGS.get(tag)
        if attr and attrs.get(attr):
            self.assets.append((tag, attrs[attr]))
        if tag in ("img", "source") and attrs.get("srcset"):
            for part in attrs["srcset"].split(","):
                self.assets.append((tag, part.strip().split(" ")[0]))


def parse_page(text: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(text)
    parser.close()
    return parser


def remote_assets(text: str) -> list[tuple[str, str]]:
    """The (tag, URL) of every asset tag whose URL leaves the site (http, https, //host)."""
    return [
        (tag, url) for tag, url in parse_page(text).assets
        if url.strip().lower().startswith(("http://", "https://", "//"))
    ]


def test_remote_asset_scan_finds_cdn_tags():
    # made-up test values: a page with a CDN script, a web font and a remote image
    page = (
        '<html><head><script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js">'
        '</script><link rel="stylesheet" href="//fonts.googleapis.com/css?family=Lato">'
        '<link rel="stylesheet" href="_static/local.css"></head><body>'
        '<img src="http://example.org/a.png"><img src="_images/b.png">'
        '<a href="https://example.org/">a link is not an asset</a></body></html>'
    )
    assert remote_assets(page) == [
        ("script", "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"),
        ("link", "//fonts.googleapis.com/css?family=Lato"),
        ("img", "http://example.org/a.png"),
    ]


def test_warning_allow_list_is_empty():
    # every docstring problem the site build found has been fixed; keep it that way
    assert build_site.ALLOWED_WARNINGS == ()


def test_warning_allow_list_matches_only_its_docstring(monkeypatch):
    # made-up test values: an allow-list entry and Sphinx warning lines in the format of the -w file
    monkeypatch.setattr(build_site, "ALLOWED_WARNINGS",
                        (("mixedmig.sweeps", "Definition list ends without a blank line"),))
    allowed = ("src/mixedmig/sweeps.py:docstring of mixedmig.sweeps:25: WARNING: Definition "
               "list ends without a blank line; unexpected unindent. [docutils]")
    other_object = allowed.replace("mixedmig.sweeps:25", "mixedmig.sweeps.map_tasks:9")
    own_page = "build/site/src/index.md:3: WARNING: Non-consecutive header level increase"
    assert build_site._allowed(allowed)
    assert not build_site._allowed(other_object)
    assert not build_site._allowed(own_page)


# ---------------------------------------------------------------------------------------------
# the built site


@pytest.fixture(scope="session")
def site() -> Path:
    """The built site (``build/site/html``), built now if missing or stale."""
    out = build_site.DEFAULT_OUT
    if build_site.is_stale(out):
        started = time.perf_counter()
        build_site.build(out)
        print(f"\nsite built in {time.perf_counter() - started:.1f} s")
    return out / "html"


def _pages(site: Path) -> list[str]:
    """Every page of the site, as paths relative to its root (theme templates excluded)."""
    skip = {"_static", "_sources", "_images"}
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html")
        if not skip.intersection(p.relative_to(site).parts)
    )


def test_site_has_a_page_for_every_input(site):
    pages = set(_pages(site))
    expected = {"index.html", "readme.html", "notebooks/index.html", "datasets/index.html",
                "api/index.html", "guides/index.html"}
    expected |= {f"notebooks/{p.stem}.html" for p in (ROOT / "notebooks").glob("*.ipynb")}
    expected |= {f"datasets/{p.stem}.html" for p in (ROOT / "data" / "raw").glob("*.yml")}
    expected |= {f"guides/{p.stem}.html" for p in (ROOT / "docs").glob("*.md")}
    expected |= {
        f"api/{m.removeprefix('mixedmig.')}.html" for m, _ in build_site.API_MODULES
        if (ROOT / "src" / Path(*m.split("."))).is_dir()
        or (ROOT / "src" / Path(*m.split("."))).with_suffix(".py").is_file()
    }
    assert sorted(expected - pages) == []


def test_notebook_pages_show_their_stored_figures(site):
    # every image/png output stored in a notebook (the copy the site was built from) appears
    # as an image on its page
    staged = sorted((site.parent / "src" / "notebooks").glob("*.ipynb"))
    assert [p.name for p in staged] == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    for path in staged:
        nb = json.loads(path.read_text(encoding="utf-8"))
        stored = sum(
            1 for cell in nb["cells"] if cell["cell_type"] == "code"
            for output in cell.get("outputs", []) if "image/png" in output.get("data", {})
        )
        page = (site / "notebooks" / f"{path.stem}.html").read_text(encoding="utf-8")
        shown = sum(1 for tag, url in parse_page(page).assets
                    if tag == "img" and url.startswith("../_images/"))
        assert shown >= stored, f"{path.name}: {stored} stored figures, {shown} shown"


def test_dataset_pages_come_from_the_manifests(site):
    from mixedmig import data

    for name in data.list_datasets()["name"]:
        m = data.manifest(name)
        page = (site / "datasets" / f"{name}.html").read_text(encoding="utf-8")
        assert m.sha256 in page
        for column in m.schema.columns:
            assert f">{column.name}<" in page, f"{name}: column {column.name} missing"


def test_no_page_loads_assets_from_the_network(site):
    found = {}
    for page in site.rglob("*.html"):
        remote = remote_assets(page.read_text(encoding="utf-8", errors="replace"))
        if remote:
            found[page.relative_to(site).as_posix()] = remote
    assert found == {}


# ---------------------------------------------------------------------------------------------
# the browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # the browser may drop a connection it no longer needs (a page left early)
        import sys

        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def base_url(site):
    """The site served on 127.0.0.1 (a free port) by a thread of this process."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def driver():
    """Headless Debian Chromium that can reach nothing but 127.0.0.1."""
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        message = (f"{CHROMIUM} or {CHROMEDRIVER} is missing: install Debian's chromium and "
                   "chromium-driver (apt-get install chromium chromium-driver; .ci/run does)")
        if IN_CI:
            pytest.fail(message + " -- required under CI")
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="mixedmig-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,900", f"--user-data-dir={profile}",
        # the network is blocked: no name resolves but 127.0.0.1, every other request goes
        # to a closed proxy port (loopback bypasses proxies)
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)),
                               options=options)
    try:
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd(
            "Network.setBlockedURLs", {"urls": ["https://*", "ws://*", "wss://*", "ftp://*"]}
        )
        browser.set_page_load_timeout(60)
        browser.set_script_timeout(60)
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


# Waits for the page's images (lazy ones forced to load) and for MathJax's queue, then reports
# the images that did not load.
_SETTLE_SCRIPT = """
const done = arguments[arguments.length - 1];
const images = Array.from(document.images);
images.forEach(img => { img.loading = "eager"; });
const loaded = images.map(img => img.complete ? Promise.resolve() : new Promise(resolve => {
  img.addEventListener("load", resolve); img.addEventListener("error", resolve);
}));
const mathjax = new Promise(resolve => {
  // MathJax.js loads asynchronously: wait (at most 30 s) for its hub, then for its queue
  if (!document.querySelector("script[src*='MathJax.js']")) { resolve(); return; }
  const started = Date.now();
  const poll = () => {
    if (window.MathJax && window.MathJax.Hub && window.MathJax.Hub.Queue) {
      window.MathJax.Hub.Queue(resolve);
    } else if (Date.now() - started > 30000) { resolve(); } else { setTimeout(poll, 50); }
  };
  poll();
});
Promise.all([...loaded, mathjax]).then(() => done({
  broken: images.filter(img => !(img.complete && img.naturalWidth > 0))
                .map(img => img.currentSrc || img.src),
  // links that wrap a docutils "problematic" marker point at a removed error message: the
  // build reports those markup errors (tools/build_site.py), so they are not links to check
  links: Array.from(document.querySelectorAll("a[href]"))
              .filter(a => !a.querySelector(":scope > span.problematic")).map(a => a.href),
  math: document.querySelectorAll(".MathJax_SVG, .MathJax_SVG_Display").length,
  tex: document.querySelectorAll(".math").length,
}));
"""


@pytest.fixture(scope="session")
def visits(site, base_url, driver):
    """Every page opened once: console messages, requests, broken images, links, math."""
    started = time.perf_counter()
    results = {}
    driver.get_log("browser")
    driver.get_log("performance")
    for page in _pages(site):
        url = base_url + page
        driver.get(url)
        settled = driver.execute_async_script(_SETTLE_SCRIPT)
        time.sleep(0.05)  # late console messages of async scripts
        requests, responses, failures = {}, {}, {}
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.requestWillBeSent":
                requests[params["requestId"]] = params["request"]["url"]
            elif message["method"] == "Network.responseReceived":
                responses[params["response"]["url"]] = params["response"]["status"]
            elif message["method"] == "Network.loadingFailed":
                failures[requests.get(params["requestId"], params["requestId"])] = (
                    params.get("blockedReason") or params.get("errorText"))
        results[page] = {
            "url": url,
            "console": driver.get_log("browser"),
            "requests": sorted(set(requests.values())),
            "responses": responses,
            "failures": failures,
            **settled,
        }
    print(f"\n{len(results)} pages opened in Chromium in {time.perf_counter() - started:.1f} s")
    return results


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_every_page_answers_200(visits):
    statuses = {page: v["responses"].get(v["url"]) for page, v in visits.items()}
    assert {page: s for page, s in statuses.items() if s != 200} == {}
    assert len(visits) >= 10


def test_no_javascript_console_errors(visits):
    errors = {
        page: [f"{e['level']}: {e['message']}" for e in v["console"] if e["level"] == "SEVERE"]
        for page, v in visits.items()
    }
    assert {page: e for page, e in errors.items() if e} == {}


def test_every_request_stays_on_127_0_0_1_and_succeeds(visits, base_url):
    local = ("data:", "blob:", "about:", base_url)
    outside = {p: [u for u in v["requests"] if not u.startswith(local)] for p, v in visits.items()}
    assert {p: u for p, u in outside.items() if u} == {}
    failed = {p: v["failures"] for p, v in visits.items() if v["failures"]}
    assert failed == {}
    bad = {p: {u: s for u, s in v["responses"].items() if s >= 400} for p, v in visits.items()}
    assert {p: b for p, b in bad.items() if b} == {}


def test_every_image_loads(visits):
    assert {page: v["broken"] for page, v in visits.items() if v["broken"]} == {}
    assert sum(1 for v in visits.values() for _ in v["requests"] if "/_images/" in _) > 0


def test_math_is_typeset_locally(visits):
    if build_site.find_mathjax() is None:
        message = "no local MathJax (apt-get install libjs-mathjax): formulas show as TeX"
        if IN_CI:
            pytest.fail(message + " -- required under CI (.ci/run installs it)")
        pytest.skip(message)
    with_math = {page: v for page, v in visits.items() if v["tex"]}
    assert with_math, "no page has math: expected the notebooks' formulas"
    untypeset = {page: (v["tex"], v["math"]) for page, v in with_math.items() if not v["math"]}
    assert untypeset == {}


def test_every_internal_link_resolves(visits, base_url):
    targets = sorted({href for v in visits.values() for href in v["links"]
                      if href.startswith(base_url)})
    assert targets
    pages, problems = {}, []
    for href in targets:
        address, _, fragment = href.partition("#")
        if address not in pages:
            status = _status(address)
            text = ""
            if status == 200 and address.endswith((".html", "/")):
                with urllib.request.urlopen(address, timeout=30) as response:
                    text = response.read().decode("utf-8", errors="replace")
            pages[address] = (status, parse_page(text).ids if text else set())
        status, ids = pages[address]
        if status != 200:
            problems.append(f"{href}: HTTP {status}")
        elif fragment and urllib.parse.unquote(fragment) not in ids:
            problems.append(f"{href}: no element with id '{urllib.parse.unquote(fragment)}'")
    assert problems == []


def test_screenshots_of_landing_and_notebook_page(visits, base_url, driver, site):
    folder = site.parent / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    notebook = next(p for p in visits if p.startswith("notebooks/") and p != "notebooks/index.html"
                    and visits[p]["requests"] and any("/_images/" in u
                                                      for u in visits[p]["requests"]))
    shots = []
    driver.get(base_url + "index.html")
    shots.append(folder / "landing.png")
    assert driver.save_screenshot(str(shots[-1]))
    driver.get(base_url + notebook)
    driver.execute_async_script(_SETTLE_SCRIPT)
    driver.execute_script(
        "const img = document.querySelector('div.cell_output img');"
        "if (img) { img.scrollIntoView({block: 'center'}); }"
    )
    shots.append(folder / f"{Path(notebook).stem}.png")
    assert driver.save_screenshot(str(shots[-1]))
    for shot in shots:
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        print(f"screenshot: {shot}")
