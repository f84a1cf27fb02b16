"""Machine coding: zero-shot scoring against the codebook (`classify`), learning from the
reviewer's decisions (`learn`, `features`), storing suggestions (`suggest`), and measuring
against a gold standard (`evaluate`)."""
