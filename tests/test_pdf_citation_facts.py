"""A PDF's citation facts when no record or sidecar gives them: its /Title and /Author only
where its first page vouches for them, and the year a journal prints about the issue. The
page text below is copied from real papers' first pages (CERMINE's, GROBID's and
science-parse's test files; bench/bench_pdf_metadata.py measures the whole set)."""

from __future__ import annotations

import pytest

from litsynth.citations.labels import work_label
from litsynth.ingest.byline import chosen_authors
from litsynth.ingest.first_page import (
    printed_doi,
    printed_year,
    trusted_title,
    without_article_type,
)
from litsynth.ingest.own_metadata import author_names

PSYCHOGERIATRICS = (
    "International Psychogeriatrics (2014), 26:1, 147–154 C© International Psychogeriatric"
    " Association 2013.\ndoi:10.1017/S1041610213001804\nStressful life events are not"
    " associated with the development\nof dementia\nAnna Sundström,1 Michael Rönnlund,2 Rolf"
    " Adolfsson3 and Lars-Göran Nilsson4\n1Centre for Population Studies\nABSTRACT"
)
MONO = (
    "Monolingual Machine Translation for Paraphrase Generation\nChris QUIRK,  Chris BROCKETT"
    "  and  William DOLAN\nNatural Language Processing Group\nMicrosoft Research\n"
    "{chrisq,chrisbkt,billdol}@microsoft.com\nAbstract\nWe apply statistical machine"
)
INDEXING = (
    "Indexing XML Data Stored in a Relational Database\nShankar Pal, Istvan Cseri, Oliver"
    " Seeliger, Gideon Schaller, Leo Giakoumakis\nMicrosoft Corporation\nAbstract\nAs XML"
)


@pytest.mark.parametrize(
    ("own", "page", "expected"),
    [
        ("ipg1300180a", PSYCHOGERIATRICS, ""),  # a production code
        ("doi:", PSYCHOGERIATRICS, ""),
        ("AI Magazine", MONO, ""),  # the journal, not the article
        ("Proceedings of the 45th Annual Meeting of the Association", MONO, ""),
        ("Automated Statistics Collection in DB2 Stinger", INDEXING, ""),  # another paper's
        ("Indexing XML Data Stored in a Relational Database", INDEXING,
         "Indexing XML Data Stored in a Relational Database"),
        ("Monolingual Machine Translation for Paraphrase Generation - Proceedings of COLING",
         MONO, "Monolingual Machine Translation for Paraphrase Generation"),
    ],
)  # fmt: skip
def test_a_pdfs_own_title_counts_only_when_page_one_prints_it(
    own: str, page: str, expected: str
) -> None:
    assert trusted_title(own, page) == expected


def test_an_article_type_label_is_not_part_of_the_title() -> None:
    label = "Research Article Patient Experiences of Structured Heart Failure Programmes"
    assert (
        without_article_type(label) == "Patient Experiences of Structured Heart Failure Programmes"
    )
    assert without_article_type("Review of Reviews") == "Review of Reviews"


def test_a_pdfs_own_author_counts_only_when_page_one_prints_it() -> None:
    title = "Stressful life events are not associated with the development of dementia"
    # a publisher's name: the byline under the title instead
    assert chosen_authors(("Journals",), PSYCHOGERIATRICS, title)[0] == "Sundström, Anna"
    # a typist's login that page 1 prints only in an e-mail address: the byline
    mono = "Monolingual Machine Translation for Paraphrase Generation"
    assert chosen_authors(("chrisq",), MONO, mono)[0] == "Quirk, Chris"
    # another paper's author, copied with the template: the byline
    indexing = "Indexing XML Data Stored in a Relational Database"
    assert chosen_authors(("Ashraf Aboulnaga",), INDEXING, indexing)[0] == "Pal, Shankar"
    # one of five: the byline names them all
    assert len(chosen_authors(("Istvan Cseri",), INDEXING, indexing)) == 5
    # nothing printed and nothing that reads as a name: none (the title labels it)
    assert chosen_authors(("antons.jan-niklas",), "Did You Notice?\nAbstract\nTo", "x") == ()


