"""Near-duplicate file removal for the corpus (MinHash over word 5-grams, LSH banding).

Files that are copies with small edits (vendored versions of one module, generated variants)
repeat text the model then sees several times per epoch; exact dedupe (build_corpus.dedupe)
misses them. A file is dropped when an earlier kept file's estimated Jaccard similarity of word
5-gram sets is at least `threshold`. Deterministic: crc32 shingle hashes, fixed permutations,
first occurrence wins (the package order of the source list).
"""
from __future__ import annotations

import re
import zlib

import numpy as np

WORD = re.compile(r"\w+|[^\w\s]")
PRIME = (1 << 31) - 1  # a*h < 2^62: uint64 holds it, and the modulo mixes


def shingles(text: str, n: int = 5) -> np.ndarray:
    words = WORD.findall(text)
    grams = {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}
    h = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
    return h % PRIME


def signature(hashes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash signature: min over shingles of (a*h + b) mod p, per permutation."""
    sig = np.full(len(a), PRIME, dtype=np.uint64)
    for i in range(0, len(hashes), 20000):  # bounded memory for large files
        part = ((hashes[i:i + 20000, None] * a[None, :] + b[None, :]) % PRIME).min(axis=0)
        sig = np.minimum(sig, part)
    return sig


def near_dedupe(results, threshold: float = 0.8, num_perm: int = 64, bands: int = 16) -> int:
    """Drop near-duplicate records in place from each result's `records`; return the count."""
    rng = np.random.default_rng(20261201)
    a = rng.integers(1, PRIME, num_perm, dtype=np.uint64)
    b = rng.integers(0, PRIME, num_perm, dtype=np.uint64)
    rows = num_perm // bands
    buckets: dict[tuple[int, bytes], list[np.ndarray]] = {}
    removed = 0
    for result in results:
        kept = []
        for record in result.records:
            sig = signature(shingles(record.text), a, b)
            keys = [(i, sig[i * rows:(i + 1) * rows].tobytes()) for i in range(bands)]
            seen = (s for k in keys for s in buckets.get(k, ()))
            if any(np.mean(s == sig) >= threshold for s in seen):
                removed += 1
                continue
            for k in keys:
                buckets.setdefault(k, []).append(sig)
            kept.append(record)
        result.records = kept
    return removed
