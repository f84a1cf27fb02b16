"""Loading a codebook: YAML that keeps line numbers, pattern cards, validation with file/line/key.

Every problem of a load is collected and reported at once (`CodebookError`), each naming the
file, the line and the key, with a close match for a misspelt id or key. Cross-references
(parents, themes, relation ends) are checked after all files are read, so a code may name a
category defined in another file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, overload

from litsynth.coding.codebook.cards import parse_card
from litsynth.coding.codebook.fields import (
    Errors,
    as_strings,
    as_text,
    check_id,
    check_keys,
    where,
)
from litsynth.coding.codebook.model import (
    RELATION_TYPES,
    Category,
    Code,
    Codebook,
    Relation,
    Theme,
    did_you_mean,
)
from litsynth.coding.codebook.yaml_lines import LineDict, load_yaml
from litsynth.config import Project
from litsynth.errors import CodebookError

# --------------------------------------------------------------------------------------------
# Building elements from parsed YAML

# What a colour in the codebook may be: it is written into the report's style attribute, so
# anything else (a url(), an expression) could fetch a remote file or break out of the CSS.
_COLOR = re.compile(
    r"#[0-9a-fA-F]{3,4}|#[0-9a-fA-F]{6}|#[0-9a-fA-F]{8}|[a-zA-Z]{3,20}"
    r"|(?:rgb|rgba|hsl|hsla)\(\s*[0-9.%]+(?:\s*[, /]\s*[0-9.%]+){2,3}\s*\)"
)


def _color(value: Any, owner: str, source: str, line: int, errors: Errors) -> str:
    text = as_text(value)
    if text and not _COLOR.fullmatch(text):
        errors.add(
            f"color of {owner} in {where(source, line)} is {text!r}: use a colour such as"
            " #1f77b4, rgb(31, 119, 180) or a CSS colour name"
        )
        return ""
    return text


THEME_KEYS = {"id", "guid", "label", "definition", "core", "color"}
CATEGORY_KEYS = {"id", "guid", "label", "definition", "theme", "parent", "color"}
CODE_KEYS = {
    "id",
    "guid",
    "label",
    "definition",
    "when_to_use",
    "when_not_to_use",
    "examples",
    "keywords",
    "aliases",
    "parent",
    "category",  # synonym of parent, as NVivo users say it
    "theme",
    "color",
    "description",
}
RELATION_KEYS = {"source", "target", "type", "weight", "note", "evidence"}
TOP_KEYS = {"codebook", "name", "description", "themes", "categories", "codes", "relations"}


def _optional_id(value: Any) -> str | None:
    return None if value in (None, "") else str(value).strip()


def parse_theme(data: LineDict, source: str, errors: Errors) -> Theme | None:
    check_keys(data, THEME_KEYS, "a theme", source, errors)
    ident = check_id(data, "theme", source, errors)
    if ident is None:
        return None
    return Theme(
        id=ident,
        guid=str(data.get("guid") or ""),
        label=as_text(data.get("label")),
        definition=as_text(data.get("definition")),
        core=bool(data.get("core", False)),
        color=_color(data.get("color"), f"theme {ident!r}", source, data.line_of("color"), errors),
        source_file=source,
        line=data.line,
    )


def parse_category(data: LineDict, source: str, errors: Errors) -> Category | None:
    check_keys(data, CATEGORY_KEYS, "a category", source, errors)
    ident = check_id(data, "category", source, errors)
    if ident is None:
        return None
    return Category(
        id=ident,
        guid=str(data.get("guid") or ""),
        label=as_text(data.get("label")),
        definition=as_text(data.get("definition")),
        theme=_optional_id(data.get("theme")),
        parent=_optional_id(data.get("parent")),
        color=_color(
            data.get("color"), f"category {ident!r}", source, data.line_of("color"), errors
        ),
        source_file=source,
        line=data.line,
    )


def parse_code(
    data: LineDict, source: str, errors: Errors, *, description: str = ""
) -> Code | None:
    check_keys(data, CODE_KEYS, "a code", source, errors)
    ident = check_id(data, "code", source, errors)
    if ident is None:
        return None
    owner = f"code {ident!r}"
    definition = as_text(data.get("definition"))
    if not definition:
        errors.add(
            f"code {ident!r} in {where(source, data.line)} has no definition "
            "(the classifier and every other coder need one)"
        )
    if "parent" in data and "category" in data:
        errors.add(
            f"code {ident!r} in {where(source, data.line)} has both parent and category; keep one"
        )
    return Code(
        id=ident,
        guid=str(data.get("guid") or ""),
        label=as_text(data.get("label")),
        definition=definition,
        when_to_use=as_text(data.get("when_to_use")),
        when_not_to_use=as_text(data.get("when_not_to_use")),
        examples=as_strings(
            data.get("examples"), "examples", owner, source, data.line_of("examples"), errors
        ),
        keywords=as_strings(
            data.get("keywords"), "keywords", owner, source, data.line_of("keywords"), errors
        ),
        aliases=as_strings(
            data.get("aliases"), "aliases", owner, source, data.line_of("aliases"), errors
        ),
        parent=_optional_id(data.get("parent", data.get("category"))),
        theme=_optional_id(data.get("theme")),
        color=_color(data.get("color"), owner, source, data.line_of("color"), errors),
        description=as_text(data.get("description")) or description,
        source_file=source,
        line=data.line,
    )


def parse_relation(data: LineDict, source: str, errors: Errors) -> Relation | None:
    check_keys(data, RELATION_KEYS, "a relation", source, errors)
    ends = [_optional_id(data.get("source")), _optional_id(data.get("target"))]
    if None in ends:
        errors.add(f"relation in {where(source, data.line)} needs both source and target")
        return None
    rtype = str(data.get("type") or "associated-with").strip()
    if rtype not in RELATION_TYPES:
        errors.add(
            f"unknown relation type {rtype!r} in {where(source, data.line_of('type'))}"
            f"{did_you_mean(rtype, RELATION_TYPES)}"
        )
        return None
    weight = data.get("weight")
    if weight is not None:
        try:
            weight = float(weight)
        except (TypeError, ValueError):
            errors.add(
                f"weight {weight!r} of relation in {where(source, data.line_of('weight'))} "
                "is not a number"
            )
            weight = None
    return Relation(
        source=str(ends[0]),
        target=str(ends[1]),
        type=rtype,
        weight=weight,
        note=as_text(data.get("note") or data.get("evidence")),
        source_file=source,
        line=data.line,
    )


@dataclass
class Parts:
    """Elements of one or more files before cross-references are checked."""

    themes: list[Theme] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    external: list[Relation] = field(default_factory=list)  # card relations: targets may be outside


def parse_yaml_file(text: str, source: str, errors: Errors) -> Parts:
    """The themes/categories/codes/relations lists of one YAML codebook file."""
    parts = Parts()
    data = load_yaml(text, source)
    if data is None:
        return parts
    if not isinstance(data, LineDict):
        errors.add(
            f"{source} line 1 must be a mapping with themes:, categories:, codes:, relations:"
        )
        return parts
    check_keys(data, TOP_KEYS, "the codebook file", source, errors)
    sections: list[tuple[str, Any]] = [
        ("themes", parse_theme),
        ("categories", parse_category),
        ("codes", parse_code),
        ("relations", parse_relation),
    ]
    for key, parse in sections:
        items = data.get(key)
        if items is None:
            continue
        if not isinstance(items, list):
            errors.add(
                f"{key} in {where(source, data.line_of(key))} must be a list of entries (- id: ...)"
            )
            continue
        for item in items:
            if not isinstance(item, LineDict):
                errors.add(
                    f"each entry of {key} in {where(source, data.line_of(key))} must be a "
                    "mapping, "
                    f"got {item!r}"
                )
                continue
            element = parse(item, source, errors)
            if element is not None:
                getattr(parts, key).append(element)
    return parts


def assemble(parts: Parts, errors: Errors, files: tuple[str, ...]) -> Codebook:
    """Merge parsed parts: unique ids, existing parents/themes, relations between known ends."""
    themes: dict[str, Theme] = {}
    categories: dict[str, Category] = {}
    codes: dict[str, Code] = {}
    seen: dict[str, Theme | Category | Code] = {}
    elements: list[Theme | Category | Code] = [*parts.themes, *parts.categories, *parts.codes]
    for element in elements:
        first = seen.get(element.id)
        if first is not None:
            errors.add(
                f"duplicate id {element.id!r}: {where(element.source_file, element.line)} and "
                f"{where(first.source_file, first.line)}"
            )
            continue
        seen[element.id] = element
        if isinstance(element, Theme):
            themes[element.id] = element
        elif isinstance(element, Category):
            categories[element.id] = element
        else:
            codes[element.id] = element

    for cat in categories.values():
        if cat.theme is not None and cat.theme not in themes:
            errors.add(
                f"unknown theme {cat.theme!r} for category {cat.id!r} in "
                f"{where(cat.source_file, cat.line)}{did_you_mean(cat.theme, themes)}"
            )
        if cat.parent is not None and cat.parent not in categories:
            errors.add(
                f"unknown parent {cat.parent!r} for category {cat.id!r} in "
                f"{where(cat.source_file, cat.line)}{did_you_mean(cat.parent, categories)}"
            )
    _check_cycles(categories, errors)
    # A category without a theme inherits its parent category's (the tree is one tree).
    for _ in range(len(categories)):
        for cat in list(categories.values()):
            if cat.theme is None and cat.parent in categories and categories[cat.parent].theme:
                categories[cat.id] = replace(cat, theme=categories[cat.parent].theme)

    for code in list(codes.values()):
        theme = code.theme
        if code.parent is not None and code.parent not in categories:
            errors.add(
                f"unknown parent {code.parent!r} for code {code.id!r} in "
                f"{where(code.source_file, code.line)}{did_you_mean(code.parent, categories)}"
            )
        elif code.parent is not None:
            inherited = categories[code.parent].theme
            if theme is not None and inherited is not None and theme != inherited:
                errors.add(
                    f"code {code.id!r} in {where(code.source_file, code.line)} "
                    f"says theme {theme!r} "
                    f"but its category {code.parent!r} serves theme {inherited!r}"
                )
            theme = theme or inherited
        if theme is not None and theme not in themes:
            errors.add(
                f"unknown theme {theme!r} for code {code.id!r} in "
                f"{where(code.source_file, code.line)}{did_you_mean(theme, themes)}"
            )
        if theme != code.theme:
            codes[code.id] = replace(code, theme=theme)

    relations: list[Relation] = []
    keys: set[tuple[str, str, str]] = set()
    known = {**themes, **categories, **codes}
    for rel in parts.relations:
        for end in (rel.source, rel.target):
            if end not in known:
                errors.add(
                    f"unknown code, category or theme {end!r} in relation at "
                    f"{where(rel.source_file, rel.line)}{did_you_mean(end, known)}"
                )
        if rel.key in keys:
            continue  # the same relation stated in two files counts once
        keys.add(rel.key)
        relations.append(rel)
    external = []
    for rel in parts.external:
        if rel.source in known and rel.target in known:
            relations.append(rel)
        else:
            external.append(rel)
    errors.raise_if_any()
    return Codebook(
        codes=codes,
        categories=categories,
        themes=themes,
        relations=tuple(relations),
        files=files,
        external_relations=tuple(external),
    )


def _check_cycles(categories: dict[str, Category], errors: Errors) -> None:
    for start in categories.values():
        seen = {start.id}
        current = start.parent
        while current is not None and current in categories:
            if current in seen:
                errors.add(
                    f"category {start.id!r} in {where(start.source_file, start.line)} "
                    "is its own ancestor"
                )
                break
            seen.add(current)
            current = categories[current].parent


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)


def codebook_files(path: Path) -> list[Path]:
    """The files a codebook path stands for: the file itself, or the folder's YAML and cards."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise CodebookError(
            f"no codebook at {path}",
            hint="create codebook/*.yaml (see docs/coding.md) or set [coding] codebook "
            "in litsynth.toml",
        )
    files = sorted(
        p for p in path.iterdir() if p.suffix in {".yaml", ".yml", ".md"} and p.is_file()
    )
    files = [p for p in files if p.name.lower() != "readme.md"]
    if not files:
        raise CodebookError(
            f"the codebook folder {path} holds no *.yaml, *.yml or *.md card",
            hint="add a codebook file",
        )
    return files


