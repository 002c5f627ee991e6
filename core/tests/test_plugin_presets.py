"""The dlx_presets hook: records from every plugin, duplicates raise, a raising plugin is
skipped with a warning (core only; dlx-hub consumes the records)."""

from __future__ import annotations

import pytest

from dlx.plugins import PresetRecord, hookimpl
from dlx.plugins.manager import plugin_manager, preset_records


class _Publisher:
    def __init__(self, *names, fail=False):
        self.names, self.fail = names, fail

    @hookimpl
    def dlx_presets(self):
        if self.fail:
            raise RuntimeError("cannot list presets")
        return [PresetRecord(name=n, location=f"package://somewhere/{n}", family="bert") for n in self.names]


@pytest.fixture
def register():
    pm, added = plugin_manager(), []

    def add(plugin, name):
        pm.register(plugin, name=name)
        added.append(plugin)

    yield add
    for p in added:
        pm.unregister(p)


def test_records_from_every_plugin_in_registration_order(register):
    register(_Publisher("a_en", "b_en"), "pub-1")
    register(_Publisher("c_en"), "pub-2")
    names = list(preset_records())
    assert [n for n in names if n in ("a_en", "b_en", "c_en")] == ["a_en", "b_en", "c_en"]
    rec = preset_records()["c_en"]
    assert rec.location == "package://somewhere/c_en" and rec.family == "bert" and rec.tasks == ()


def test_duplicate_names_raise(register):
    register(_Publisher("same_en"), "pub-1")
    register(_Publisher("same_en"), "pub-2")
    with pytest.raises(RuntimeError, match="two plugins publish a preset named 'same_en'"):
        preset_records()


def test_a_raising_plugin_is_skipped_with_a_warning(register):
    register(_Publisher(fail=True), "pub-broken")
    register(_Publisher("fine_en"), "pub-fine")
    with pytest.warns(RuntimeWarning, match="pub-broken.*raised in dlx_presets"):
        records = preset_records()
    assert "fine_en" in records
