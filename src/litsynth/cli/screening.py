"""Commands of this stage (filled in by the stage)."""

import click

commands: list[click.Command] = []
