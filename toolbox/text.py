"""Text normalisation shared by search and duplicate detection: lowercase, no accents."""

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """'Visioconférence d’Équipe' → 'visioconference d equipe' (French accents, ligatures)."""
    text = (text or "").lower().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped).strip()


def words(text: str) -> list[str]:
    """Distinct normalised words, in order, capped so a pasted essay cannot make a huge query."""
    seen: list[str] = []
    for word in normalise(text).split():
        if word not in seen:
            seen.append(word)
    return seen[:8]
