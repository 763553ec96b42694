"""Add Swedish translations to the catalogue: `python scripts/po_add.py FILE.json`.

FILE.json maps English msgids to Swedish msgstrs. The script refreshes the catalogues from the
sources (makemessages), fills the given entries, clears their fuzzy flags and compiles. Several
people may add at once: the whole step runs under one lock file.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"
IGNORE = ["--ignore", ".venv", "--ignore", "staticfiles", "--ignore", "node_modules"]


def manage(*args: str) -> None:
    env = dict(os.environ, DEBUG="true")
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main(paths: list[str]) -> int:
    wanted: dict[str, str] = {}
    for path in paths:
        wanted.update(json.loads(Path(path).read_text(encoding="utf-8")))
    with open("/tmp/sutohamu-po.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manage("makemessages", "-l", "sv", "-l", "en", "--no-obsolete", *IGNORE)
        po = polib.pofile(str(PO))
        missing = []
        for msgid, msgstr in wanted.items():
            entry = po.find(msgid)
            if entry is None:
                missing.append(msgid)
                continue
            if entry.msgid_plural and isinstance(msgstr, list):
                entry.msgstr_plural = dict(enumerate(msgstr))
            else:
                entry.msgstr = msgstr
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()
        manage("compilemessages", *IGNORE)
    untranslated = [e.msgid for e in po.untranslated_entries()]
    print(
        f"filled {len(wanted) - len(missing)}; not in sources: {len(missing)}; "
        f"untranslated in catalogue: {len(untranslated)}; fuzzy: {len(po.fuzzy_entries())}"
    )
    for msgid in missing:
        print("  not found:", msgid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
