"""Embedders (a Protocol with a real and a test implementation) and the FAISS index."""

from litsynth.embed.models import Embedder, HashEmbedder, SentenceTransformerEmbedder, get_embedder

__all__ = ["Embedder", "HashEmbedder", "SentenceTransformerEmbedder", "get_embedder"]
