"""Cross-check with the official `@iabtechlabtcf/core` under Node
(tests/privacy_signals/tcf/reference/iabtcf.mjs).

At least 1,000 random models per run: the reference must produce the identical string byte for
byte, and decode the Python string to the identical canonical JSON, field by field. The seed
changes every run (set TCF_CROSSCHECK_SEED to replay one); failures print it.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from typing import Any

from privacy_signals.tcf import TCModel, decode, encode, model_to_canonical

MODELS_PER_RUN = 1200


def canonical_line(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def test_reference_encodes_the_same_bytes_and_decodes_the_same_fields(
    reference: Callable[[str, list[str]], list[dict[str, Any]]],
    random_models: Callable[[int, int], list[TCModel]],
) -> None:
    seed = int(os.environ.get("TCF_CROSSCHECK_SEED") or random.SystemRandom().randrange(2**32))
    models = random_models(MODELS_PER_RUN, seed)
    ours = [encode(model) for model in models]
    canonical = [model_to_canonical(model, tc_string) for model, tc_string in zip(models, ours, strict=True)]

    encoded = reference("encode", [canonical_line(obj) for obj in canonical])
    for index, (answer, tc_string) in enumerate(zip(encoded, ours, strict=True)):
        assert "error" not in answer, f"seed {seed} model {index}: {answer}"
        assert answer["tcString"] == tc_string, f"seed {seed} model {index}: {canonical[index]}"

    decoded = reference("decode", ours)
    for index, (answer, expected) in enumerate(zip(decoded, canonical, strict=True)):
        assert "error" not in answer, f"seed {seed} model {index}: {answer}"
        differing = {key for key in expected.keys() | answer.keys() if expected.get(key) != answer.get(key)}
        assert not differing, f"seed {seed} model {index}: fields {sorted(differing)} differ"
        assert canonical_line(answer) == canonical_line(expected)


def test_reference_agrees_on_every_shared_vector_both_can_read(
    reference: Callable[[str, list[str]], list[dict[str, Any]]], vectors: list[dict[str, Any]]
) -> None:
    strings = [vector["tcString"] for vector in vectors]
    agreed = 0
    for tc_string, answer in zip(strings, reference("decode", strings), strict=True):
        if "error" in answer or answer["version"] != 2:
            continue  # v1.1, '=' padding, CmpId 0 and bitfield-length cases: see the vectors test
        assert canonical_line(model_to_canonical(decode(tc_string), tc_string)) == canonical_line(answer)
        agreed += 1
    assert agreed >= 14
