"""Similar submissions: pairs of students whose solution code is nearly the same
beyond the code every student was given, for the TA report.

The fingerprints and the comparison are copydetect's (https://github.com/blingenf/copydetect,
``CodeFingerprint`` and ``compare_files``): Pygments tokens with every name
replaced by ``V``, comments, whitespace and layout dropped, so renamed variables
and reformatted code still match, then k-gram hashes winnowed as in MOSS
("Winnowing: local algorithms for document fingerprinting", Schleimer, Wilkerson
and Aiken, SIGMOD 2003).  Per graded function, two kinds of code are taken out
before students are compared:

- the release notebook's own cell (signature, docstring, stub): copydetect's
  *boilerplate*, as its ``-b`` option does with a handout;
- code that many students share (MOSS's ``-m`` option, "ignore a passage that
  appears in more than M programs"): a one-line function written the same way
  by a dozen honest students, or the textbook form of a loop, says nothing
  about two of them.

A pair is listed when (1) the code the two share that at most ``max_share``
students wrote (*rare*) reaches ``min_shared`` tokens (copydetect's filtered
characters), and (2) at least ``min_similarity`` of the smaller one's code
(release code aside, common code included) is the same: a copy is the same
code all through, two honest students meet on a function or two.  Pairs are
ranked by rare tokens times that share.  Below the noise threshold ``k``
nothing is fingerprinted at all, so a one-line body that two students happen
to write alike never counts.  A match is a reason for a TA to look, not a
verdict.
"""
from __future__ import annotations

import copy
import io
import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Iterable, Mapping, Optional

from .studentcode import release_code, solution_code, submitted_notebook

NOISE = 25           # k: copydetect's default noise threshold (shorter matches are ignored)
GUARANTEE = 25       # copydetect's default guarantee threshold: window = GUARANTEE - NOISE + 1
MIN_SHARED = 80      # tokens of rare shared code before a pair is listed (measured: notes/similar.md)
MIN_SIMILARITY = 0.8  # and the share of the smaller student's code that is the same
TOP = 20             # pairs shown in the report


@dataclass(frozen=True)
class Segment:
    """A run of one student's code; ``shared`` when it is part of the match."""

    text: str
    shared: bool


@dataclass(frozen=True)
class FunctionMatch:
    """One function both students wrote alike: each one's code, cut into segments."""

    function: str
    tokens: int          # filtered characters of code shared in this function (release code aside)
    rare: int            # of which in passages at most ``max_share`` students wrote
    left: tuple          # Segments of the first student's cell
    right: tuple         # Segments of the second student's cell


@dataclass(frozen=True)
class SimilarPair:
    """Two students, how much of their code is the same, and the functions where
    they share rare code (side by side), the most shared first."""

    first: str
    second: str
    rare: int            # tokens of shared code that at most ``max_share`` students wrote
    shared: int          # tokens of shared code, common passages included (release code aside)
    similarity: float    # ``shared`` over the smaller student's code (release code aside), 0..1
    functions: tuple     # FunctionMatch with rare code, most rare first
    also_same: tuple = ()   # functions alike only in common code

    @property
    def score(self) -> float:
        """The ranking: rare shared code, discounted by how much of the rest differs."""
        return self.rare * self.similarity

    @property
    def label(self) -> str:
        return f"{self.first} & {self.second}"


def default_max_share(n_students: int) -> int:
    """How many students may share a passage before it counts as common: MOSS's
    default of 10 for large classes, a tenth of a small class, and never under 2
    (a pair must be able to share something)."""
    return max(2, min(10, math.ceil(n_students / 10)))


def _fingerprint(code: str, boilerplate: Iterable[int] = ()):
    from copydetect import CodeFingerprint
    return CodeFingerprint("cell.py", NOISE, GUARANTEE - NOISE + 1, list(boilerplate), language="python",
                           fp=io.StringIO(code))


def _without(fp, hashes: set):
    """``fp`` with the passages ``hashes`` taken out as boilerplate, as copydetect's
    ``CodeFingerprint`` does, without tokenizing the code again."""
    from copydetect.utils import get_document_fingerprints, get_token_coverage
    if not fp.hashes & hashes:
        return fp
    out = copy.copy(fp)
    out.hashes, out.hash_idx = get_document_fingerprints(fp.filtered_code, NOISE, GUARANTEE - NOISE + 1, list(hashes))
    out.token_coverage = get_token_coverage(out.hash_idx, NOISE, len(fp.filtered_code))
    return out


