"""The build's generated content, without a site build: the guides' figures (``tools/docs_figures.py``:
which code draws which picture, and a failure when it draws none) and the benchmarks page
(``tools/docs_bench.py``: a section per ``bench/results/*.json``, with its command). The built
site's pictures and tables are checked by ``test_site.py``."""

from __future__ import annotations

import json
import shutil

import pytest

from .site import DOCS, ROOT, load_tool

figures = load_tool("docs_figures")
bench = load_tool("docs_bench")

PAGE = """# Title

<!-- docs-test: setup
import dlx
-->
```python
a = 1
```

## Drawn

Text with `![not an image](figures/other/x.svg)` as code.

```python
import dlx
from dlx import layers

model = dlx.Sequential([dlx.Input((3,)), layers.Dense(2, name="head")])
dlx.utils.plot_model(model, "m.svg", show_shapes=True)
```

![a model](figures/page/m.svg){ width="200" }

```python
not_run = 1
```
"""


def test_a_figure_is_drawn_by_the_code_of_its_section():
    (job,) = figures.figure_jobs("page.md", PAGE)
    assert job["files"] == ["figures/page/m.svg"] and job["line"] == 10
    # the code from the section's heading down to the image: not the page's first block, not the last
    assert [line for line, _ in job["chunks"]] == [15]
    assert job["env"]["DLX_BACKEND"] == "numpy"
    assert figures.figure_jobs("page.md", "# no figures\n![x](img.png)\n") == []


def test_a_figure_outside_the_pages_folder_is_an_error():
    with pytest.raises(figures.FigureError, match=r"page.md:2: .*figures/other/x.svg.*figures/page/"):
        figures.figure_jobs("page.md", "# t\n![x](figures/other/x.svg)\n")


def test_the_figure_is_the_file_the_code_writes(require_or_skip):
    require_or_skip(shutil.which("dot") is not None, "Graphviz's dot is not installed (.ci/run installs it)")
    drawn = figures.page_figures("page.md", PAGE)
    svg = drawn["figures/page/m.svg"].decode()
    assert svg.lstrip().startswith("<?xml") and "graphviz" in svg and "Dense" in svg and "(None, 2)" in svg


def test_a_section_that_writes_no_figure_fails_with_its_output():
    page = "# t\n\n```python\nprint('ran, wrote nothing')\n```\n\n![x](figures/page/missing.svg)\n"
    with pytest.raises(figures.FigureError, match=r"page.md:1: .*wrote no 'missing.svg'"):
        figures.page_figures("page.md", page)
    failing = "# t\n\n```python\nraise ValueError('boom')\n```\n\n![x](figures/page/x.svg)\n"
    with pytest.raises(figures.FigureError, match=r"(?s)failed \(exit 1\).*docs/page.md.*line 4.*boom"):
        figures.page_figures("page.md", failing)


@pytest.mark.parametrize(("page", "files"), [
    ("layers.md", ["figures/layers/two_inputs.png", "figures/layers/sequential.png"]),
    ("training.md", ["figures/training/history.svg"]),
])
def test_the_guides_have_their_figures(page, files):
    """The model guide shows a Sequential and a multi-input Functional diagram, the training guide
    a fit's curves: each drawn by a section whose code writes it."""
    jobs = figures.figure_jobs(page, (DOCS / page).read_text())
    assert [f for job in jobs for f in job["files"]] == files
    for job in jobs:
        code = "".join(src for _, src in job["chunks"])
        for f in job["files"]:
            assert f'"{f.rsplit("/", 1)[1]}"' in code, f"{page}: no code of the section names {f}"


def test_benchmarks_page_has_a_section_per_result():
    text = bench.page_markdown()
    results = sorted((ROOT / "bench" / "results").glob("*.json"))
    assert len(results) >= 5
    sections = text.split("\n## ")[1:]
    assert [s.split("\n", 1)[0] for s in sections] == [f"`{p.name}`" for p in results]
    for s, p in zip(sections, results):
        assert "```bash\npython bench/" in s and "\n| " in s, f"{p.name}: no command or no table:\n{s[:800]}"
        if "date" in json.loads(p.read_text()).get("meta", {}):
            assert "Machine and date: run " in s
    by_name = dict(zip((p.name for p in results), sections))
    if "fit_predict.json" in by_name:  # a script with its own renderer renders its section
        assert "As `bench/fit_predict.py` renders it:" in by_name["fit_predict.json"]


def test_benchmark_tables_come_from_the_json(tmp_path, monkeypatch):
    results = tmp_path / "results"
    results.mkdir()
    (results / "tuner_memory_probe.json").write_text(json.dumps(
        {"backend": "torch", "trials": 3, "rss_mb": [100.0, 120.5, 130.25, 131.0], "growth_mb": 31.0}))
    text = bench.page_markdown(results)
    assert "python bench/tuner_memory.py --backend torch --trials 3" in text
    assert "| torch | 3 | 4 values: first 100, max 131, last 131 | 31 |" in text
    (results / "nobody_wrote_this.json").write_text("{}")
    with pytest.raises(ValueError, match=r"nobody_wrote_this\.json: no bench/<script>\.py"):
        bench.page_markdown(results)
    with pytest.raises(ValueError, match="no benchmark results"):
        bench.page_markdown(tmp_path / "empty")


def test_search_boosts_order_equal_title_matches():
    """Material scores every title holding the query's term alike; the boosts the build writes
    into the search index put dlx's own reference above the plugins' and the guides', and the
    exact name above longer names that contain it."""
    hooks = load_tool("docs_hooks")
    separator = r'[\s\-_,:!=\[\]()"`/]+|\.(?!\d)|&[lg]t;|(?!\b)(?=[A-Z][a-z])'
    core = {"layers"}

    def boost(location, title):
        return hooks.search_boost(location, title, separator, core)

    conv = boost("api/layers/#dlx.layers.Conv2D", "Conv2D")
    assert conv > boost("api/layers/#dlx.layers.Conv2DTranspose", "Conv2DTranspose")
    assert conv > boost("api/layers/#dlx.layers.DepthwiseConv2D", "<code>DepthwiseConv2D</code>")
    assert boost("api/layers/#dlx.layers.SeparableConv2D", "SeparableConv2D") > boost(
        "api/applications/#dlx_hub.applications.inception_v3.conv2d_bn", "conv2d_bn")
    assert boost("api/layers/#dlx.layers.Dense", "Dense") > boost("layers/#drawing-a-model", "Dense")


def test_bases_are_shown_by_public_names():
    pytest.importorskip("griffe")
    import dlx.layers
    import dlx.saving

    griffe_ext = load_tool("docs_griffe")
    assert griffe_ext.public_bases(dlx.layers.Conv2D) == ["dlx.layers.Layer"]  # not dlx.layers.conv.BaseConv
    assert griffe_ext.public_bases(dlx.layers.LSTM) == ["dlx.layers.RNN"]  # not a private _BuiltinRNN
    assert griffe_ext.public_bases(dlx.layers.Dense) == ["dlx.layers.Layer"]  # an internal mixin adds nothing
    assert griffe_ext.public_bases(dlx.saving.FileFormatError) == ["ValueError"]
