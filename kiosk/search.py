"""Search that forgives typos, in every language of the terminal.

Passers-by type on an on-screen keyboard, one keystroke at a time, in de, en, tr, ar, uk, pl
or nl. Every keystroke runs `SearchIndex.search`, so a query answers from precomputed
structures in a few milliseconds; the index is built once per content update. How and why:
docs/search.md.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

__all__ = ["Document", "Hit", "SearchIndex", "fold"]


@dataclass(frozen=True)
class Document:
    """Something a visitor can find: a place, an event or a page."""

    type: str  # 'place' | 'event' | 'page'
    id: str
    titles: tuple[str, ...]  # the title/name in every language of the feed
    texts: tuple[str, ...] = ()  # descriptions, summaries, category, address: weaker matches
    boost: float = 0.0  # e.g. owner-run shops or today's events rank a little higher


@dataclass(frozen=True)
class Hit:
    """One result, best first; a higher score is a better match."""

    type: str
    id: str
    score: float


# --- folding -------------------------------------------------------------------------------

# Letters that Unicode does not decompose into base letter + mark, folded by hand.
_LETTERS = {
        "ı": "i",  # Turkish dotless i; dotted İ becomes i + U+0307, which loses its mark below
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ŀ": "l",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "ى": "ي",  # alef maksura typed for final ya
        "ی": "ي",  # Persian ya, which some keyboards produce for Arabic ya
        "ة": "ه",  # ta marbuta typed as ha
        "ٱ": "ا",  # alef wasla; the hamza forms أ إ آ decompose to ا + mark
        "\u0640": None,  # tatweel only stretches a word
        **{chr(0x0660 + n): str(n) for n in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + n): str(n) for n in range(10)},  # Eastern Arabic-Indic digits
}
# A regex with a lookup is several times faster than str.translate on non-ASCII text.
_LETTER = re.compile("[" + "".join(_LETTERS) + "]")
# Combining marks that are dropped wherever they stand (Latin accents, Arabic harakat, hamza).
_DROPPED_MARKS = re.compile(
    "[\u0300-\u0305\u0307\u0309-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]+"
)
# Breve and diaeresis make the Cyrillic letters й, ї, ў: kept there, dropped after anything else.
_LATIN_BREVE_DIAERESIS = re.compile("(?<![\u0400-\u052f])[\u0306\u0308]+")
_TOKEN = re.compile(r"[^\W_]+")
_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
_UMLAUT = re.compile("[äöüÄÖÜ]")
_MAX_TOKEN = 64  # longer "words" are URLs or noise; capping keeps offsets and recursion small
_JOINED_MAX = 4  # title words written together, up to this many
_JOINED_MIN_QUERY = 4  # shorter query words find the first of the joined words as a prefix anyway
_JOINED_PREFIX_LIMIT = 256  # joined words that begin with one query word; more is a query still too short
_MAX_QUERY_TOKENS = 12


def fold(text: str) -> str:
    """The normal form that both the index and queries go through.

    Case-insensitive, accents removed (é→e, ç→c, ł→l, ü→u), ß→ss, Turkish ı/İ→i, Cyrillic
    ё→е with the Ukrainian letters і ї є ґ kept, Arabic without harakat and tatweel and with one
    alef, ى→ي, ة→ه. German ue/oe/ae spellings are added by the index, not here.
    """
    text = _LETTER.sub(lambda m: _LETTERS[m.group()] or "", unicodedata.normalize("NFKD", text).casefold())
    text = text.replace("е\u0308", "е")  # Cyrillic ё is written е in most signage
    text = _DROPPED_MARKS.sub("", text)
    text = _LATIN_BREVE_DIAERESIS.sub("", text)
    return unicodedata.normalize("NFC", text)


def _query_tokens(text: str) -> list[str]:
    return [t[:_MAX_TOKEN] for t in _TOKEN.findall(fold(text))]


def _spellings(text: str) -> list[str]:
    """The text, and Brückstraße also spelt the German way: Brueckstrasse."""
    composed = unicodedata.normalize("NFC", text)
    if _UMLAUT.search(composed):
        return [text, _UMLAUT.sub(lambda m: _UMLAUTS[m.group()], composed)]
    return [text]


def _index_tokens(text: str) -> set[str]:
    """Tokens of a document text, in both German spellings."""
    return {token for spelling in _spellings(text) for token in _query_tokens(spelling)}


def _joined_tokens(text: str) -> set[str]:
    """Runs of up to _JOINED_MAX title words written together: a visitor types "badhomburg" or
    "sanktpauli" for Bad Homburg and Sankt-Pauli."""
    tokens: set[str] = set()
    for spelling in _spellings(text):
        words = _query_tokens(spelling)
        for size in range(2, _JOINED_MAX + 1):
            tokens.update("".join(words[i:i + size])[:_MAX_TOKEN] for i in range(len(words) - size + 1))
    return tokens


def _whole_names(text: str) -> set[str]:
    """A title written as one word (in both German spellings), to know a query that is the whole name."""
    return {"".join(_query_tokens(spelling)) for spelling in _spellings(text)}


def _osa_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment) of two short strings."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            v = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            row[j] = v
        prev2, prev = prev, row
    return prev[-1]


# --- ranking -------------------------------------------------------------------------------

# Every title match outranks every text match; within a field exact > prefix > infix > typo.
# Even integers, so that a boost (worth less than 1) never lifts a hit over a better match.
_TITLE, _TEXT = 0, 1
_SCORES = {
    (_TITLE, "exact"): 100,
    (_TITLE, "prefix"): 90,
    (_TITLE, "infix"): 70,
    (_TITLE, "typo"): 60,
    (_TEXT, "exact"): 40,
    (_TEXT, "prefix"): 36,
    (_TEXT, "typo"): 24,
}
# A query that is a title's whole name ("Rathaus") lifts it over titles that only contain it
# ("Rathaus-Apotheke"): more than any difference of matches within one word, even like the rest.
_WHOLE_NAME = 50
_MAX_CHAR = "\U0010ffff"  # sorts after every letter: p + _MAX_CHAR bounds all words starting with p
_DENSE = 256  # postings from this many on are kept as a bitmask of documents (bytes ≈ docs/8)
_PREFIX_MIN, _PREFIX_MAX = 3, 8  # prefix lengths in the typo (deletion) index
_BITS = tuple(1 << n for n in range(8))


def _boost_fraction(boost: float) -> float:
    """Maps any boost monotonically into (-1, 1), below the gap between two match scores."""
    if boost != boost:  # NaN ranks as no boost
        return 0.0
    return boost / (1.0 + abs(boost))


class SearchIndex:
    """An in-memory index over the documents of one content version.

    Build it once per content update (about a second per 7,000 documents on a desktop, see
    docs/search.md) and call `search` on every keystroke.
    """

    def __init__(self, documents: Iterable[Document]):
        unique = {(d.type, d.id): d for d in documents}  # a later copy replaces an earlier one
        # Internal document numbers follow the tie-break order, so within one score the lowest
        # numbers are the best: boost, then the shorter title, then type and id.
        self._docs: list[Document] = sorted(
            unique.values(),
            key=lambda d: (-_boost_fraction(d.boost), len(d.titles[0]) if d.titles else 0, d.type, d.id),
        )
        self._nbytes = (len(self._docs) + 7) // 8
        self._all = (1 << len(self._docs)) - 1
        fields: tuple[dict[str, list[int]], ...] = (defaultdict(list), defaultdict(list))
        whole: dict[str, list[int]] = defaultdict(list)
        joined: dict[str, list[int]] = defaultdict(list)
        for number, doc in enumerate(self._docs):
            in_title: set[str] = set()
            names: set[str] = set()
            together: set[str] = set()
            for title in doc.titles:
                in_title |= _index_tokens(title)
                names |= _whole_names(title)
                together |= _joined_tokens(title)
            for name in names:
                whole[name].append(number)
            for token in together - in_title:
                joined[token].append(number)
            in_text: set[str] = set()
            for text in doc.texts:
                in_text |= _index_tokens(text)
            in_text -= in_title  # a title match always outranks the same word in the text
            for token in in_title:
                fields[_TITLE][token].append(number)
            for token in in_text:
                fields[_TEXT][token].append(number)
        self._vocab: list[str] = sorted(fields[_TITLE].keys() | fields[_TEXT].keys())
        typecode = "H" if len(self._docs) <= 0xFFFF else "I"
        # Postings in one flat array per field (CSR): token i owns flat[offsets[i]:offsets[i+1]].
        self._offsets: list[array] = []
        self._flat: list[array] = []
        self._token_masks: list[dict[int, int]] = []
        for postings in fields:
            offsets, flat, masks = array("I", [0]), array(typecode), {}
            for i, token in enumerate(self._vocab):
                numbers = postings.get(token, ())
                flat.extend(numbers)
                offsets.append(len(flat))
                if len(numbers) >= _DENSE:
                    masks[i] = self._mask(numbers)
            self._offsets.append(offsets)
            self._flat.append(flat)
            self._token_masks.append(masks)
        del fields
        self._whole = {name: self._mask(numbers) for name, numbers in whole.items()}
        # Joined words stay out of the vocabulary: as words they would multiply the typo and infix
        # indexes (5 times the words, 50 times the suffixes on the large feed) for exact and prefix use.
        self._joined = sorted(joined)
        self._joined_masks = [self._mask(joined[token]) for token in self._joined]
        self._prefix_masks = [self._build_prefix_masks(field) for field in (_TITLE, _TEXT)]
        self._build_deletion_index()
        self._build_suffix_index()

    # --- building ------------------------------------------------------------------------

    def _mask(self, numbers: Iterable[int]) -> int:
        bits = bytearray(self._nbytes)
        for n in numbers:
            bits[n >> 3] |= _BITS[n & 7]
        return int.from_bytes(bits, "little")

    def _build_prefix_masks(self, field: int) -> dict[str, int]:
        """Bitmasks for every prefix whose words have many postings: "k" costs no more than "kamp"."""
        vocab, offsets, masks = self._vocab, self._offsets[field], {}

        def group_mask(lo: int, hi: int, depth: int) -> int:
            if offsets[hi] - offsets[lo] < _DENSE:
                return self._mask(self._flat[field][offsets[lo] : offsets[hi]])
            mask, i = 0, lo
            if len(vocab[i]) == depth:  # the prefix itself is a word, sorted first
                mask = self._token_mask(field, i)
                i += 1
            while i < hi:
                j = bisect_left(vocab, vocab[i][: depth + 1] + _MAX_CHAR, i, hi)
                mask |= group_mask(i, j, depth + 1)
                i = j
            if depth:
                masks[vocab[lo][:depth]] = mask
            return mask

        if vocab:
            group_mask(0, len(vocab), 0)
        return masks

    def _build_deletion_index(self) -> None:
        """SymSpell-style: every word prefix of 3-8 letters and its one-letter deletions.

        Entries are packed ints, sorted: the high bits hash the deletion string, the low bits
        say which prefix (first word index, length) it came from. Hash collisions are harmless:
        every candidate is checked with a real distance.
        """
        self._ref_bits = max(24, len(self._vocab).bit_length() + 4)
        self._hash_mask = (1 << (62 - self._ref_bits)) - 1
        entries: list[int] = []
        previous = ""
        for i, word in enumerate(self._vocab):
            for length in range(_PREFIX_MIN, min(len(word), _PREFIX_MAX) + 1):
                prefix = word[:length]
                if previous[:length] == prefix:
                    continue  # the same prefix was indexed with an earlier word
                ref = (i << 4) | length
                keys = {prefix} | {prefix[:j] + prefix[j + 1 :] for j in range(length)}
                entries.extend(((hash(key) & self._hash_mask) << self._ref_bits) | ref for key in keys)
            previous = word
        entries.sort()
        self._deletions = array("q", entries)

    def _build_suffix_index(self) -> None:
        """Every ending of 3+ letters that starts inside a title word, sorted: infixes (markt in
        weihnachtsmarkt) and exact pieces for the two-typo search are found by bisection.

        Titles only: an infix inside description words is noise ("lich" in every German adverb),
        and address words ending in -strasse would make the two-typo search slow.
        """
        vocab, offsets = self._vocab, self._offsets[_TITLE]
        entries = [
            (i << 8) | offset
            for i, word in enumerate(vocab)
            if offsets[i + 1] > offsets[i]
            for offset in range(1, min(len(word) - 2, 256))
        ]
        entries.sort(key=self._suffix)
        self._suffixes = array("q", entries)

    def _suffix(self, entry: int) -> str:
        return self._vocab[entry >> 8][entry & 0xFF :]

    # --- postings ------------------------------------------------------------------------

    def _token_mask(self, field: int, i: int) -> int:
        mask = self._token_masks[field].get(i)
        if mask is None:
            offsets = self._offsets[field]
            mask = self._mask(self._flat[field][offsets[i] : offsets[i + 1]])
        return mask

    def _prefix_range(self, prefix: str) -> tuple[int, int]:
        lo = bisect_left(self._vocab, prefix)
        return lo, bisect_left(self._vocab, prefix + _MAX_CHAR, lo)

    def _prefix_mask(self, field: int, prefix: str) -> int:
        mask = self._prefix_masks[field].get(prefix)
        if mask is None:  # few postings: one contiguous slice of the flat array
            lo, hi = self._prefix_range(prefix)
            offsets = self._offsets[field]
            mask = self._mask(self._flat[field][offsets[lo] : offsets[hi]])
        return mask

    def _tokens_mask(self, field: int, tokens: Iterable[int]) -> int:
        offsets, flat, dense = self._offsets[field], self._flat[field], self._token_masks[field]
        bits, mask = bytearray(self._nbytes), 0
        for i in tokens:
            if i in dense:
                mask |= dense[i]
                continue
            for n in flat[offsets[i] : offsets[i + 1]]:
                bits[n >> 3] |= _BITS[n & 7]
        return mask | int.from_bytes(bits, "little")

    def _suffix_range(self, piece: str) -> tuple[int, int]:
        lo = bisect_left(self._suffixes, piece, key=self._suffix)
        return lo, bisect_left(self._suffixes, piece + _MAX_CHAR, lo, key=self._suffix)

    # --- typo candidates -----------------------------------------------------------------

    def _near_prefixes(self, word: str) -> set[str]:
        """Word prefixes (3-8 letters) within Damerau-Levenshtein distance 1 of `word` (≤ 7 letters)."""
        keys = {word} | {word[:j] + word[j + 1 :] for j in range(len(word))}
        deletions, shift, vocab = self._deletions, self._ref_bits, self._vocab
        found: set[str] = set()
        for key in keys:
            h = (hash(key) & self._hash_mask) << shift
            lo = bisect_left(deletions, h)
            hi = bisect_left(deletions, h + (1 << shift), lo)
            for entry in deletions[lo:hi]:
                prefix = vocab[(entry >> 4) & ((1 << (shift - 4)) - 1)][: entry & 15]
                if prefix not in found and abs(len(prefix) - len(word)) <= 1 and _osa_distance(word, prefix) <= 1:
                    found.add(prefix)
        return found

    def _typo_prefixes(self, q: str) -> set[str]:
        """Prefixes P such that every word starting with P is a typo-tolerant match of `q`."""
        m = len(q)
        if m < 4:
            return set()
        if m < 8:
            return {p for p in self._near_prefixes(q) if len(p) >= 4}
        # Two typos allowed. Split q = A + B: either A has at most one typo (deletion index
        # finds where to start), or A has two and B is exact (suffix index finds it, in title
        # words). Then a walk over the sorted words, sharing work like a trie, checks all of q.
        h = min(7, m - 4)
        ranges = [self._prefix_range(p) for p in self._near_prefixes(q[:h])]
        # B at offset h, and one letter later in case a transposition straddles the split.
        for start in (h, h + 1):
            lo, hi = self._suffix_range(q[start:])
            for entry in self._suffixes[lo:hi]:
                if abs((entry & 0xFF) - start) <= 2:
                    i = entry >> 8
                    ranges.append((i, i + 1))
        return self._walk(q, 2, ranges)

    def _walk(self, q: str, k: int, ranges: list[tuple[int, int]]) -> set[str]:
        """Prefixes of words in `ranges` within distance k of q, by banded Damerau-Levenshtein
        rows reused along shared prefixes; subtrees are skipped once no row cell is ≤ k."""
        vocab, m, big = self._vocab, len(q), k + 1
        rows = [[j if j <= k else big for j in range(m + 1)]]
        path = ""
        found: set[str] = set()
        merged: list[list[int]] = []
        for lo, hi in sorted(ranges):
            if merged and lo <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hi)
            elif lo < hi:
                merged.append([lo, hi])
        for lo, hi in merged:
            i = lo
            while i < hi:
                word = vocab[i]
                n, limit = 0, min(len(word), len(path))
                while n < limit and word[n] == path[n]:
                    n += 1
                if n < len(path):
                    del rows[n + 1 :]
                    path = path[:n]
                next_i, d, end = i + 1, n, min(len(word), m + k)
                while d < end:
                    d += 1
                    c = word[d - 1]
                    prev = rows[d - 1]
                    prev2 = rows[d - 2] if d >= 2 else prev
                    pc = word[d - 2] if d >= 2 else ""
                    row = [big] * (m + 1)
                    if d <= k:
                        row[0] = d
                    best = row[0]
                    for j in range(max(1, d - k), min(m, d + k) + 1):
                        qj = q[j - 1]
                        v = prev[j - 1] + (qj != c)
                        if prev[j] + 1 < v:
                            v = prev[j] + 1
                        if row[j - 1] + 1 < v:
                            v = row[j - 1] + 1
                        if j >= 2 and qj == pc and q[j - 2] == c and prev2[j - 2] + 1 < v:
                            v = prev2[j - 2] + 1
                        if v > big:
                            v = big
                        row[j] = v
                        if v < best:
                            best = v
                    rows.append(row)
                    path += c
                    if row[m] <= k or best > k:
                        if row[m] <= k:
                            found.add(path)  # every word below this prefix matches
                        next_i = bisect_left(vocab, path + _MAX_CHAR, i, hi)
                        break
                else:
                    if d == m + k:  # deeper letters cannot bring the distance back down
                        next_i = bisect_left(vocab, path + _MAX_CHAR, i, hi)
                i = next_i
        return found

    # --- querying ------------------------------------------------------------------------

    def _levels(self, q: str) -> list[tuple[int, int]]:
        """(score, documents) of one query word, best first, each document in one level only."""
        lo, hi = self._prefix_range(q)
        exact = lo if lo < hi and self._vocab[lo] == q else None
        typos = self._typo_prefixes(q) if len(q) >= 4 else set()
        infix_tokens: set[int] = set()
        if len(q) >= 4:
            slo, shi = self._suffix_range(q)
            infix_tokens = {entry >> 8 for entry in self._suffixes[slo:shi]}
        levels, seen = [], 0
        for field in (_TITLE, _TEXT):
            for kind in ("exact", "prefix", "infix", "typo"):
                score = _SCORES.get((field, kind))
                if score is None:
                    continue  # infixes only in titles: "lich" inside every German adverb is noise
                if kind == "exact":
                    mask = self._token_mask(field, exact) if exact is not None else 0
                    if field == _TITLE:
                        mask |= self._joined_mask(q, whole_word=True)
                elif kind == "prefix":
                    mask = self._prefix_mask(field, q) if lo < hi else 0
                    if field == _TITLE:
                        mask |= self._joined_mask(q, whole_word=False)
                elif kind == "infix":
                    mask = self._tokens_mask(field, infix_tokens)
                else:
                    mask = self._typos_mask(field, typos)
                mask &= ~seen
                if mask:
                    levels.append((score, mask))
                    seen |= mask
        return levels

    def _joined_mask(self, q: str, whole_word: bool) -> int:
        """Documents with title words that, written together, are q (or begin with q)."""
        if len(q) < _JOINED_MIN_QUERY:
            return 0
        lo = bisect_left(self._joined, q)
        if whole_word:
            return self._joined_masks[lo] if lo < len(self._joined) and self._joined[lo] == q else 0
        hi = bisect_left(self._joined, q + _MAX_CHAR, lo)
        mask = 0
        for i in range(lo, min(hi, lo + _JOINED_PREFIX_LIMIT)):
            mask |= self._joined_masks[i]
        return mask

    def _typos_mask(self, field: int, prefixes: set[str]) -> int:
        mask = 0
        for prefix in prefixes:
            mask |= self._prefix_mask(field, prefix)
        return mask

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """Documents that match every word of the query, the last one as typed so far; best first."""
        tokens = _query_tokens(query)[:_MAX_QUERY_TOKENS]
        if not tokens or limit <= 0 or not self._docs:
            return []
        # AND over query words: intersect the levels word by word, adding up the scores.
        partial = [(0, self._all)]
        for q in tokens:
            levels = self._levels(q)
            partial = [
                (score + level_score, both)
                for score, docs in partial
                for level_score, level_docs in levels
                if (both := docs & level_docs)
            ]
            if not partial:
                return []
        by_score: dict[int, int] = {}
        named = self._whole.get("".join(tokens), 0)
        for score, docs in partial:
            if docs & named:
                by_score[score + _WHOLE_NAME] = by_score.get(score + _WHOLE_NAME, 0) | (docs & named)
                docs &= ~named
            if docs:
                by_score[score] = by_score.get(score, 0) | docs
        hits: list[Hit] = []
        for score in sorted(by_score, reverse=True):
            docs = by_score[score]
            while docs and len(hits) < limit:
                lowest = docs & -docs
                docs ^= lowest
                doc = self._docs[lowest.bit_length() - 1]
                hits.append(Hit(doc.type, doc.id, score + _boost_fraction(doc.boost)))
            if len(hits) >= limit:
                break
        return hits
