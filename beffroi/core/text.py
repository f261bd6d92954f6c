"""Text folding for search: accents, case and light French word forms."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")

# Words that carry no meaning in a search for a procedure.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "il",
        "ils",
        "je",
        "j",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "ma",
        "mes",
        "mon",
        "ne",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "me",
        "m",
        "n",
        "s",
        "t",
        "c",
        "est",
        "suis",
        "veux",
        "voudrais",
        "faire",
        "comment",
        "obtenir",
        "demander",
        "besoin",
    ]
)


def fold(text: str) -> str:
    """Lowercase, strip accents and punctuation: "Décès" -> "deces"."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", without_marks.lower()).strip()


def stem(word: str) -> str:
    """A deliberately light French stemmer: plurals and a few verb endings.

    Search matches by prefix, so "demenag" (from "je déménage") still finds
    "déménagement"; aggressive stemming would merge unrelated words.
    """
    for suffix in ("ements", "ement", "ations", "ation", "ees", "ee", "es", "er", "ez", "e"):
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def search_terms(text: str) -> list[str]:
    """The stems a query is made of, without stop words."""
    return [stem(word) for word in fold(text).split() if word not in STOP_WORDS]
