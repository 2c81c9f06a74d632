"""Regenerate README.md's settings table from ``tap-paycom --about --format=markdown``.

Run ``python scripts/readme_settings.py`` after changing a setting; a test fails
while the README and the tap disagree.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- settings:start -->", "<!-- settings:end -->"


def settings_table() -> str:
    """The ``## Settings`` table of the tap's own ``--about`` markdown."""
    about = subprocess.run(
        [sys.executable, "-m", "tap_paycom", "--about", "--format=markdown"],
        capture_output=True, text=True, check=True,
    ).stdout
    lines = about.split("## Settings", 1)[1].splitlines()
    table = [line for line in lines if line.startswith("|")]
    return "\n".join(table)


def render(readme: str, table: str) -> str:
    """The README with the table between the markers replaced."""
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}\n{END}{tail}"


def main() -> int:
    """Rewrite the README in place; exit 1 if it changed (useful in CI)."""
    old = README.read_text()
    new = render(old, settings_table())
    if new != old:
        README.write_text(new)
        print("README.md settings table updated")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
