"""Counted nouns for messages a person reads: "1 record", "2 records", "0 records".

Every command reports counts, and "1 records imported" is the first thing a new user sees
after importing a one-entry file. One helper keeps every message agreeing with its number.
"""

from __future__ import annotations


def number_word(n: int) -> str:
    """'two' … 'nine', then digits: how a Methods section counts reviewers."""
    words = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
    return words[n] if n < len(words) else f"{n:,}"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun in the number that agrees with it; `plural` for irregular nouns."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"
