"""kiosk.search: folding, typo tolerance, prefixes as you type, ranking, and every script."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.search import Document, Hit, SearchIndex, fold

DOCUMENTS = [
    Document("event", "xmas", ("Weihnachtsmarkt", "Christmas market", "Noel pazarı", "Kerstmarkt"),
             ("Der größte Markt der Stadt rund um die Reinoldikirche",)),
    Document("place", "reinoldi", ("Reinoldikirche", "St. Reinold's Church"), ("Kirche, Ostenhellweg 2",)),
    Document("place", "brueck", ("Brückstraße",), ("Straße mit Konzerthaus",)),
    Document("place", "kamp", ("Kampstraße",), ("Straße in der City",)),
    Document("place", "kamp-parking", ("Kampstraße Parkhaus",), ("Parken",)),
    Document("place", "kumpstrasse", ("Kumpstraße",), ("Eine andere Straße",)),
    Document("place", "books", ("Buchhandlung am Markt", "Kitapçı", "Книгарня"), ("Bücher, Tee und Kaffee",)),
    Document("place", "books-only", ("Antiquariat Buchholz",), ("Alte Bücher",)),
    Document("place", "tea-only", ("Teeladen Hansa",), ("Grüner Tee, schwarzer Tee",)),
    Document("place", "library", ("Stadt- und Landesbibliothek", "مكتبة المدينة", "Міська бібліотека"), ()),
    Document("place", "ostwall", ("Museum Ostwall",), ("Kunst im Dortmunder U",)),
    Document("event", "guide", ("Stadtführung",), ("Start am Museum für Kunst",)),
    Document("page", "help", ("Hilfe", "Help", "Yardım", "Допомога"), ("Wie benutze ich das Terminal?",)),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(DOCUMENTS)


def ids(hits: list[Hit]) -> list[str]:
    return [hit.id for hit in hits]


# --- folding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Brückstraße", "bruckstrasse"),
        ("BRÜCKSTRASSE", "bruckstrasse"),
        ("Straße", "strasse"),
        ("Café Crème", "cafe creme"),
        ("Łódź, Øresund", "lodz, oresund"),
        ("İSTANBUL", "istanbul"),
        ("ıspanak", "ispanak"),
        ("Kitapçı Şeker Dağ", "kitapci seker dag"),
        ("أحمد إبراهيم آمنة", "احمد ابراهيم امنه"),
        ("عَرَبِيَّـة", "عربيه"),
        ("مستشفى", "مستشفي"),
        ("ЁЛКА Київ", "елка київ"),
        ("ЇЖАК Є ҐАНОК ЙОД", "їжак є ґанок йод"),
        ("٢٠٢٤", "2024"),
    ],
)
def test_fold(a: str, b: str) -> None:
    assert fold(a) == b


def test_fold_keeps_ukrainian_letters_apart() -> None:
    assert len({fold("і"), fold("ї"), fold("и"), fold("й")}) == 4
    assert fold("є") != fold("е") and fold("ґ") != fold("г")


def test_fold_accepts_decomposed_input() -> None:
    assert fold("Bru\u0308ckstrasse") == fold("Brückstraße")
    assert fold("и\u0306") == "й"


# --- matching ------------------------------------------------------------------------------


def test_blank_query_finds_nothing(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("   ,;- ") == []
    assert index.search("kamp", limit=0) == []


def test_typo_in_long_word(index: SearchIndex) -> None:
    assert ids(index.search("weihnachtsmrkt"))[0] == "xmas"
    assert ids(index.search("Wiehnachtsmarkt"))[0] == "xmas"


def test_typo_in_start_of_compound(index: SearchIndex) -> None:
    assert ids(index.search("reinholdi"))[0] == "reinoldi"


def test_german_umlaut_spellings(index: SearchIndex) -> None:
    for query in ("Bruckstrasse", "Brueckstrasse", "brückstraße", "BRÜCKSTR"):
        assert ids(index.search(query))[0] == "brueck", query


def test_prefix_as_you_type(index: SearchIndex) -> None:
    for query in ("k", "ka", "kam", "kamp", "kamps"):
        assert "kamp" in ids(index.search(query)), query
    assert ids(index.search("weihn"))[0] == "xmas"


def test_infix_of_compound_ranks_below_prefix(index: SearchIndex) -> None:
    hits = ids(index.search("markt"))
    assert "xmas" in hits  # Weihnachtsmarkt
    assert hits.index("books") < hits.index("xmas")  # "Buchhandlung am Markt": a whole word


def test_all_query_words_must_match(index: SearchIndex) -> None:
    assert ids(index.search("buch tee")) == ["books"]
    assert ids(index.search("tee buch")) == ["books"]
    assert index.search("buch zebra") == []


def test_every_language(index: SearchIndex) -> None:
    assert ids(index.search("kitapçı")) == ["books"]
    assert ids(index.search("KİTAPÇI")) == ["books"]
    assert ids(index.search("kitapci")) == ["books"]
    assert ids(index.search("المدينة"))[0] == "library"
    assert ids(index.search("مكتبه"))[0] == "library"  # ة typed as ه
    assert ids(index.search("бібліотека"))[0] == "library"
    assert ids(index.search("Книгарня")) == ["books"]
    assert ids(index.search("yardim")) == ["help"]


def test_ukrainian_letters_are_not_folded_together(index: SearchIndex) -> None:
    # "бiблiотека" with Latin i must not match exactly; "библиотека" with и is a typo match only
    exact = index.search("бібліотека")[0].score
    assert index.search("библиотека")[0].score < exact


# --- ranking -------------------------------------------------------------------------------


def test_exact_title_beats_typo(index: SearchIndex) -> None:
    hits = index.search("kampstrasse")
    assert ids(hits)[:2] == ["kamp", "kamp-parking"]
    assert "kumpstrasse" in ids(hits)
    assert hits[0].score > hits[ids(hits).index("kumpstrasse")].score


def test_title_beats_description(index: SearchIndex) -> None:
    assert ids(index.search("museum")) == ["ostwall", "guide"]
    assert ids(index.search("kunst")) == ["guide", "ostwall"]  # both in texts: shorter title first


def test_shorter_title_wins_a_tie(index: SearchIndex) -> None:
    hits = index.search("kamp")
    assert ids(hits)[:2] == ["kamp", "kamp-parking"]
    assert hits[0].score == hits[1].score


def test_boost_breaks_ties_but_never_beats_a_better_match() -> None:
    docs = [
        Document("place", "plain", ("Teeladen Nord",)),
        Document("place", "owner-run", ("Teeladen am Markt",), boost=1.0),
        Document("place", "typo", ("Teelsden",), boost=1000.0),
    ]
    hits = SearchIndex(docs).search("teeladen")
    assert ids(hits) == ["owner-run", "plain", "typo"]
    assert hits[0].score > hits[1].score > hits[2].score


def test_the_whole_name_beats_longer_names_that_begin_with_it_whatever_their_boost() -> None:
    docs = [Document("place", f"shop-{n}", (f"Stiftskirche {word}",), boost=0.2)
            for n, word in enumerate(("Apotheke", "Bäckerei", "Café", "Optik", "Moden", "Blumen", "Schuhe"))]
    docs.append(Document("place", "church", ("Stiftskirche",), boost=0.5))
    hits = SearchIndex(docs).search("Stiftskirche")
    assert ids(hits)[0] == "church" and hits[0].score >= hits[1].score + 50
    # As the visitor types, the landmark's boost (0.5) keeps it above the owner-run shops (0.2).
    assert ids(SearchIndex(docs).search("stiftsk"))[0] == "church"


@pytest.mark.parametrize("query", ["badhomburg", "bad-homburg", "BadHomburg", "badhomb", "sanktpauli",
                                   "sankt pauli", "mariongrafindonhoffbrucke"])
def test_names_written_without_spaces_or_hyphens_are_found(query) -> None:
    docs = [Document("place", "bh", ("Bad Homburg",)), Document("place", "sp", ("Sankt-Pauli-Kirche",)),
            Document("place", "md", ("Marion-Gräfin-Dönhoff-Brücke",)), Document("place", "other", ("Badeanstalt",))]
    assert ids(SearchIndex(docs).search(query))[0] in ("bh", "sp", "md")


def test_results_are_deterministic() -> None:
    shuffled = DOCUMENTS[:]
    random.Random(3).shuffle(shuffled)
    for query in ("k", "markt", "str", "tee"):
        assert SearchIndex(shuffled).search(query) == SearchIndex(DOCUMENTS).search(query)


def test_limit(index: SearchIndex) -> None:
    assert len(index.search("s", limit=2)) == 2


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_search_never_raises(query: str) -> None:
    hits = SEARCH_INDEX.search(query)
    assert all(isinstance(hit, Hit) for hit in hits)


SEARCH_INDEX = SearchIndex(DOCUMENTS)


# --- a city-sized index --------------------------------------------------------------------

SYLLABLES = {
    "de": "ber ger stra ße markt kir che hal le mün ster bach dorf wei haus platz brü cke ung lich".split(),
    "en": "the mar ket chur ch hall street park stone ing er ton wood ley ford shop book tea".split(),
    "tr": "kit ap çı ev ler lar şe hir gü zel mer kez ça rşı yol ğı ba hçe ca mi".split(),
    "ar": "مك تب ة سو ق شا رع مد ين ال كن يس حد يق أ إ ى مس جد".split(),
    "uk": "ки їв ри нок ву ли ця цер ква пло ща єв ґа ніч ко да ст ар".split(),
    "pl": "ul ica ko ściół ry nek plac ło dź ża szk ole gro dz ki ew ska".split(),
    "nl": "straat kerk markt plein huis van de ij oo ge bouw win kel berg".split(),
}


def synthetic_documents(places: int = 2000, events: int = 5000, seed: int = 7) -> list[Document]:
    """Places and events with titles and descriptions in 7 languages made of local syllables."""
    rnd = random.Random(seed)
    words = {
        lang: ["".join(rnd.choice(syl) for _ in range(rnd.randint(2, 4))).capitalize() for _ in range(2500)]
        for lang, syl in SYLLABLES.items()
    }

    def phrase(lang: str, low: int, high: int) -> str:
        return " ".join(rnd.choice(words[lang]) for _ in range(rnd.randint(low, high)))

    docs = []
    for n in range(places + events):
        kind = "place" if n < places else "event"
        titles = tuple(phrase(lang, 1, 4) for lang in SYLLABLES)
        texts = tuple(phrase(lang, 15, 30) for lang in SYLLABLES) + (f"{phrase('de', 1, 1)}straße {n % 200}",)
        docs.append(Document(kind, f"{kind}-{n}", titles, texts, boost=rnd.choice((0.0, 0.0, 0.0, 1.0))))
    return docs


@pytest.fixture(scope="module")
def city() -> tuple[SearchIndex, list[Document]]:
    docs = synthetic_documents() + DOCUMENTS
    return SearchIndex(docs), docs


def test_city_sized_index_finds_the_right_things(city: tuple[SearchIndex, list[Document]]) -> None:
    index, docs = city
    assert ids(index.search("weihnachtsmrkt"))[0] == "xmas"
    assert ids(index.search("reinholdi"))[0] == "reinoldi"
    assert ids(index.search("Bruckstrasse"))[0] == "brueck"
    assert ids(index.search("kampstrasse"))[:2] == ["kamp", "kamp-parking"]
    assert ids(index.search("kitapçı"))[0] == "books"
    assert ids(index.search("buch tee")) == ["books"]
    for query in ("k", "st", "wei", "kir", "ma"):  # thousands of matches, best 20 in order
        hits = index.search(query)
        assert len(hits) == 20, query
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert ids(index.search("kam"))[:2] == ["kamp", "kamp-parking"]
    # each synthetic document is found by its own title, as an exact match of every word
    for doc in random.Random(5).sample(docs[:7000], 40):
        hits = {hit.id: hit for hit in index.search(doc.titles[0], limit=7000)}
        assert hits[doc.id].score >= 100 * len(doc.titles[0].split()), doc.titles[0]
