"""Grounded-theory analysis over the codings: open (`discover`, with `keyphrases`), axial
(`relate`) and selective (`themes`) coding."""
