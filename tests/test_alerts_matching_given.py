"""The given-name lexicon the matcher loads is the one its names data and rules derive."""

from __future__ import annotations

from alerts.matching.given import Lexicon, lexicon, names_rows, skeletons_text


def test_the_shipped_skeletons_are_derived_from_the_shipped_names() -> None:
    derived = Lexicon.from_names(names_rows())
    loaded = lexicon()
    # On failure: python bench/make_given_skeletons.py
    assert skeletons_text(loaded) == skeletons_text(derived)
    assert loaded.stems == derived.stems and loaded.skeletons == derived.skeletons
