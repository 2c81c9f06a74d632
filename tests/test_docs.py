"""The README stays true: its quick start is two commands, its settings table is current."""

from __future__ import annotations

import re

from scripts.readme_settings import README, render, settings_table


def test_quick_start_is_one_block_of_exactly_two_commands():
    text = README.read_text()
    section = text.split("## Quick start", 1)[1]
    block = re.search(r"```[a-z]*\n(.*?)```", section, re.S)
    assert block is not None
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(lines) == 2
    assert "meltano run tap-paycom target-jsonl" in lines[0]
    assert "pytest" in lines[1]


def test_settings_table_matches_about_markdown():
    text = README.read_text()
    assert render(text, settings_table()) == text, "run: python scripts/readme_settings.py"
