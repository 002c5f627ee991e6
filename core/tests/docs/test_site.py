"""The documentation site builds strictly (any warning fails), and renders in a real browser.

One strict build (``mkdocs build --strict``, as ``nox -s docs``) serves both tests: the build
test checks its pages exist; the browser test serves it on loopback and drives Debian's headless
Chromium through Playwright (no browser download): home page, an API page, a guide, then the
site search for ``Conv2D`` and its first result, and a generated API entry (``dlx.random.uniform``). Screenshots go to ``build/docs-screenshots/``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import re
import threading
import types
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .site import ROOT, build_site, load_api

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "build" / "docs-screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory, request):
    for module in ("mkdocs", "material", "mkdocstrings_handlers.python"):
        if importlib.util.find_spec(module.split(".")[0]) is None:
            request.getfixturevalue("require_or_skip")(False, f"{module} is not installed "
                                                              "(requirements-dev.txt pins it)")
    site_dir = tmp_path_factory.mktemp("site")
    build_site(site_dir)
    return site_dir


def test_site_builds_strictly(site):
    for page in ("index.html", "api/layers/index.html", "training/index.html", "search/search_index.json"):
        assert (site / page).is_file(), page
    layers = (site / "api/layers/index.html").read_text()
    # classes made by a factory (Conv2D) are documented too: the pages are built by inspection
    assert 'id="dlx.layers.Conv2D"' in layers and "2-D convolution over images" in layers


def test_api_pages_document_every_public_name(site):
    """The generated reference has an entry (its anchor) for every public name of every module
    ``tools/docs_api.py`` lists, on that module's page: nothing is dropped by the renderer."""
    api, missing, total = load_api(), [], 0
    for slug, (_, modules) in api.PAGES.items():
        anchors = set(re.findall(r'id="([^"]+)"', (site / "api" / slug / "index.html").read_text()))
        for modname in modules:
            module = importlib.import_module(modname)
            for name in api.public_names(module):
                if isinstance(getattr(module, name), types.ModuleType):
                    continue
                total += 1
                if f"{modname}.{name}" not in anchors:
                    missing.append(f"api/{slug}: {modname}.{name}")
    assert total > 1300 and not missing, f"{len(missing)} of {total} public names not on their page: {missing}"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(site):
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_site_in_chromium(served, tmp_path, require_or_skip):
    require_or_skip(CHROMIUM.exists(), f"{CHROMIUM} is missing (.ci/run installs Debian's chromium)")
    require_or_skip(importlib.util.find_spec("playwright") is not None,
                    "playwright is not installed (requirements-dev.txt pins it)")
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900})
        try:
            page = browser.new_page()
            page.goto(f"{served}/")
            assert page.locator("h1").first.inner_text().rstrip("¶ \n") == "dlx"
            page.screenshot(path=str(SCREENSHOTS / "home.png"))

            page.goto(f"{served}/api/optimizers/")
            assert page.locator('[id="dlx.optimizers.Adam"]').is_visible()
            page.screenshot(path=str(SCREENSHOTS / "api-optimizers.png"))

            page.goto(f"{served}/api/random/#dlx.random.uniform")  # a generated page: arguments, example
            expect(page.locator('[id="dlx.random.uniform"]')).to_be_in_viewport()
            page.screenshot(path=str(SCREENSHOTS / "api-random-uniform.png"))

            page.goto(f"{served}/training/")
            assert "Training" in page.locator("h1").first.inner_text()
            page.screenshot(path=str(SCREENSHOTS / "guide-training.png"))

            search = page.locator("input.md-search__input")  # in the header at desktop width
            search.click()
            search.press_sequentially("Conv2D")
            first = page.locator(".md-search-result__item a").first
            first.wait_for(state="visible", timeout=15000)
            page.screenshot(path=str(SCREENSHOTS / "search-conv2d.png"))
            first.click()  # the best match's page: the layers reference
            page.wait_for_url("**/api/layers/**")
            heading = page.locator('[id="dlx.layers.Conv2D"]')
            heading.scroll_into_view_if_needed()
            expect(heading).to_be_in_viewport()
            assert "Conv2D" in heading.inner_text().split()  # the name itself, not Conv2DTranspose
            expect(page.get_by_text("2-D convolution over images").first).to_be_in_viewport()
            page.screenshot(path=str(SCREENSHOTS / "conv2d.png"))
        finally:
            browser.close()
