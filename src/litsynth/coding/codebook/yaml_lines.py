"""YAML that keeps line numbers and refuses what a hand-written codebook never holds.

Every mapping comes back as a `LineDict` that knows the line of each key, so validation can
say "codebook/x.yaml line 12"; duplicate keys are errors, and alias expansion is bounded.
"""

from __future__ import annotations

from typing import Any

import yaml

from litsynth.errors import CodebookError

# --------------------------------------------------------------------------------------------
# YAML with line numbers


class LineDict(dict[str, Any]):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are LineDicts, and which rejects duplicate keys."""

    line_offset = 0  # front matter of a pattern card starts below the file's first line


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1 + loader.line_offset
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True))
        line = key_node.start_mark.line + 1 + loader.line_offset
        if key in out:
            raise CodebookError(
                f"duplicate key {key!r} in {loader.name} line {line} "
                f"(first at line {out.key_lines[key]})",
                hint="keep one of them",
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = line
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(text: str, name: str, *, line_offset: int = 0) -> Any:
    """Parse YAML keeping line numbers; a syntax error names the file and line."""
    loader = _LineLoader(text)
    loader.name = name
    loader.line_offset = line_offset
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, name)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = (mark.line + 1 + line_offset) if mark else "?"
        raise CodebookError(
            f"{name} line {line} is not valid YAML: {exc.problem}",
            hint="check the indentation and quoting on that line (quote values containing ': ')",
        ) from None
    finally:
        loader.dispose()


# A codebook is written by people: a few thousand values at most. YAML aliases can repeat a
# node without limit ("billion laughs"): 8 levels of 9 aliases stay a small file but cost
# 1.3 GB once turned into strings, so the expanded size is counted on the node graph first.
MAX_EXPANDED_NODES = 100_000


def _check_expansion(root: yaml.Node, name: str) -> None:
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        sizes[key] = 1  # a cycle (a node containing its own alias) counts once, then grows
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        sizes[key] = total
        if total > MAX_EXPANDED_NODES:
            raise CodebookError(
                f"{name}: YAML aliases expand to more than {MAX_EXPANDED_NODES:,} values",
                hint="write the values out instead of repeating them with &anchors and *aliases",
            )
        return total

    size(root)
