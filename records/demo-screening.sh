#!/usr/bin/env bash
# Rebuild the demo review's screening log from the committed sheets, then draw its PRISMA flow.
# Run from the repository root after the bibliography steps of records/README.md (import the
# three exports, dedupe, references --import, dedupe again). Re-running appends nothing new
# for `screen auto`; sheet imports append again (the log keeps history; the latest wins).
set -euo pipefail
L=${LITSYNTH:-.venv/bin/litsynth}
P=${PROJECT:-.}

# Year range and language from litsynth.toml [screening]: 2000–2024, English.
"$L" screen auto --project "$P"
# Title/abstract: the demo reviewer screened every unique record; "alex" double-screened 14.
"$L" screen import records/screening-title-abstract.csv --reviewer demo --project "$P"
"$L" screen import records/screening-title-abstract-alex.csv --reviewer alex --project "$P"
"$L" screen conflicts --project "$P"
# The two disagreements, settled in discussion.
"$L" screen resolve scopus-102307-3069414 --decision exclude \
  --reason "not about orchestration or business models" --note "agreed: firm-level fit, not orchestration" \
  --reviewer demo --project "$P"
"$L" screen resolve scopus-101016-jjom200704001 --decision include \
  --note "agreed: inter-firm communication is part of coordination" --reviewer demo --project "$P"
# Full text: everything included at title/abstract.
"$L" screen import records/screening-full-text.csv --stage full-text --reviewer demo --project "$P"
"$L" prisma --svg "${SVG:-report/prisma.svg}" --csv "${CSV:-report/prisma.csv}" --project "$P"
