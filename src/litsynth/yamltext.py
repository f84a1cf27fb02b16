"""A YAML file a person wrote (a form, the findings), read with one message for a syntax error.

The codebook has its own loader (coding/codebook/yaml_lines.py: line numbers kept for every
value, alias bombs refused); these smaller files need only the line of the first mistake.
"""

from __future__ import annotations

from typing import Any

import yaml

from litsynth.errors import LitsynthError


def parse_yaml(text: str, source: str, error: type[LitsynthError]) -> Any:
    """The parsed document; a syntax error is `error` naming the file and its line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise error(f"{source}{where}: not valid YAML", hint="check the indentation") from None
