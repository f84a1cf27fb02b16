"""What `litsynth run` derives from the store before drawing the report, as typed records.

The pipeline fills a `DerivedState` step by step and hands it to `report.collect`, so the seam
between them is one typed object rather than a dict of Any and positional tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litsynth.biblio.prisma import PrismaFlow
from litsynth.coding.analysis.discover import Discovery
from litsynth.coding.analysis.themes import Selective
from litsynth.synthesis.intext import CitedWork
from litsynth.synthesis.matrix import Matrix


@dataclass(frozen=True)
class BuiltMatrix:
    """A matrix as the report presents it: the table and how it is introduced."""

    id: str  # file stem and anchor, e.g. "theme-matrix"
    title: str
    description: str
    row_header: str
    matrix: Matrix


@dataclass
class DerivedState:
    """The results of the derived steps that the report shows (None: the step did not apply)."""

    discovery: Discovery | None = None
    selective: Selective | None = None
    matrices: list[BuiltMatrix] = field(default_factory=list)
    cited_by_theme: dict[str, list[CitedWork]] | None = None
    prisma: PrismaFlow | None = None
    prisma_svg: str = ""
    source: str = ""  # whose codings the matrices count, in words ([synthesis] source)
