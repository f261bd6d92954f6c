from __future__ import annotations

from beffroi.core.text import fold, search_terms, stem


def test_fold_strips_accents_case_and_punctuation() -> None:
    assert fold("Décès, DIVORCE & ménage !") == "deces divorce menage"


def test_stem_merges_verb_and_noun_forms_of_moving_house() -> None:
    assert stem("demenage") == stem("demenagement") == "demenag"


def test_search_terms_drop_stop_words() -> None:
    assert search_terms("Je voudrais un extrait de naissance") == ["extrait", "naissanc"]
