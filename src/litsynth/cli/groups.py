"""Command groups whose subcommands come from several stage modules.

`litsynth code …` gathers deductive coding (suggest, eval), human review and the open/axial
stages; `litsynth screen …` the screening log; `litsynth export …` the exporters. Each stage
module attaches its commands to these, so no module has to know the others.
"""

from __future__ import annotations

import click


@click.group("code")
def code_group() -> None:
    """Code passages with the codebook: suggest, review, evaluate, discover, relate."""


@click.group("screen")
def screen_group() -> None:
    """The screening log: sheets, the terminal loop, conflicts, prioritisation."""


@click.group("export")
def export_group() -> None:
    """Export codings and syntheses (REFI-QDA for NVivo / ATLAS.ti, spreadsheets)."""