def load_codebook(path: Path | str, *, relative_to: Path | None = None) -> Codebook:
    """Load a codebook folder (every *.yaml, *.yml and *.md pattern card, merged) or one file.

    File names in messages are relative to `relative_to` (default: the folder's parent), so
    they read "codebook/x.yaml line 12".
    """

    path = Path(path)
    root = (
        relative_to
        if relative_to is not None
        else path.parent.parent
        if path.is_file()
        else path.parent
    )
    errors = Errors()
    parts = Parts()
    names = []
    for file in codebook_files(path):
        name = _display(file, root)
        names.append(name)
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CodebookError(
                f"{name} is not UTF-8 text (byte {exc.start})", hint="save it as UTF-8"
            ) from None
        if file.suffix == ".md":
            card = parse_card(text, name, errors)
            if card is not None:
                parts.codes.append(card[0])
                parts.external.extend(card[1])
        else:
            one = parse_yaml_file(text, name, errors)
            for key in ("themes", "categories", "codes", "relations"):
                getattr(parts, key).extend(getattr(one, key))
    return assemble(parts, errors, tuple(names))


def parse_codebook_text(text: str, name: str = "<codebook>") -> Codebook:
    """A codebook from YAML text (one file's content): for tests and drafts."""
    errors = Errors()
    parts = parse_yaml_file(text, name, errors)
    return assemble(parts, errors, (name,))


