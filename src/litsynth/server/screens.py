"""The workspace's screens by name, the names a user may type for them, and the page that
answers an address naming none; the content security policy every page is served with."""

from __future__ import annotations

from html import escape

SCREENS = (
    "screen",
    "records",
    "duplicates",
    "reader",
    "search",
    "conflicts",
    "extraction",
    "relations",
    "matrices",
)

# The names the menu's labels suggest, for a screen typed into the address bar.
SCREEN_ALIASES = {
    "screening": "screen", "read": "reader", "code": "reader", "coding": "reader",
    "matrix": "matrices", "prisma": "matrices", "synthesis": "matrices", "search-view": "search",
    "duplicate": "duplicates", "record": "records", "relation": "relations",
}  # fmt: skip


def no_screen_page(name: str) -> str:
    """A page, not a JSON error, for an address typed by hand: what there is instead."""
    links = "".join(f'<li><a href="/screens/{s}">{s}</a></li>' for s in SCREENS)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>litsynth: no such'
        f" screen</title></head><body><h1>No screen “{escape(name)}”</h1><p>The workspace's"
        f" screens:</p><ul>{links}</ul></body></html>"
    )


# Scripts and styles come from this server only; nothing is fetched from anywhere else.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
