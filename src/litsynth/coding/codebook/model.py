"""The codebook: themes → categories → codes, typed relations, loaded from YAML and pattern cards.

A codebook is the reviewer's template (seed 001 coded 37 cases "with a predetermined template"):
every code says what it means, when to use it and when not, with example quotes and keywords.
The classifier reads exactly these fields, so a better-written codebook gives better
suggestions — and the version hash of the normalised content is stored on every suggestion, so
a suggestion always says which wording of the codebook produced it.

Files: a folder of `*.yaml` / `*.yml` codebook files and `*.md` pattern cards (see
`litsynth.coding.codebook.cards`), merged into one `Codebook`, or a single such file. Every
validation error names the file, the line and the key, and offers a close match for a misspelt id
("unknown parent 'platfrom' for code 'x' in codebook/x.yaml line 12; did you mean 'platform'?").

GUIDs: REFI-QDA (NVivo, ATLAS.ti) identifies codes by GUID, so each code, category and theme
has one that never changes: written in the YAML as `guid:`, or derived deterministically as
uuid5(LITSYNTH_NAMESPACE, "code:<id>") — the same id gives the same GUID on every machine.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from typing import Any

import yaml

# Fixed namespace for derived GUIDs: changing it would change every exported GUID.
LITSYNTH_NAMESPACE = uuid.UUID("6f1c7a52-3b1e-5c8e-9a57-2f4b7c1d0e61")

# Typed relations between codes, categories and themes. "associated-with" is the catch-all an
# axial-coding draft starts from; the others carry direction (source enables target, ...).
RELATION_TYPES = (
    "enables",
    "requires",
    "alternative-to",
    "part-of",
    "associated-with",
    "complementary-to",
    "specialization-of",
    "causes",
    "contradicts",
)
SYMMETRIC_RELATIONS = frozenset(
    {"alternative-to", "associated-with", "complementary-to", "contradicts"}
)

# Ids may hold spaces and punctuation ("Compare or contrast", "P/I/C/O"), quoted in YAML; not
# ';' (it separates codes in sheets), control characters, or spaces at either end.
ID_PATTERN = re.compile(r"^[^\s;\x00-\x1f\x7f](?:[^;\x00-\x1f\x7f]*[^\s;\x00-\x1f\x7f])?$")


def label_from_id(ident: str) -> str:
    """A readable label for an id without one, keeping its word boundaries:
    "CompareOrContrast" -> "Compare or contrast", "platform-coordination" -> "Platform
    coordination", "SME_orchestration" -> "SME orchestration" (acronyms stay as they are)."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", ident.replace("-", " ").replace("_", " "))
    words = spaced.split()
    if not words:
        return ident
    out = [w if w.isupper() and len(w) > 1 else w.lower() for w in words]
    out[0] = out[0][:1].upper() + out[0][1:]
    return " ".join(out)


GUID_PATTERN = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


def derive_guid(kind: str, ident: str) -> str:
    """The GUID of an element without one in its file: uuid5 of the fixed namespace + kind + id."""
    return str(uuid.uuid5(LITSYNTH_NAMESPACE, f"{kind}:{ident}"))


@dataclass(frozen=True)
class Theme:
    """The selective level: a storyline several categories serve (seed 000's three mechanisms)."""

    id: str
    guid: str = ""
    label: str = ""
    definition: str = ""
    core: bool = False  # the core category of selective coding
    color: str = ""
    source_file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        _fill_defaults(self, "theme")


@dataclass(frozen=True)
class Category:
    """The axial level: groups codes; may sit under another category and serve a theme."""

    id: str
    guid: str = ""
    label: str = ""
    definition: str = ""
    theme: str | None = None
    parent: str | None = None  # another category
    color: str = ""
    source_file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        _fill_defaults(self, "category")


