"""The French catalogue of the platform's plural messages: locale/fr/LC_MESSAGES/django.po/.mo.

Without a catalogue, Django chooses a message's plural form by the English rule (n != 1), and
the pages read « 0 organisations l’utilisent »; a message found in a catalogue follows that
catalogue's Plural-Forms, French's (n > 1): « 0 organisation l’utilise ». The platform is
written in French, so each plural message is its own translation. This script extracts every
plural message of the code and the templates (Django's makemessages, which needs GNU gettext),
writes them with their French forms and compiles the catalogue (both files are committed: no
build step). Singular messages need no entry: without one, Django shows the message itself.

    DEBUG=1 .venv/bin/python scripts/french_plurals.py           # after adding a plural message
    DEBUG=1 .venv/bin/python scripts/french_plurals.py --check   # exit 1 if the catalogue is stale

tests/test_typography.py runs the check.
"""

import difflib
import gettext
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
# Top-level folders that are not the platform's messages.
NOT_SCANNED = {"tests", "bench", "scripts", "data", "staticfiles", "artifacts", "locale"}
# Helpers that take a message's two forms and call ngettext themselves (config.home's
# queue(singular, plural, count, url)): xgettext is told to read their arguments as messages.
PLURAL_HELPERS = ["queue:1,2"]
MAKEMESSAGES = f"""
import django
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from django.core.management import call_command
from django.core.management.commands.makemessages import Command

class Makemessages(Command):
    xgettext_options = Command.xgettext_options + {[f"--keyword={k}" for k in PLURAL_HELPERS]!r}

call_command(Makemessages(), locale=["fr"], no_location=True, symlinks=True, verbosity=0)
"""
HEADER = """\
# The platform's plural messages with French's plural rule (n > 1): 0 and 1 take the singular.
# Written by scripts/french_plurals.py: run it again after adding a plural message.
msgid ""
msgstr ""
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"""


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    return '"' + escaped.replace("\n", "\\n") + '"'


def plural_messages() -> dict[tuple[str, str], tuple[str, str]]:
    """(context, singular) → (singular, plural) for every plural message of the platform."""
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder)
        # makemessages writes where the files it reads have a `locale` folder: a tree of links
        # to the platform's folders, with a `locale` of its own, keeps the real catalogue out
        # of its reach.
        for entry in ROOT.iterdir():
            if entry.is_dir() and entry.name not in NOT_SCANNED and not entry.name.startswith("."):
                (tree / entry.name).symlink_to(entry)
        (tree / "locale").mkdir()
        subprocess.run(
            [sys.executable, "-c", MAKEMESSAGES],
            cwd=tree,
            env={**os.environ, "DEBUG": "1", "PYTHONPATH": str(ROOT)},
            check=True,
        )
        extracted = tree / "locale" / "fr" / "LC_MESSAGES" / "django.po"
        # msgen gives every message itself as translation, msgfmt compiles it, and the
        # compiled catalogue reads back with the standard library: no .po parser needed.
        subprocess.run(["msgen", "-o", str(tree / "all.po"), str(extracted)], check=True)
        subprocess.run(["msgfmt", "-o", str(tree / "all.mo"), str(tree / "all.po")], check=True)
        with open(tree / "all.mo", "rb") as compiled:
            catalog = gettext.GNUTranslations(compiled)._catalog
    messages = {}
    for key, text in catalog.items():
        if isinstance(key, tuple) and key[1] == 0:
            context, _, singular = key[0].rpartition("\x04")
            messages[context, singular] = (text, catalog[key[0], 1])
    return messages


def catalogue_text(messages: dict[tuple[str, str], tuple[str, str]]) -> str:
    entries = [HEADER]
    for (context, _singular), (singular, plural) in sorted(messages.items()):
        lines = [f"msgctxt {_quote(context)}"] if context else []
        lines += [
            f"msgid {_quote(singular)}",
            f"msgid_plural {_quote(plural)}",
            f"msgstr[0] {_quote(singular)}",
            f"msgstr[1] {_quote(plural)}",
        ]
        entries.append("\n".join(lines) + "\n")
    return "\n".join(entries)


def main(argv: list[str]) -> int:
    wanted = catalogue_text(plural_messages())
    current = CATALOGUE.read_text(encoding="utf-8") if CATALOGUE.exists() else ""
    if "--check" in argv:
        with tempfile.TemporaryDirectory() as folder:
            compiled = Path(folder) / "django.mo"
            subprocess.run(["msgfmt", "-o", str(compiled), str(CATALOGUE)], check=True)
            stale_mo = compiled.read_bytes() != CATALOGUE.with_suffix(".mo").read_bytes()
        if wanted != current or stale_mo:
            difference = difflib.unified_diff(
                current.splitlines(), wanted.splitlines(), "committed", "code", lineterm="", n=0
            )
            print(
                f"{CATALOGUE.relative_to(ROOT)} is not up to date with the plural messages of "
                "the code: run `DEBUG=1 .venv/bin/python scripts/french_plurals.py`.\n"
                + "\n".join(list(difference)[:40]),
                file=sys.stderr,
            )
            return 1
        return 0
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    CATALOGUE.write_text(wanted, encoding="utf-8")
    subprocess.run(["msgfmt", "-o", str(CATALOGUE.with_suffix(".mo")), str(CATALOGUE)], check=True)
    print(f"{CATALOGUE.relative_to(ROOT)}: {len(wanted.split('msgid_plural')) - 1} messages.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
