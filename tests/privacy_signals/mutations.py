"""Mutated copies of real strings, for the fuzz tests of both codecs (tcf/ and gpp/)."""

from __future__ import annotations

import random
from collections.abc import Iterator


def mutants(rnd: random.Random, original: str, alphabet: str, count: int) -> Iterator[str]:
    """`count` copies of `original`, each with one to four characters of `alphabet` written over,
    inserted or deleted at random places."""
    for _ in range(count):
        chars = list(original)
        for _ in range(rnd.randint(1, 4)):
            position = rnd.randrange(len(chars) + 1)
            operation = rnd.random()
            if operation < 0.5 and position < len(chars):
                chars[position] = rnd.choice(alphabet)
            elif operation < 0.75:
                chars.insert(position, rnd.choice(alphabet))
            elif chars:
                del chars[min(position, len(chars) - 1)]
        yield "".join(chars)