@dataclass(frozen=True)
class Code:
    """One code: what it means, when to use it and when not, with quotes and keywords.

    `theme` is resolved on load: a code without its own theme inherits its category's.
    `description` holds extra text, e.g. a pattern card's Markdown sections.
    """

    id: str
    guid: str = ""
    label: str = ""
    definition: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    parent: str | None = None  # a category id
    theme: str | None = None
    color: str = ""
    description: str = ""
    source_file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    def __post_init__(self) -> None:
        _fill_defaults(self, "code")


@dataclass(frozen=True)
class Relation:
    """A typed, optionally weighted link between two codebook elements (axial coding)."""

    source: str
    target: str
    type: str = "associated-with"
    weight: float | None = None
    note: str = ""  # evidence or reasoning, e.g. the passages that support it
    source_file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)

    @property
    def key(self) -> tuple[str, str, str]:
        """What two statements of this relation share (`relation_key`)."""
        return relation_key(self.source, self.target, self.type)


def relation_key(source: str, target: str, type: str) -> tuple[str, str, str]:
    """One relation however often it is stated: its ends and type, the ends in either order
    for a symmetric type ("A associated-with B" is "B associated-with A")."""
    if type in SYMMETRIC_RELATIONS:
        source, target = sorted((source, target))
    return source, target, type


@dataclass(frozen=True)
class TreeNode:
    """One node of the codebook tree: a theme, category or code, with its children."""

    kind: str  # "theme" | "category" | "code"
    id: str
    label: str
    children: tuple[TreeNode, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """The merged codebook; `version` is a hash of its normalised content (not of file bytes)."""

    codes: dict[str, Code]
    categories: dict[str, Category] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    relations: tuple[Relation, ...] = ()
    version: str = ""
    files: tuple[str, ...] = ()
    # Relations from pattern cards whose target is not in this codebook (kept, not validated).
    external_relations: tuple[Relation, ...] = ()

    def __post_init__(self) -> None:
        if not self.version:
            object.__setattr__(self, "version", codebook_version(self))

    @property
    def code_ids(self) -> tuple[str, ...]:
        return tuple(self.codes)

    def get(self, ident: str) -> Code | Category | Theme | None:
        return self.codes.get(ident) or self.categories.get(ident) or self.themes.get(ident)

    def codes_of_theme(self, theme_id: str) -> tuple[Code, ...]:
        return tuple(c for c in self.codes.values() if c.theme == theme_id)

    def codes_of_category(self, category_id: str, *, recursive: bool = True) -> tuple[Code, ...]:
        wanted = {category_id}
        if recursive:
            wanted |= self._descendant_categories(category_id)
        return tuple(c for c in self.codes.values() if c.parent in wanted)

    def _descendant_categories(self, category_id: str) -> set[str]:
        out: set[str] = set()
        frontier = [category_id]
        while frontier:
            current = frontier.pop()
            for cat in self.categories.values():
                if cat.parent == current and cat.id not in out:
                    out.add(cat.id)
                    frontier.append(cat.id)
        return out

    def relations_of(self, ident: str) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if ident in (r.source, r.target))

    def tree(self) -> tuple[TreeNode, ...]:
        """Themes → categories (nested) → codes; elements without a theme or parent at the root."""

        def code_node(code: Code) -> TreeNode:
            return TreeNode("code", code.id, code.label)

        def category_node(cat: Category) -> TreeNode:
            subs = [category_node(c) for c in self.categories.values() if c.parent == cat.id]
            codes = [code_node(c) for c in self.codes.values() if c.parent == cat.id]
            return TreeNode("category", cat.id, cat.label, tuple(subs + codes))

        roots: list[TreeNode] = []
        for theme in self.themes.values():
            cats = [
                category_node(c)
                for c in self.categories.values()
                if c.theme == theme.id and c.parent is None
            ]
            loose = [
                code_node(c)
                for c in self.codes.values()
                if c.theme == theme.id and c.parent is None
            ]
            roots.append(TreeNode("theme", theme.id, theme.label, tuple(cats + loose)))
        roots += [
            category_node(c)
            for c in self.categories.values()
            if c.theme is None and c.parent is None
        ]
        roots += [code_node(c) for c in self.codes.values() if c.theme is None and c.parent is None]
        return tuple(roots)