def test_author_lists_split_on_commas_between_whole_names() -> None:
    assert author_names("Viren Jain, H. Sebastian Seung") == ("Viren Jain", "H. Sebastian Seung")
    assert author_names("Doe, Jane") == ("Doe, Jane",)
    pedersen = "Zoltan Gyongyi, Hector Garcia-Molina (Stanford Univ.), Jan Pedersen (Yahoo, Inc.)"
    assert author_names(pedersen) == ("Zoltan Gyongyi", "Hector Garcia-Molina", "Jan Pedersen")
    mullen = ("Katharine M. Mullen", "Ivo H. M. van Stokkum")
    assert work_label(mullen, 2007) == "Mullen & van Stokkum (2007)"


@pytest.mark.parametrize(
    ("page", "year"),
    [
        (PSYCHOGERIATRICS, 2014),
        ("Iron deficiency anaemia\nXiaolu Huang\nABSTRACT\nBackground Recent\n"
         "272 Postgrad Med J 2010;86:272e278. doi:10.1136/pgmj.2009.089987\nOriginal article",
         2010),
        ("758 IEEE TRANSACTIONS ON CIRCUITS AND SYSTEMS FOR VIDEO TECHNOLOGY, VOL. 7, NO. 5,"
         " OCTOBER 1997\nDisk-Based Storage for Scalable Video", 1997),
        ("JSS\nJournal of Statistical Software\nJanuary 2007, Volume 18, Issue 3.\nTIMP", 2007),
        ("Bigtable: A Distributed Storage System\nFay Chang\nAbstract\nTo appear in OSDI 2006 1",
         2006),
        # VLDB's footnote wraps the place; ACM's permission block sits mid-page in a column
        ("Combating Web Spam\nAbstract\nProceedings of the 30th VLDB Conference, \n"
         "Toronto, Canada, 2004\ncreation of a large number", 2004),
        ("Did You Notice?\n" + "Body.\n" * 20 + "CHI 2013 Extended Abstracts, April 27–May 2,"
         " 2013, Paris, France.\nACM 978-1-4503-1952-2/13/04.\n" + "Body.\n" * 20, 2013),
        ("A Title\nAbstract\n" + "Body.\n" * 20 + "Dhaka Univ. J. Pharm. Sci. 8(1):  7-10, 2009"
         " (June)\nBody.", 2009),
        # a year cited in the text is not the paper's
        ("A Title Here\nJane Doe\nAbstract\nAs shown by Smith (2010), 12 studies agree.\n"
         + "Body text.\n" * 30, None),
    ],
)  # fmt: skip
def test_the_year_a_journal_prints_about_the_issue(page: str, year: int | None) -> None:
    assert printed_year(page) == year


def test_the_doi_page_one_prints_is_the_papers() -> None:
    plos = (
        "RESEARCH ARTICLE\nComparative physiological and metabolomics\nKayla Thomason\n"
        + "Body text.\n" * 30
        + "Citation: Thomason K (2018) PLoS ONE 13(6): e0197919. https://doi.org/10.1371/\n"
        "journal.pone.0197919 ... https://doi.org/10.1371/journal.pone.0197919\n"
    )
    assert printed_doi(plos) == "10.1371/journal.pone.0197919"
    head = "Clinical Science (2014) 126, 305–313 doi: 10.1042/CS20130403\nFragment-based design"
    assert printed_doi(head) == "10.1042/cs20130403"
    # two DOIs in the text and none in the head: a cited data set is not the paper
    cited = "A Title\nAbstract\n" + "Body.\n" * 20 + "Data: doi:10.5061/dryad.1\nSee 10.1000/xyz1\n"
    assert printed_doi(cited) == ""


def test_a_title_is_compared_with_page_one_as_read() -> None:
    # the page sets "fi" as a ligature; the /Title spells it out
    page = "Efﬁcient Parsing of Syntactic and Semantic Dependency Structures\nBernd Bohnet"
    own = "Efficient Parsing of Syntactic and Semantic Dependency Structures"
    assert trusted_title(own, page) == own
