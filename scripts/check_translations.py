"""Fails when the zh-hans catalogue has untranslated or fuzzy entries, or a stale .mo."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "kefu" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main() -> int:
    if not PO.exists():
        print(f"missing {PO}")
        return 1
    text = PO.read_text("utf-8")
    problems = []
    for block in text.split("\n\n")[1:]:
        lines = block.strip().splitlines()
        if any(line.startswith("#, fuzzy") for line in lines):
            problems.append(("fuzzy", block))
        if (
            lines
            and lines[-1] == 'msgstr ""'
            and not any(line.startswith("msgid_plural") for line in lines)
        ):
            problems.append(("untranslated", block))
    mo = PO.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < PO.stat().st_mtime - 1:
        problems.append(("stale .mo", "run: make messages"))
    for kind, block in problems[:20]:
        print(f"{kind}:\n{block}\n")
    if problems:
        print(f"{len(problems)} translation problem(s) in {PO.relative_to(ROOT)}")
        return 1
    print("translations complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
