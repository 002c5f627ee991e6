"""The documentation site builds strictly (any warning fails), and renders in a real browser.

One strict build (``mkdocs build --strict``, as ``nox -s docs``) serves both tests: the build
test checks its pages exist; the browser test serves it on loopback and drives Debian's headless
Chromium through Playwright (no browser download): home page, an API page, a guide, then the
site search for ``Conv2D`` (its first result must be the ``dlx.layers.Conv2D`` entry), a generated
API entry (``dlx.random.uniform``), the guides' generated figures and the benchmarks page.
Screenshots go to ``build/docs-screenshots/``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import re
import struct
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


def test_api_pages_show_public_bases(site):
    """A class's bases are public names, linked to their entries: Conv2D's internal
    ``dlx.layers.conv.BaseConv`` shows as the public ``dlx.layers.Layer`` it derives from; no
    page names an internal base."""
    layers = (site / "api/layers/index.html").read_text()
    conv = layers[layers.index('id="dlx.layers.Conv2D"'):]
    bases = re.search(r'class="doc doc-class-bases">(.*?)</p>', conv, re.S)[1]
    assert 'href="#dlx.layers.Layer">Layer</a>' in bases and "BaseConv" not in bases, bases
    api = load_api()
    public = {f"{m}.{n}" for m in api.MODULES for n in api.public_names(importlib.import_module(m))}
    links, wrong = 0, []
    for page in (site / "api").glob("*/index.html"):
        for bases in re.findall(r'class="doc doc-class-bases">(.*?)</p>', page.read_text(), re.S):
            for base in re.findall(r"<code>(.*?)</code>", bases, re.S):
                link = re.fullmatch(r'<a [^>]*href="[^"#]*#([^"]+)"[^>]*>[^<]+</a>', base)
                name = link[1] if link else base
                links += link is not None
                if name.split(".")[0] in ("dlx", "dlx_hub", "dlx_tuner", "dlx_conformance") and name not in public:
                    wrong.append(f"api/{page.parent.name}: {base}")
                elif link is None and "<" in base:
                    wrong.append(f"api/{page.parent.name}: unexpected markup {base}")
    assert links > 300 and not wrong, f"{len(wrong)} bases are not public names: {wrong[:20]}"


def _entry_text(page: str, anchor: str) -> str:
    """The text of one entry of an API page: from its heading to the next heading."""
    start = page.index(f'id="{anchor}"')
    end = page.find('class="doc doc-heading"', page.index(">", start))
    return " ".join(re.sub(r"<[^>]+>", " ", page[start:end if end > 0 else None]).split())


def test_api_pages_show_inherited_method_docstrings(site):
    """A method that overrides a documented one without a docstring of its own shows the text it
    inherits (``inspect.getdoc``), not an empty entry: ``Dense.call`` reads ``Layer.call``'s."""
    import inspect

    import dlx

    layers = (site / "api/layers/index.html").read_text()
    optimizers = (site / "api/optimizers/index.html").read_text()
    for page, anchor, cls, name in ((layers, "dlx.layers.Dense.call", dlx.layers.Dense, "call"),
                                    (layers, "dlx.layers.Dense.get_config", dlx.layers.Dense, "get_config"),
                                    (optimizers, "dlx.optimizers.Adam.get_config", dlx.optimizers.Adam, "get_config")):
        assert not (vars(cls)[name].__doc__ or "").strip(), f"{anchor} has a docstring of its own now"
        first = inspect.getdoc(getattr(cls, name)).split("\n\n")[0]
        expected = " ".join(re.sub(r"``|:\w+:`([^`]*)`", r"\1", first).split())[:40]
        assert expected in _entry_text(page, anchor), (anchor, expected, _entry_text(page, anchor)[:300])


def _curves(svg: str) -> list[list[tuple[float, float]]]:
    """The polylines of a matplotlib SVG with more than 3 points (the plotted series, not ticks)."""
    lines = []
    for d in re.findall(r'<g id="line2d_\d+">\s*<path d="([^"]*)"', svg):
        points = [(float(x), float(y)) for x, y in re.findall(r"[ML] ([-\d.]+) ([-\d.]+)", d)]
        if len(points) > 3:
            lines.append(points)
    return lines


def test_guides_show_their_generated_figures(site):
    """The model guide shows Graphviz drawings of its Sequential and two-input models, the
    training guide the loss and accuracy curves of a real fit, all drawn by the build."""
    layers = (site / "layers/index.html").read_text()
    sizes = {}
    for name in ("sequential", "two_inputs"):
        assert f'src="../figures/layers/{name}.png"' in layers, name
        png = (site / f"figures/layers/{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR", name
        sizes[name] = struct.unpack(">II", png[16:24])  # width, height
    # the Sequential CNN is a chain of 8 boxes, top to bottom; the two-input model spreads sideways
    (w, h), (w2, h2) = sizes["sequential"], sizes["two_inputs"]
    assert h > 2.5 * w and w2 > h2 and w2 > 2 * w, sizes

    assert 'src="../figures/training/history.svg"' in (site / "training/index.html").read_text()
    curves = _curves((site / "figures/training/history.svg").read_text())
    # training and validation loss, then accuracy: 20 epochs each
    assert len(curves) == 4 and all(len(c) == 20 for c in curves), [len(c) for c in curves]
    for loss in curves[:2]:  # SVG y grows downwards: a falling loss ends lower on the page
        assert loss[-1][1] > loss[0][1]
    for accuracy in curves[2:]:
        assert accuracy[-1][1] < accuracy[0][1]


def test_benchmarks_page_is_generated_from_the_results(site):
    page = (site / "benchmarks/index.html").read_text()
    results = sorted((ROOT / "bench/results").glob("*.json"))
    assert results
    for path in results:
        assert f"<code>{path.name}</code>" in page, path.name
    text = re.sub(r"<[^>]+>", "", page)  # the commands are highlighted: one span per word
    assert text.count("python bench/") >= len(results) and page.count("<table>") >= len(results)


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
            curves = page.locator('img[src$="figures/training/history.svg"]')
            curves.scroll_into_view_if_needed()
            assert curves.evaluate("img => img.complete && img.naturalWidth") > 0  # the browser drew it
            page.screenshot(path=str(SCREENSHOTS / "guide-training-curves.png"))

            page.goto(f"{served}/layers/")
            for name in ("two_inputs", "sequential"):
                diagram = page.locator(f'img[src$="figures/layers/{name}.png"]')
                diagram.scroll_into_view_if_needed()
                assert diagram.evaluate("img => img.complete && img.naturalWidth") > 0, name
                page.screenshot(path=str(SCREENSHOTS / f"guide-layers-{name}.png"))

            page.goto(f"{served}/benchmarks/")
            expect(page.locator("table").first).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "benchmarks.png"))

            search = page.locator("input.md-search__input")  # in the header at desktop width
            search.click()
            search.press_sequentially("Conv2D")
            first = page.locator(".md-search-result__item a").first
            first.wait_for(state="visible", timeout=15000)
            page.wait_for_timeout(300)  # results render as the query is typed: let the last one land
            page.screenshot(path=str(SCREENSHOTS / "search-conv2d.png"))
            # the best page is the layers reference, and its best entry Conv2D itself (not
            # Conv2DTranspose, DepthwiseConv2D or the applications' conv2d_bn)
            links = [a.get_attribute("href") for a in page.locator(".md-search-result__item a").all()]
            assert "/api/layers/" in links[0], links[:4]
            assert next(h for h in links if "#" in h).endswith("#dlx.layers.Conv2D"), links[:4]
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
