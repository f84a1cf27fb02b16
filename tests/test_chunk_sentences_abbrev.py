"""A sentence does not start after an abbreviation's full stop ("Fig. 1", "et al. [31]")."""

from __future__ import annotations

from litsynth.ingest.chunk import _after_abbreviation, mend_starts


def test_a_start_after_an_abbreviation_is_not_a_sentence() -> None:
    text = (
        "Authors' addresses: Tal August. Fig. 1. Paper Plain helps readers."
        " Kim et al. [31] develop a graph."
    )
    starts = [0, text.index("Fig."), text.index("1. Paper"), text.index("Kim"), text.index("[31]")]
    assert mend_starts(text, starts) == [0, text.index("Fig."), text.index("Kim")]


def test_a_capital_after_et_al_still_starts_a_sentence() -> None:
    text = "This was shown by Smith et al. The results follow, e.g. a table. Then p. 4 says so."
    assert not _after_abbreviation(text, text.index("The results"))
    assert _after_abbreviation(text, text.index("a table"))
    assert _after_abbreviation(text, text.index("4 says"))
    assert not _after_abbreviation(text, text.index("Then"))
