"""The SQLite store: the only place with SQL. One module per stage's tables."""

from litsynth.store.db import connect, opened, transaction

__all__ = ["connect", "opened", "transaction"]
