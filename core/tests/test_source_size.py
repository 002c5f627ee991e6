"""No hand-written source file of the distributions grows past 800 lines (generated ones are
exempt: they say so in their first line)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 800


def test_no_source_file_over_800_lines():
    src_dirs = [ROOT / "core" / "src", ROOT / "conformance" / "src", *sorted((ROOT / "plugins").glob("*/src"))]
    too_long = []
    for folder in src_dirs:
        for path in folder.rglob("*.py"):
            text = path.read_text()
            if "(generated: do not edit)" in text.split("\n", 1)[0]:
                continue
            n = text.count("\n")
            if n > LIMIT:
                too_long.append(f"{path.relative_to(ROOT)}: {n} lines")
    assert not too_long, "split these modules:\n" + "\n".join(too_long)
