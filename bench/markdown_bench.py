"""Markdown rendering benchmark: hostile inputs at each Markdown field's maximum length.

    DEBUG=1 .venv/bin/python bench/markdown_bench.py

For every field rendered as Markdown, each input below is cut to the field's max_length and
rendered (parse and sanitise, as the pages do); the worst case per field is printed, as CPU
time (best of 5 runs, so that other processes on the machine do not count). Target (issue):
≤ 50 ms per field. tests/test_markdown_limits.py renders the same inputs with a looser bound.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (model label, field name): every text rendered with common.text.render_markdown.
MARKDOWN_FIELDS = [
    ("toolbox.Tool", "description"),
    ("ambassadors.Event", "description"),
    ("ambassadors.Ambassador", "bio"),
    ("ambassadors.Resource", "body"),
]


def _levels(n: int) -> int:
    """How many steps of a staircase (1 + 2 + … characters) fill n characters."""
    return int((2 * n) ** 0.5) + 2


def _nested_lists(n: int) -> str:
    return "".join(" " * (2 * i) + "- a\n" for i in range(_levels(n)))


def _wide_table(n: int) -> str:
    columns = 200
    header = "| a " * columns + "|\n" + "|-" * columns + "|\n"
    return header + ("| b " * columns + "|\n") * (n // (4 * columns) + 1)


# Each builds a text of at least n characters; callers cut it to n.
ADVERSARIAL = {
    "open brackets": lambda n: "[" * n,
    "open image brackets": lambda n: "![" * n,
    "bracket-emphasis": lambda n: "[*" * n,
    "close-open link": lambda n: "](" * n,
    "unclosed link chain": lambda n: "[a](" * n,
    "link chain": lambda n: "[a](https://exemple.org) " * n,
    "reference links": lambda n: "[a][b]" * n,
    "reference definitions": lambda n: "[a]: https://exemple.org\n" * n,
    "nested parentheses": lambda n: "[a](" + "(" * n,
    "stars": lambda n: "*" * n,
    "underscores": lambda n: "_" * n,
    "star-letter": lambda n: "*a" * n,
    "underscore-letter": lambda n: "_a " * n,
    "mixed emphasis": lambda n: "*_" * n,
    "emphasis pairs": lambda n: "*a **b** _c_ " * n,
    "strong-em runs": lambda n: "**a*" * n,
    "backticks": lambda n: "`" * n,
    "backtick-letter": lambda n: "`a" * n,
    "growing code spans": lambda n: "".join("`" * i + "a" for i in range(1, _levels(n))),
    "less-than": lambda n: "<" * n,
    "open tags": lambda n: "<a " * n,
    "closing tags": lambda n: "</a" * n,
    "comments": lambda n: "<!--" * n,
    "processing instructions": lambda n: "<?" * n,
    "cdata": lambda n: "<![CDATA[" * n,
    "autolinks": lambda n: "<http://" * n,
    "greater-than (quotes)": lambda n: ">" * n,
    "nested quotes": lambda n: "> " * n,
    "nested bullets": lambda n: "- " * n,
    "nested numbered": lambda n: "1. " * n,
    "indented lists": lambda n: _nested_lists(n),
    "pipes": lambda n: "|" * n,
    "wide table": lambda n: _wide_table(n),
    "table rows": lambda n: "|a|b|\n|-|-|\n" + "|x|y|\n" * n,
    "backslashes": lambda n: "\\" * n,
    "entities": lambda n: "&#" * n,
    "hashes": lambda n: "#" * n,
    "short lines": lambda n: "a\n" * n,
    "hard breaks": lambda n: "a  \n" * n,
    "mixed punctuation": lambda n: "*[`<_>!\\|(]" * n,
}


def adversarial_inputs(n: int) -> dict[str, str]:
    return {name: build(n)[:n] for name, build in ADVERSARIAL.items()}


def cpu_ms(call, text: str, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.process_time()
        call(text)
        best = min(best, time.process_time() - started)
    return best * 1000


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.apps import apps

    from common.text import render_markdown

    print(f"{'field':32} {'max':>7} {'worst input':26} {'CPU ms':>7}")
    for label, name in MARKDOWN_FIELDS:
        limit = apps.get_model(label)._meta.get_field(name).max_length
        worst = max(
            (cpu_ms(render_markdown, text), input_name)
            for input_name, text in adversarial_inputs(limit).items()
        )
        status = "ok" if worst[0] <= 50 else "OVER 50 ms"
        print(f"{label + '.' + name:32} {limit:>7} {worst[1]:26} {worst[0]:>7.1f}  {status}")


if __name__ == "__main__":
    main()
