"""The codebook model: loading, validation messages with lines, GUIDs, cards, round trips."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, REPO, shared
from litsynth.coding import (
    Code,
    Codebook,
    Relation,
    derive_guid,
    dump_codebook_fragment,
    load_codebook,
    parse_codebook_text,
)
from litsynth.errors import CodebookError

CODING = FIXTURES / "coding"


def test_demo_codebook_loads_with_tree_and_card() -> None:
    book = load_codebook(REPO / "codebook")
    assert {"platform-coordination", "strategic-integration", "resource-reconfiguration"} <= set(
        book.codes
    )
    # Seed 000's three mechanisms are the codes of one category that serves the core theme.
    mechanisms = {c.id for c in book.codes_of_category("orchestration-mechanisms")}
    assert mechanisms == {
        "platform-coordination",
        "strategic-integration",
        "resource-reconfiguration",
    }
    assert book.themes["orchestration-value-creation"].core
    card = book.codes["outsourced-value-chain-coordination"]
    assert card.label == "Outsourced Value Chain Coordination"
    assert "asset-light" in card.keywords and "Orchestrator" in card.aliases
    assert card.theme == "orchestration-value-creation"  # inherited from its category
    assert "Solution:" in card.description
    # Card relation to a code in the codebook resolves; to patterns outside it stays external.
    assert Relation(
        "outsourced-value-chain-coordination", "vertical-integration", "alternative-to"
    ) in [Relation(r.source, r.target, r.type) for r in book.relations]
    assert any(r.target == "asset-light-operations" for r in book.external_relations)
    assert book.files == (
        "codebook/orchestration.yaml",
        "codebook/outsourced-value-chain-coordination.md",
    )


def test_demo_examples_are_verbatim_quotes_from_the_seeds() -> None:
    seeds = shared("seeds")
    corpus = re.sub(r"\s+", " ", " ".join(p.read_text(encoding="utf-8") for p in seeds.iterdir()))
    book = load_codebook(REPO / "codebook")
    missing = [
        (code.id, example)
        for code in book.codes.values()
        for example in code.examples
        if re.sub(r"\s+", " ", example) not in corpus
    ]
    assert missing == []


def test_errors_name_file_line_key_and_suggest_the_close_id() -> None:
    with pytest.raises(CodebookError) as info:
        load_codebook(CODING / "broken.yaml")
    message = info.value.message
    assert (
        "unknown parent 'platfrom' for code 'platform-coordination' in coding/broken.yaml line 12; "
        "did you mean 'platform'?"
    ) in message
    # Both problems are reported in one go; the misspelt key names its own line.
    assert (
        "unknown key 'definiton' for a code in coding/broken.yaml line 17; "
        "did you mean 'definition'?" in message
    )
    assert "code 'reconfiguration' in coding/broken.yaml line 15 has no definition" in message


def test_yaml_syntax_error_and_duplicate_key_name_the_line() -> None:
    with pytest.raises(CodebookError, match=r"<t> line 3 is not valid YAML"):
        parse_codebook_text("codes:\n  - id: a\n   definition: [unclosed\n", "<t>")
    with pytest.raises(
        CodebookError, match=r"duplicate key 'definition' in <t> line 4 \(first at line 3\)"
    ):
        parse_codebook_text("codes:\n  - id: a\n    definition: x\n    definition: y\n", "<t>")


def test_duplicate_ids_across_files_name_both(tmp_path: Path) -> None:
    folder = tmp_path / "codebook"
    folder.mkdir()
    (folder / "a.yaml").write_text("codes:\n  - id: x\n    definition: one\n", encoding="utf-8")
    (folder / "b.yaml").write_text("\ncodes:\n  - id: x\n    definition: two\n", encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebook(folder)
    assert (
        "duplicate id 'x': codebook/b.yaml line 3 and codebook/a.yaml line 2" in info.value.message
    )


def test_unknown_relation_type_and_end() -> None:
    text = (
        "codes:\n  - id: a\n    definition: A.\n  - id: b\n    definition: B.\n"
        "relations:\n  - {source: a, target: bb, type: enabels}\n  - {source: a, target: bb}\n"
    )
    with pytest.raises(CodebookError) as info:
        parse_codebook_text(text, "<t>")
    assert (
        "unknown relation type 'enabels' in <t> line 7; did you mean 'enables'?"
        in info.value.message
    )
    assert (
        "unknown code, category or theme 'bb' in relation at <t> line 8; did you mean 'b'?"
        in info.value.message
    )


def test_mini_codebook_inheritance_guids_and_helpers() -> None:
    book = load_codebook(CODING / "mini.yaml")
    assert book.codes["reconfiguration"].theme == "mechanisms"  # via platform-sub → platform
    assert book.codes["reconfiguration"].keywords == ("reconfigure", "recombine")
    assert book.codes["loose"].theme is None
    assert book.codes["platform-coordination"].guid == "0b8a7d53-2a54-4c47-9c1e-2f1f6b0f0a11"
    derived = book.codes["reconfiguration"].guid
    assert derived == derive_guid("code", "reconfiguration") == str(uuid.UUID(derived))
    assert [c.id for c in book.codes_of_category("platform")] == [
        "platform-coordination",
        "reconfiguration",
    ]
    assert [c.id for c in book.codes_of_category("platform", recursive=False)] == [
        "platform-coordination"
    ]
    assert [c.id for c in book.codes_of_theme("mechanisms")] == [
        "platform-coordination",
        "reconfiguration",
    ]
    roots = book.tree()
    assert [(n.kind, n.id) for n in roots] == [("theme", "mechanisms"), ("code", "loose")]
    platform = roots[0].children[0]
    assert [(n.kind, n.id) for n in platform.children] == [
        ("category", "platform-sub"),
        ("code", "platform-coordination"),
    ]
    assert book.relations[0].weight == 0.5 and book.relations[0].line == 27
    assert (
        book.codes["reconfiguration"].line == 19
        and book.codes["reconfiguration"].source_file == "coding/mini.yaml"
    )


def test_version_ignores_order_but_not_content(tmp_path: Path) -> None:
    book = load_codebook(CODING / "mini.yaml")
    text = (CODING / "mini.yaml").read_text(encoding="utf-8")
    reordered = text.replace(
        "keywords: [platform, marketplace]", "keywords: [platform, marketplace]  # same"
    )
    assert parse_codebook_text(reordered).version == book.version
    edited = text.replace("Recombining resources quickly.", "Recombining resources.")
    assert parse_codebook_text(edited).version != book.version


def test_dump_round_trips_the_demo_codebook(tmp_path: Path) -> None:
    book = load_codebook(REPO / "codebook")
    text = dump_codebook_fragment(
        codes=book.codes.values(),
        categories=book.categories.values(),
        themes=book.themes.values(),
        relations=book.relations,
        header="draft written by a test",
    )
    assert text.startswith("# draft written by a test\n")
    again = parse_codebook_text(text)
    assert again.version == book.version
    assert (
        again.codes["outsourced-value-chain-coordination"].guid
        == book.codes["outsourced-value-chain-coordination"].guid
    )


_ident = st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True)
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    str.strip
)


@settings(max_examples=60, deadline=None)
@given(
    ids=st.lists(_ident, min_size=1, max_size=4, unique=True),
    definition=_text,
    keywords=st.lists(_text.filter(lambda s: "," not in s), max_size=3),
    weight=st.none() | st.floats(0, 1),
)
def test_fragment_round_trip_property(
    ids: list[str], definition: str, keywords: list[str], weight: float | None
) -> None:
    codes = [
        Code(id=i, definition=definition, keywords=tuple(k.strip() for k in keywords)) for i in ids
    ]
    relations = [Relation(ids[0], ids[-1], "enables", weight)] if len(ids) > 1 else []
    book = Codebook(codes={c.id: c for c in codes}, relations=tuple(relations))
    again = parse_codebook_text(dump_codebook_fragment(codes=codes, relations=relations))
    assert again.version == book.version


def test_card_without_front_matter_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "codebook"
    folder.mkdir()
    (folder / "card.md").write_text("# Just markdown\n", encoding="utf-8")
    with pytest.raises(
        CodebookError,
        match=r"codebook/card.md line 1: a pattern card starts with YAML front matter",
    ):
        load_codebook(folder)


def test_seed_card_alone_maps_title_summary_keywords(tmp_path: Path) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    shutil.copy(shared("seeds/003_af2a47eea36fd644.txt"), folder / "orchestrator.md")
    book = load_codebook(folder)
    (code,) = book.codes.values()
    assert code.id == "outsourced-value-chain-coordination" and code.line == 5
    assert code.definition.startswith(
        "This pattern describes a business model where a central firm"
    )
    assert code.guid == str(
        uuid.uuid5(
            uuid.UUID("6f1c7a52-3b1e-5c8e-9a57-2f4b7c1d0e61"), "card:pat_01kjj4j5hcfy8at1kyx8kezg7c"
        )
    )
    specialised = [r for r in book.external_relations if r.type == "specialization-of"]
    assert [(r.source, r.target, r.weight) for r in specialised] == [
        ("fractional-ownership", "outsourced-value-chain-coordination", 0.6)
    ]


def test_relation_weight_zero_survives_the_round_trip() -> None:
    """Regression (hypothesis found it): a weight of 0.0 was dropped as if it were False."""
    codes = [Code(id="a", definition="0"), Code(id="b", definition="0")]
    relations = [Relation("a", "b", "enables", 0.0)]
    again = parse_codebook_text(dump_codebook_fragment(codes=codes, relations=relations))
    assert again.relations[0].weight == 0.0
