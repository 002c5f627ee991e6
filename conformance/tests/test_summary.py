"""Numbers the docs quote come from the reports."""

from pathlib import Path

from dlx_conformance import summary

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_parity_doc_table_is_generated_from_the_reports():
    text = (DOCS / "parity.md").read_text()
    assert summary.render(DOCS / "conformance", text) == text, \
        "run: python -m dlx_conformance.summary docs/conformance docs/parity.md"


def test_table_reads_every_backend_report():
    rows = summary.table(DOCS / "conformance").splitlines()[2:]
    assert [r.split("|")[1].strip() for r in rows][:5] == ["numpy", "jax", "torch", "tf", "openvino"]
