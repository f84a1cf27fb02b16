"""Which software made a result: the library versions every run records (one list for all).

A suggestion, a dedupe or a report is only reproducible if the run says which releases of the
libraries that shape its numbers were installed. Every stage records this same list, so two
runs can be compared package by package.
"""

from __future__ import annotations

import sys
from importlib import metadata

VERSIONED = (
    "litsynth", "sentence-transformers", "torch", "faiss-cpu", "pypdf", "spacy",
    "scikit-learn", "bibtexparser", "rispy", "bib-dedupe", "pandas",
)  # fmt: skip


def library_versions() -> dict[str, str]:
    """{package: version} for Python and VERSIONED ("not installed" for an absent one)."""
    out = {"python": sys.version.split()[0]}
    for name in VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out