def _fill_defaults(element: Any, kind: str) -> None:
    # Frozen dataclasses: fill derived defaults once, at construction, so every copy agrees;
    # text is stripped here so a value written to YAML and read back is the same value.
    for f in fields(element):
        value = getattr(element, f.name)
        if isinstance(value, str) and value != value.strip():
            object.__setattr__(element, f.name, value.strip())
        elif isinstance(value, tuple) and any(isinstance(v, str) and v != v.strip() for v in value):
            object.__setattr__(element, f.name, tuple(v.strip() for v in value))
    if not element.guid:
        object.__setattr__(element, "guid", derive_guid(kind, element.id))
    if not element.label:
        object.__setattr__(element, "label", label_from_id(element.id))


def _normalised(element: Any) -> dict[str, Any]:
    return {f.name: getattr(element, f.name) for f in fields(element) if f.compare}


def codebook_version(book: Codebook) -> str:
    """sha256 of the sorted, normalised content: reordering files or YAML keys keeps the version,
    editing any definition, keyword or relation changes it. 12 hex digits = 48 bits."""
    content = {
        "codes": sorted((_normalised(c) for c in book.codes.values()), key=lambda d: d["id"]),
        "categories": sorted(
            (_normalised(c) for c in book.categories.values()), key=lambda d: d["id"]
        ),
        "themes": sorted((_normalised(t) for t in book.themes.values()), key=lambda d: d["id"]),
        "relations": sorted(
            (_normalised(r) for r in book.relations),
            key=lambda d: (d["source"], d["target"], d["type"]),
        ),
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=list)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


# --------------------------------------------------------------------------------------------
# Writing YAML back


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line text as literal blocks: diffs of a codebook stay readable."""


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def _entry(element: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in keys:
        value = getattr(element, key)
        # Identity, not equality: `0.0 in (False,)` is true, and a weight of 0.0 must survive.
        if value is None or value is False or (isinstance(value, str | tuple) and not value):
            continue
        out[key] = list(value) if isinstance(value, tuple) else value
    return out


def dump_codebook_fragment(
    *,
    codes: Iterable[Code] = (),
    categories: Iterable[Category] = (),
    themes: Iterable[Theme] = (),
    relations: Iterable[Relation] = (),
    header: str = "",
) -> str:
    """YAML text in the codebook format, loadable by `load_codebook` (drafts, confirmed relations).

    GUIDs are written out so they stay fixed even if an id is later renamed by hand.
    """
    doc: dict[str, Any] = {}
    theme_list = [_entry(t, ("id", "guid", "label", "definition", "core", "color")) for t in themes]
    cat_list = [
        _entry(c, ("id", "guid", "label", "definition", "theme", "parent", "color"))
        for c in categories
    ]
    code_list = [
        _entry(
            c,
            (
                "id",
                "guid",
                "label",
                "parent",
                "theme",
                "definition",
                "when_to_use",
                "when_not_to_use",
                "examples",
                "keywords",
                "aliases",
                "color",
                "description",
            ),
        )
        for c in codes
    ]
    rel_list = [_entry(r, ("source", "target", "type", "weight", "note")) for r in relations]
    for key, items in (
        ("themes", theme_list),
        ("categories", cat_list),
        ("codes", code_list),
        ("relations", rel_list),
    ):
        if items:
            doc[key] = items
    body = (
        yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        if doc
        else "{}\n"
    )
    if header:
        body = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + body
    return body


__all__ = [
    "RELATION_TYPES",
    "SYMMETRIC_RELATIONS",
    "Category",
    "Code",
    "Codebook",
    "Relation",
    "Theme",
    "TreeNode",
    "codebook_version",
    "derive_guid",
    "did_you_mean",
    "dump_codebook_fragment",
    "relation_key",
]