def has_codebook(path: Path) -> bool:
    """Whether `path` holds a codebook at all: a file, or a folder with a YAML file or card."""
    if path.is_file():
        return True
    return path.is_dir() and any(
        p.suffix in {".yaml", ".yml", ".md"} and p.name.lower() != "readme.md"
        for p in path.iterdir()
    )


@overload
def project_codebook(project: Project, *, required: Literal[True] = ...) -> Codebook: ...


@overload
def project_codebook(project: Project, *, required: bool) -> Codebook | None: ...


def project_codebook(project: Project, *, required: bool = True) -> Codebook | None:
    """The project's codebook ([coding] codebook in litsynth.toml): the one way stages get it.

    A project without one yet (no file, or a folder with no YAML file or card) gives None when
    `required` is False: open coding, the report and `run` work before any code exists. When
    it is required, that is an error with a hint. A codebook with mistakes always raises, naming
    the file and line, so a typo never silently empties a matrix.
    """
    path = project.codebook_path
    if not has_codebook(path):
        if not required:
            return None
        raise CodebookError(
            f"no codebook in {path}",
            hint="write codebook/*.yaml (see docs/coding.md), or draft codes with "
            "`litsynth code discover --write codebook/draft.yaml`",
        )
    return load_codebook(path, relative_to=project.root)


def rewrite_file(project: Project, path: Path, text: str) -> Codebook | None:
    """Write one of the codebook files litsynth owns (new codes, confirmed relations, a
    code edited from the workspace) and load the whole codebook again; a write that breaks
    it is undone (the file as it was, or gone if it was not there) and the error raised."""
    before = path.read_text(encoding="utf-8") if path.exists() else None
    path.write_text(text, encoding="utf-8")
    try:
        return project_codebook(project, required=False)
    except CodebookError:
        if before is None:
            path.unlink()
        else:
            path.write_text(before, encoding="utf-8")
        raise
