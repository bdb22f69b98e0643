"""Cross-check with the IAB reference `@iabgpp/cmpapi` 3.2.0 under Node
(tests/privacy_signals/gpp/reference/iabgpp.mjs), one Node process for the module.

Per section, 500 random field sets covering every field's range (the `slow` test, which CI runs;
the quick suite runs 40 per section, since the reference needs about 0.3 ms a field set) are
encoded by both codecs and compared byte for byte, and each string is decoded by both and compared
field by field. 100 more section texts per bit-field section (random bits, every 2-bit value 0-3,
both usnat layouts, any zero padding; TC strings laid out by the TCF library for tcfeuv2) are
decoded by both, and 80 strings of several sections each go through both ways. The seed changes
every run (set GPP_CROSSCHECK_SEED to replay one); failures print it.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from typing import Any

import pytest

from privacy_signals.gpp import (
    SECTION_IDS,
    decode,
    encode,
    model_from_canonical,
    model_to_canonical,
)
from privacy_signals.gpp.canonical import value_to_json
from privacy_signals.gpp.codec import encode_header
from privacy_signals.gpp.sections import codec_named

FIELD_SETS_PER_SECTION = 500
QUICK_FIELD_SETS_PER_SECTION = 40
RAW_TEXTS_PER_SECTION = 100
COMBINED_STRINGS = 80


Reference = Any  # conftest.Reference: `ask(requests) -> answers`


def canonical_line(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def _seed() -> int:
    return int(os.environ.get("GPP_CROSSCHECK_SEED") or random.SystemRandom().randrange(2**32))


def _differing(expected: dict[str, Any], answer: dict[str, Any]) -> list[str]:
    """section.field names whose values differ between two canonical objects."""
    ours, theirs = expected.get("sections", {}), answer.get("sections", {})
    names = []
    for section in ours.keys() | theirs.keys():
        a, b = ours.get(section, {}), theirs.get(section, {})
        names += [f"{section}.{field}" for field in a.keys() | b.keys() if a.get(field) != b.get(field)]
    return sorted(names)


def _check_encodings(reference: Reference, objects: list[dict[str, Any]], seed: int) -> int:
    batch = reference.submit([{"op": "encode", "input": obj} for obj in objects])
    ours = [encode(model_from_canonical(obj)) for obj in objects]
    answers = batch.result()
    for index, (obj, gpp_string, answer) in enumerate(zip(objects, ours, answers, strict=True)):
        assert "error" not in answer, f"seed {seed} field set {index}: {answer} for {obj}"
        assert answer["gppString"] == gpp_string, f"seed {seed} field set {index}: {canonical_line(obj)}"
        # The library decoded its own (identical) string; ours must read the same fields from it.
        expected = model_to_canonical(decode(gpp_string), gpp_string)
        assert not _differing(expected, answer), f"seed {seed} {gpp_string}: {_differing(expected, answer)}"
        assert canonical_line(expected) == canonical_line(answer)
    return len(objects)


def test_reference_has_the_same_fields_and_defaults_for_every_section(reference: Reference) -> None:
    names = list(SECTION_IDS)
    answers = reference.ask([{"op": "fields", "section": name} for name in names])
    for name, answer in zip(names, answers, strict=True):
        codec = codec_named(name)
        assert list(codec.field_names) == answer["names"], name
        defaults = {field: value_to_json(value) for field, value in codec.complete({}).items()}
        # The reference stamps new TCF sections with the current time; the rest must be equal.
        for volatile in ("Created", "LastUpdated"):
            defaults.pop(volatile, None)
            answer["defaults"].pop(volatile, None)
        assert defaults == answer["defaults"], name


def _per_section(
    field_sets: Callable[[str, int, int], list[dict[str, Any]]], count: int, seed: int
) -> list[Any]:
    return [{"sections": {name: fields}} for name in SECTION_IDS for fields in field_sets(name, count, seed)]


@pytest.mark.slow
def test_reference_encodes_the_same_bytes_and_decodes_the_same_fields_on_500_field_sets_per_section(
    reference: Reference, field_sets: Callable[[str, int, int], list[dict[str, Any]]]
) -> None:
    seed = _seed()
    objects = _per_section(field_sets, FIELD_SETS_PER_SECTION, seed)
    assert _check_encodings(reference, objects, seed) == FIELD_SETS_PER_SECTION * len(SECTION_IDS)


def test_reference_encodes_the_same_bytes_and_decodes_the_same_fields(
    reference: Reference, field_sets: Callable[[str, int, int], list[dict[str, Any]]]
) -> None:
    seed = _seed()
    objects = _per_section(field_sets, QUICK_FIELD_SETS_PER_SECTION, seed)
    assert _check_encodings(reference, objects, seed) == QUICK_FIELD_SETS_PER_SECTION * len(SECTION_IDS)


def test_reference_agrees_on_strings_of_several_sections(
    reference: Reference, field_sets: Callable[[str, int, int], list[dict[str, Any]]]
) -> None:
    seed = _seed()
    rnd = random.Random(seed)
    pools = {name: field_sets(name, 20, seed) for name in SECTION_IDS}
    objects = []
    for _ in range(COMBINED_STRINGS):
        names = rnd.sample(list(SECTION_IDS), rnd.randint(2, 6))
        objects.append({"sections": {name: rnd.choice(pools[name]) for name in names}})
    assert _check_encodings(reference, objects, seed) == COMBINED_STRINGS


def test_reference_decodes_texts_of_every_layout_to_the_same_fields(
    reference: Reference, raw_section_texts: Callable[[str, int, int], list[str]]
) -> None:
    seed = _seed()
    strings = [
        f"{encode_header((section_id,))}~{text}"
        for name, section_id in SECTION_IDS.items()
        for text in raw_section_texts(name, RAW_TEXTS_PER_SECTION, seed)
    ]
    assert len(strings) >= RAW_TEXTS_PER_SECTION * (len(SECTION_IDS) - 2)
    batch = reference.submit([{"op": "decode", "input": gpp_string} for gpp_string in strings])
    ours = [model_to_canonical(decode(gpp_string), gpp_string) for gpp_string in strings]
    for gpp_string, expected, answer in zip(strings, ours, batch.result(), strict=True):
        assert "error" not in answer, f"seed {seed} {gpp_string}: {answer}"
        assert not _differing(expected, answer), f"seed {seed} {gpp_string}: {_differing(expected, answer)}"
        assert canonical_line(expected) == canonical_line(answer)