def find_similar(codes: Mapping[str, Mapping[str, str]], given: Mapping[str, str], *,
                 max_share: Optional[int] = None, min_shared: int = MIN_SHARED,
                 min_similarity: float = MIN_SIMILARITY) -> list[SimilarPair]:
    """Pairs of students whose code is alike beyond ``given`` and beyond common code, ranked.

    codes: ``{student: {function: code}}``; given: ``{function: code}`` of the release.
    """
    max_share = max_share or default_max_share(len(codes))
    whole: dict = {}                                        # (student, function) -> fingerprint, release removed
    rare: dict = {}                                         # the same with common passages removed too
    for f in sorted({f for c in codes.values() for f in c}):
        handout = _fingerprint(given.get(f, "")).hashes
        seen: dict = {}       # code -> fingerprint: identical cells (the common case) are tokenized once
        first = {s: seen.get(c[f]) or seen.setdefault(c[f], _fingerprint(c[f], handout))
                 for s, c in codes.items() if c.get(f, "").strip()}
        holders: dict = defaultdict(set)
        for s, fp in first.items():
            for h in fp.hashes:
                holders[h].add(s)
        common = {h for h, who in holders.items() if len(who) > max_share}
        without = {id(fp): _without(fp, set(handout) | common) for fp in seen.values()}
        for s, fp in first.items():
            whole[s, f] = fp
            rare[s, f] = without[id(fp)]
    return _rank(whole, rare, min_shared, min_similarity)


def _rank(whole: dict, rare: dict, min_shared: int, min_similarity: float) -> list[SimilarPair]:
    """Candidate pairs (sharing a rare passage), kept and ranked as the module docstring says."""
    by_hash: dict = defaultdict(set)
    for (s, f), fp in rare.items():
        for h in fp.hashes:
            by_hash[f, h].add(s)
    candidates = {tuple(sorted(p)) for who in by_hash.values() if len(who) > 1 for p in combinations(who, 2)}
    coverage: dict = defaultdict(int)
    functions: dict = defaultdict(list)
    for (s, f), fp in whole.items():
        coverage[s] += fp.token_coverage
        functions[s].append(f)
    pairs = []
    for a, b in sorted(candidates):
        both = [f for f in functions[a] if (b, f) in whole]
        rare_by = {f: _overlap(rare[a, f], rare[b, f]) for f in both}
        if sum(rare_by.values()) < min_shared:
            continue
        matches = [m for m in (_match(whole[a, f], whole[b, f], f, rare_by[f]) for f in both) if m is not None]
        shared = sum(m.tokens for m in matches)
        similarity = min(1.0, shared / (min(coverage[a], coverage[b]) or 1))
        if similarity >= min_similarity:
            shown = tuple(sorted((m for m in matches if m.rare), key=lambda m: (-m.rare, m.function)))
            pairs.append(SimilarPair(a, b, sum(rare_by.values()), shared, similarity, shown,
                                     tuple(m.function for m in matches if not m.rare)))
    return sorted(pairs, key=lambda p: (-p.score, p.first, p.second))


def _overlap(fa, fb) -> int:
    from copydetect import compare_files
    return int(compare_files(fa, fb)[0]) if fa.hashes & fb.hashes else 0


def _match(fa, fb, function: str, rare: int) -> Optional[FunctionMatch]:
    from copydetect import compare_files
    if not (fa.hashes & fb.hashes):
        return None
    tokens, _, (slices_a, slices_b) = compare_files(fa, fb)
    if not tokens:
        return None
    return FunctionMatch(function, int(tokens), rare, _segments(fa.raw_code, slices_a), _segments(fb.raw_code, slices_b))


def _segments(code: str, slices) -> tuple:
    """``code`` cut at copydetect's copied slices (a 2 x N array of starts and ends)."""
    out, at = [], 0
    for start, end in zip(*(list(map(int, row)) for row in slices)) if len(slices) else ():
        start, end = max(start, at), min(end, len(code))
        if start > at:
            out.append(Segment(code[at:start], False))
        if end > start:
            out.append(Segment(code[start:end], True))
        at = max(at, end)
    if at < len(code):
        out.append(Segment(code[at:], False))
    return tuple(out)


def similar_pairs(assignment: str, students: Iterable[str], root: Optional[Path] = None, *,
                  max_share: Optional[int] = None, min_shared: int = MIN_SHARED,
                  min_similarity: float = MIN_SIMILARITY) -> list[SimilarPair]:
    """:func:`find_similar` on the submissions in ``submitted/`` of the course at ``root``."""
    codes = {s: solution_code(submitted_notebook(assignment, s, root)) for s in students}
    codes = {s: c for s, c in codes.items() if c}
    return find_similar(codes, release_code(assignment, root), max_share=max_share, min_shared=min_shared,
                        min_similarity=min_similarity)


def similar_lines(pairs: list[SimilarPair], top: int = 5) -> list[str]:
    """The report's terminal lines: the most similar pairs, one line each."""
    if not pairs:
        return []
    lines = [f"  similar submissions ({len(pairs)} pairs; code alike beyond the release's, most alike first):"]
    for p in pairs[:top]:
        names = ", ".join(m.function for m in p.functions)
        lines.append(f"    {p.label}: {p.similarity:.0%} of the code the same, {p.rare} tokens of it rare, in {names}")
    return lines
