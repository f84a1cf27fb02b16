"""The litsynth.toml that `litsynth init` writes is valid as written and when uncommented."""

from __future__ import annotations

import tomllib
from pathlib import Path

from litsynth.config import load_settings
from litsynth.scaffold import settings_template


def test_every_commented_setting_is_valid_toml_when_uncommented(tmp_path: Path) -> None:
    """Regression: `# year_min = (not set)` broke the file once a user uncommented it."""
    template = settings_template("my review")
    uncommented = "\n".join(
        line.lstrip("#").lstrip() if line.startswith("#") and " = " in line else line
        for line in template.splitlines()
    )
    tomllib.loads(template)
    tomllib.loads(uncommented)
    (tmp_path / "litsynth.toml").write_text(uncommented, encoding="utf-8")
    settings = load_settings(tmp_path, environ={})
    assert settings.project.name == "my review"
    assert settings.screening.year_min == 2000
