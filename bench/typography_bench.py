"""French typography step benchmark: common.typography.french_html on a large page.

    .venv/bin/python bench/typography_bench.py

A catalogue-like page of about 100 kB and 1 MB (tool cards: links, badges, text with colons,
apostrophes and guillemets, forms), rewritten as the middleware does on every HTML response;
the best of 20 runs is printed, so that other processes on the machine count less. Measured
on a shared, loaded two-core machine: 3.6 ms for 100 kB (a large page of the platform), 0.27 s
for 1 MB.
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common.typography import french_html

CARD = """
      <article class="card tool-card" id="tool-12">
        <h3><a href="/outils/nextcloud/" data-x="a>b">Nextcloud</a></h3>
        <p class="small"><span class="badge">Libre</span> · Stockage et partage de fichiers</p>
        <p>Un espace pour partager les fichiers de l'équipe : agenda, contacts, documents !</p>
        <p class="small">Remplace : « Google Drive », Dropbox</p>
        <p class="small">3 offres d’hébergement · 2 organisations l’utilisent</p>
        <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="abc">
        <button type="submit" class="button">Déclarer</button></form>
      </article>"""


def page(size: int) -> str:
    head = "<!DOCTYPE html><html><head><script src='/x.js'></script></head><body>"
    return head + CARD * (size // len(CARD)) + "</body></html>"


def best_ms(html: str, runs: int = 20) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        french_html(html)
        best = min(best, time.perf_counter() - start)
    return best * 1000


if __name__ == "__main__":
    for size in (100_000, 1_000_000):
        html = page(size)
        print(f"{len(html) / 1000:.0f} kB: {best_ms(html):.1f} ms")
