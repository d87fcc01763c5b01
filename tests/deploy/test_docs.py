"""The README's production section documents every setting there is."""

from __future__ import annotations

from config.settings import PROJECT_ROOT, Settings


def test_every_setting_is_documented_in_the_production_section():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "\n## Production\n" in readme
    section = readme.split("\n## Production\n", 1)[1].split("\n## ", 1)[0]
    undocumented = [f"ESCALATION_{name.upper()}" for name in Settings.model_fields
                    if f"`ESCALATION_{name.upper()}`" not in section]
    assert not undocumented, f"add these to the settings table in README.md, section Production: {undocumented}"
