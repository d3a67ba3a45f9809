"""Word boundaries for scripts written without spaces (Thai, Khmer, Lao, Burmese), from ICU.

A Thai or Khmer title has no spaces between its words, so splitting on spaces would
either cut a word in two or never break the line at all. ICU's dictionary-based
BreakIterator knows where the words end. It is read from the system's ICU library
(Debian's ``libicu72`` and its successors, installed with ``libicu-dev`` by ``./dev`` and CI)
through ``ctypes``: PyICU has no wheels and costs minutes of compiling on every fresh
machine, while the C library is already there and its word-break API is stable.

Without the library, :func:`segments` says so once in the log and falls back to spaces,
which keeps a no-space title whole on one line: never cut inside a word.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import itertools
import logging
import re
import threading
import unicodedata
from collections.abc import Callable

log = logging.getLogger(__name__)

UBRK_WORD = 1
UBRK_DONE = -1
#: ICU's error codes are positive; negative ones are warnings (e.g. "using the root locale's rules").
U_ZERO_ERROR = 0
_WORDS = re.compile(r"\S+\s*|\s+")
#: Unicode punctuation categories: opening brackets and quotes; closing ones and the rest (, . : ; ! ? %); dashes,
#: which hold on to both sides ("2018-10", "Timor-Leste": whole, as between spaces; wrap's ``hyphens`` may part them).
_OPENING, _CLOSING, _DASHES = {"Ps", "Pi"}, {"Pe", "Pf", "Po"}, {"Pd"}


class _Icu:
    """The four C functions of ICU's break iterator, bound once."""

    def __init__(self, library: ctypes.CDLL, suffix: str) -> None:
        def bind(name: str, restype: object, *argtypes: object) -> Callable[..., object]:
            fn = getattr(library, name + suffix)
            fn.restype, fn.argtypes = restype, list(argtypes)
            return fn

        self.open = bind(
            "ubrk_open", ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int32, ctypes.POINTER(ctypes.c_int)
        )
        self.next = bind("ubrk_next", ctypes.c_int32, ctypes.c_void_p)
        self.close = bind("ubrk_close", None, ctypes.c_void_p)
        self.lock = threading.Lock()  # one iterator at a time is plenty: titles are short


@functools.cache
def _icu() -> _Icu | None:
    name = ctypes.util.find_library("icuuc")
    if name is None:
        log.warning("ICU (libicuuc) not found: Thai, Khmer, Lao and Burmese lines break at spaces only")
        return None
    library = ctypes.CDLL(name)
    version = re.search(r"\.so\.(\d+)", name)
    for suffix in ([f"_{version.group(1)}"] if version else []) + [""]:
        try:
            return _Icu(library, suffix)
        except AttributeError:
            continue
    log.warning("ICU library %s has no ubrk_open: lines break at spaces only", name)
    return None


def available() -> bool:
    """Whether dictionary word boundaries are available on this machine."""
    return _icu() is not None


def _icu_segments(icu: _Icu, text: str, locale: str) -> list[str] | None:
    data = text.encode("utf-16-le")
    units = len(data) // 2
    buffer = ctypes.create_string_buffer(data, len(data) + 2)
    status = ctypes.c_int(U_ZERO_ERROR)
    with icu.lock:
        iterator = icu.open(UBRK_WORD, locale.encode("ascii"), buffer, units, ctypes.byref(status))
        if status.value > U_ZERO_ERROR or not iterator:
            return None
        try:
            bounds = [0]
            while (position := icu.next(iterator)) != UBRK_DONE:
                bounds.append(position)
        finally:
            icu.close(iterator)
    return [data[a * 2 : b * 2].decode("utf-16-le") for a, b in itertools.pairwise(bounds)]


def segments(text: str, locale: str, *, dictionary: bool) -> list[str]:
    """``text`` cut where a line may end: each piece keeps the spaces after it, so ``"".join`` gives ``text`` back.

    ``dictionary``: the language writes words without spaces (use ICU's word boundaries);
    otherwise words are what spaces separate, as in English, Indonesian or Vietnamese.
    """
    icu = _icu() if dictionary else None
    pieces = _icu_segments(icu, text, locale) if icu is not None else None
    if pieces is None:
        return _WORDS.findall(text)
    # spaces and closing punctuation belong to the word before them, opening punctuation to the
    # word after it: a line never starts with a space or ")" nor ends with "(" (ICU's word
    # boundaries, unlike its line boundaries, cut punctuation off as pieces of its own)
    merged: list[str] = []
    for piece in pieces:
        if merged and (piece.isspace() or _glued(merged[-1], piece)):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


def _glued(before: str, piece: str) -> bool:
    """Whether no line may end between ``before`` and ``piece``: ``(`` + word, word + ``)``, ``,``, ``:``..., or either
    side of a dash."""
    if before[-1].isspace():
        return False
    return unicodedata.category(before[-1]) in _OPENING | _DASHES or unicodedata.category(piece[0]) in _CLOSING | _DASHES
