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


def and_list(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c": a list in a sentence (the Methods' and Results' prose);
    empty parts left out."""
    parts = [p for p in parts if p]
    if len(parts) <= 2:
        return " and ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
