"""The HTML report: one self-contained folder that opens from disk, no server needed."""

from litsynth.report.contents import ReportData
from litsynth.report.render import render_report

__all__ = ["ReportData", "render_report"]
