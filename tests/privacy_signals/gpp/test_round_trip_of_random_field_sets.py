"""Random field sets of every section encode to a string that decodes to the same model, the string
decodes the same uncached as cached, and canonical JSON round-trips through the CLI's converters."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from privacy_signals.gpp import (
    SECTION_IDS,
    clear_caches,
    decode,
    encode,
    model_from_canonical,
    model_to_canonical,
)


def test_every_section_round_trips(field_sets: Callable[[str, int, int], list[dict[str, Any]]]) -> None:
    seed = random.SystemRandom().randrange(2**32)
    for name in SECTION_IDS:
        for fields in field_sets(name, 60, seed):
            model = model_from_canonical({"sections": {name: fields}})
            gpp_string = encode(model)
            assert decode(gpp_string) == model, f"seed {seed} {name}: {fields}"
            clear_caches()
            assert decode(gpp_string) == model
            line = json.dumps(model_to_canonical(model, gpp_string), sort_keys=True)
            assert model_from_canonical(json.loads(line)) == model
