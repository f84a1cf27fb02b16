"""Pattern cards as codes: YAML front matter between `---` lines, then Markdown sections.

Pattern libraries (e.g. the Business Model Navigator cards of commons.engineering, seed 003)
already say what a pattern is, its aliases and its search keywords, so a reviewer can drop such
a card into codebook/ instead of retyping it. The mapping:

    slug (or id)                          -> Code.id (readable; the card's own id seeds the GUID)
    title                                -> label
    aliases                              -> aliases
    summary                              -> definition
    ontology.search_hints.vector_keywords -> keywords
    relationships.enables/requires/...   -> relations (targets may be patterns outside the codebook)
    the Markdown body's sections         -> description (Context, Problem, Solution, ...)

litsynth's own code keys (parent, theme, when_to_use, when_not_to_use, examples, keywords, color)
may be added to the front matter to place the card in the codebook tree.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from litsynth.coding.codebook.fields import Errors, as_strings, as_text, check_id, where
from litsynth.coding.codebook.model import LITSYNTH_NAMESPACE, Code, Relation
from litsynth.coding.codebook.yaml_lines import LineDict, load_yaml

# Card relationship lists → (relation type, direction). "specializes_to: X" means X is a
# specialisation of this card, so the relation runs X → card.
CARD_RELATIONS: dict[str, tuple[str, bool]] = {
    "enables": ("enables", False),
    "requires": ("requires", False),
    "alternatives": ("alternative-to", False),
    "complementary": ("complementary-to", False),
    "specializes_to": ("specialization-of", True),
    "generalizes_from": ("specialization-of", False),
    "tools": ("associated-with", False),
}
CODE_EXTENSION_KEYS = (
    "parent",
    "theme",
    "when_to_use",
    "when_not_to_use",
    "examples",
    "keywords",
    "color",
)

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?", re.DOTALL)
_SECTION = re.compile(r"^#{2,4}\s+(?:Section\s+\d+:\s*)?(.+?)\s*$", re.MULTILINE)


def card_sections(body: str) -> dict[str, str]:
    """The body's Markdown sections by heading ("Section 3: Solution" → "Solution")."""
    heads = list(_SECTION.finditer(body))
    out: dict[str, str] = {}
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        out[head.group(1)] = body[head.end() : end].strip()
    return out


def _nested(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def parse_card(text: str, source: str, errors: Errors) -> tuple[Code, list[Relation]] | None:
    """One pattern card → a Code and its relations, or None (with the reason in `errors`)."""
    match = _FRONT.match(text)
    if match is None:
        errors.add(
            f"{source} line 1: a pattern card starts with YAML front matter between '---' lines"
        )
        return None
    # The front matter starts on line 2 of the file (line 1 is '---').
    meta = load_yaml(match.group(1), source, line_offset=1)
    if not isinstance(meta, LineDict):
        errors.add(f"{source} line 2: the front matter must be a mapping of keys")
        return None
    body = text[match.end() :]
    meta_for_id = LineDict({"id": meta.get("slug") or meta.get("id")})
    meta_for_id.line = meta.line
    meta_for_id.key_lines = {"id": meta.line_of("slug") if "slug" in meta else meta.line_of("id")}
    ident = check_id(meta_for_id, "pattern card", source, errors)
    if ident is None:
        return None
    owner = f"pattern card {ident!r}"
    definition = as_text(meta.get("summary") or meta.get("definition"))
    if not definition:
        errors.add(
            f"{owner} in {where(source, meta.line)} has no summary "
            "(it becomes the code's definition)"
        )
    keywords = as_strings(
        _nested(meta, "ontology", "search_hints", "vector_keywords"),
        "keywords",
        owner,
        source,
        meta.line,
        errors,
    ) + as_strings(
        meta.get("keywords"), "keywords", owner, source, meta.line_of("keywords"), errors
    )
    sections = card_sections(body)
    description = (
        "\n\n".join(f"{head}: {content}" for head, content in sections.items()) or body.strip()
    )
    card_id = str(meta.get("id") or ident)
    code = Code(
        id=ident,
        guid=str(meta.get("guid") or uuid.uuid5(LITSYNTH_NAMESPACE, f"card:{card_id}")),
        label=as_text(meta.get("title")),
        definition=definition,
        when_to_use=as_text(meta.get("when_to_use")),
        when_not_to_use=as_text(meta.get("when_not_to_use")),
        examples=as_strings(
            meta.get("examples"), "examples", owner, source, meta.line_of("examples"), errors
        ),
        keywords=tuple(dict.fromkeys(keywords)),
        aliases=as_strings(
            meta.get("aliases"), "aliases", owner, source, meta.line_of("aliases"), errors
        ),
        parent=as_text(meta.get("parent")) or None,
        theme=as_text(meta.get("theme")) or None,
        color=as_text(meta.get("color")),
        description=description,
        source_file=source,
        line=meta.line,
    )
    relations: list[Relation] = []
    rels = meta.get("relationships")
    if isinstance(rels, dict):
        for key, targets in rels.items():
            if key not in CARD_RELATIONS or not isinstance(targets, list):
                continue
            rtype, reverse = CARD_RELATIONS[key]
            for target in targets:
                slug = target.get("slug") if isinstance(target, dict) else target
                if not slug:
                    continue
                weight = target.get("weight") if isinstance(target, dict) else None
                src, dst = (str(slug), ident) if reverse else (ident, str(slug))
                relations.append(
                    Relation(
                        source=src,
                        target=dst,
                        type=rtype,
                        weight=float(weight) if isinstance(weight, int | float) else None,
                        note=f"pattern card {source}: relationships.{key}",
                        source_file=source,
                        line=rels.line_of(key) if isinstance(rels, LineDict) else meta.line,
                    )
                )
    return code, relations


__all__ = ["CODE_EXTENSION_KEYS", "card_sections", "parse_card"]
