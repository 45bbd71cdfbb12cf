"""Near-duplicates: how alike two submissions are, from a small sketch kept with each item.

The text is normalised (lower case, letters and digits only, one space between words) and cut
into word 3-grams ("shingles"). Each shingle is hashed to 48 bits and the `SKETCH_SIZE` smallest
hashes are kept: a bottom-k MinHash sketch. The Jaccard similarity of two texts' shingle sets is
estimated from their sketches alone (Broder 1997): of the k smallest hashes of the union of both
sketches, the share found in both. Texts of fewer than three words have one shingle, the whole
text, so only exact (normalised) copies of them match. The sketch is stored on the item, so a new
submission is compared with recent items without reading their text.
"""

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence

SHINGLE_WORDS = 3
SKETCH_SIZE = 64
NEAR_DUPLICATE_AT = 0.8
"""Estimated Jaccard similarity from which two submissions count as near-duplicates."""

_WORD = re.compile(r"\w+")


def normalise(text: str) -> list[str]:
    """The words of `text`, lower-cased, accents folded, punctuation dropped."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    return _WORD.findall(plain)


def shingles(text: str) -> set[str]:
    words = normalise(text)
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def _hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=6).digest(), "big")


def sketch(text: str) -> list[int]:
    """The bottom-k sketch of `text`: its `SKETCH_SIZE` smallest shingle hashes, ascending."""
    return sorted({_hash(shingle) for shingle in shingles(text)})[:SKETCH_SIZE]


def similarity(first: Sequence[int], second: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the texts whose sketches these are (0.0 to 1.0)."""
    if not first or not second:
        return 0.0
    a, b = set(first), set(second)
    union = sorted(a | b)[:SKETCH_SIZE]
    return sum(1 for value in union if value in a and value in b) / len(union)


def most_similar(
    candidate: Sequence[int], earlier: Iterable[tuple[str, Sequence[int]]]
) -> tuple[str, float] | None:
    """The earlier item (id, similarity) most like `candidate`, if it reaches `NEAR_DUPLICATE_AT`."""
    best: tuple[str, float] | None = None
    for item_id, other in earlier:
        score = similarity(candidate, other)
        if score >= NEAR_DUPLICATE_AT and (best is None or score > best[1]):
            best = (item_id, score)
    return best
