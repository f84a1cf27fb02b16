"""Coding: the codebook (load/validate), deductive suggestions, learning and evaluation.

Other stages build on `Codebook` and `load_codebook`; they are re-exported here.
"""

from litsynth.coding.codebook.load import load_codebook, parse_codebook_text
from litsynth.coding.codebook.model import (
    RELATION_TYPES,
    Category,
    Code,
    Codebook,
    Relation,
    Theme,
    TreeNode,
    derive_guid,
    dump_codebook_fragment,
)

__all__ = [
    "RELATION_TYPES",
    "Category",
    "Code",
    "Codebook",
    "Relation",
    "Theme",
    "TreeNode",
    "derive_guid",
    "dump_codebook_fragment",
    "load_codebook",
    "parse_codebook_text",
]
