"""spaCy imported without torch (litsynth.nlp): refused to spaCy's thinc only, only then."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("spacy", reason="spaCy is not installed")

REFUSED = """
import sys, threading
from litsynth.nlp import import_spacy
seen = {}
def other():  # a thread importing torch while spaCy is imported is not refused
    import torch
    seen["torch"] = torch.__name__
t = threading.Thread(target=other)
t.start()
spacy = import_spacy()
t.join()
print(seen.get("torch"), import_spacy() is spacy)
"""

ALREADY = """
import torch
from litsynth.nlp import import_spacy
import_spacy()
import thinc.compat
print(thinc.compat.has_torch)
"""

ALONE = """
import sys
from litsynth.nlp import SPACY_MODEL, import_spacy
nlp = import_spacy().load(SPACY_MODEL, exclude=["parser", "ner"])
print([t.lemma_ for t in nlp("Suppliers shared forecasts.")], "torch" in sys.modules)
"""


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True
    )
    return done.stdout.strip()


def test_spacy_loads_and_lemmatises_without_torch() -> None:
    assert _run(ALONE) == "['supplier', 'share', 'forecast', '.'] False"


def test_torch_is_refused_to_the_importing_thread_only() -> None:
    pytest.importorskip("torch", reason="torch is not installed")
    assert _run(REFUSED).split() == ["torch", "True"]  # thinc may then see it: either is right


def test_torch_imported_before_is_left_to_thinc() -> None:
    pytest.importorskip("torch", reason="torch is not installed")
    assert _run(ALREADY) == "True"
