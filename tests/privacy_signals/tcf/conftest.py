"""Fixtures for the TC string codec tests: shared vectors, the Node reference, random models."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from privacy_signals.tcf import PublisherRestriction, TCModel

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parents[2]
TEST_DATA = REPO_ROOT / "tests" / "data"
REFERENCE_SCRIPT = TESTS_DIR / "reference" / "iabtcf.mjs"


@pytest.fixture(scope="session")
def vectors() -> list[dict[str, Any]]:
    return json.loads((TEST_DATA / "tcf-vectors.json").read_text())["vectors"]


@pytest.fixture(scope="session")
def gvl_v106() -> dict[str, Any]:
    return json.loads((REPO_ROOT / "vendors" / "data" / "vendor-list-v106.json").read_text())


def canonical_line(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


@pytest.fixture(scope="session")
def reference() -> Callable[[str, list[str]], list[dict[str, Any]]]:
    """`reference("decode"|"encode", lines)` runs @iabtechlabtcf/core under Node on every line at once
    (one long-lived process) and returns one parsed JSON answer per line."""
    node = shutil.which("node")
    assert node, "node is required: the cross-check runs the official IAB library"
    assert (REPO_ROOT / "node_modules" / "@iabtechlabtcf" / "core").is_dir(), "run `npm install` first"

    def run(mode: str, lines: list[str]) -> list[dict[str, Any]]:
        completed = subprocess.run(
            [node, str(REFERENCE_SCRIPT), mode],
            input="".join(f"{line}\n" for line in lines),
            capture_output=True,
            text=True,
            cwd=REPO_ROOT,
            timeout=300,
            check=False,
        )
        answers = completed.stdout.splitlines()
        assert len(answers) == len(lines), completed.stderr
        return [json.loads(answer) for answer in answers]

    return run


def _random_ids(rnd: random.Random, highest: int, most: int) -> frozenset[int]:
    """Id sets shaped to hit both vendor encodings: empty, scattered, clustered runs, dense."""
    shape = rnd.random()
    if shape < 0.15 or highest < 1:
        return frozenset()
    top = min(highest, rnd.choice([5, 12, 24, 30, 45, 46, 47, 60, 100, 400, 1500, 5000, 65535]))
    if shape < 0.45:
        return frozenset(rnd.sample(range(1, top + 1), min(top, rnd.randint(1, most))))
    if shape < 0.8:
        ids: set[int] = set()
        for _ in range(rnd.randint(1, 8)):
            start = rnd.randint(1, top)
            ids.update(range(start, min(top, start + rnd.randint(0, 60)) + 1))
        return frozenset(ids)
    return frozenset(i for i in range(1, min(top, 2000) + 1) if rnd.random() < 0.7)


def _boundary_ids(rnd: random.Random) -> frozenset[int]:
    """Sets whose range and bitfield sizes are close, where the reference's choice rule bites."""
    singles, runs = rnd.randint(0, 8), rnd.randint(0, 5)
    kinds = ["single"] * max(singles, 1 if runs == 0 else 0) + ["run"] * runs
    rnd.shuffle(kinds)
    highest = max(46, 16 * kinds.count("single") + 33 * runs + rnd.randint(-30, 30))
    ids: set[int] = set()
    position = highest
    for kind in kinds:
        if position < 6:
            break
        if kind == "single":
            ids.add(position)
            position -= 2
        else:
            length = rnd.randint(2, 4)
            ids.update(range(position - length + 1, position + 1))
            position -= length + 1
        position -= rnd.randint(0, 3)
    return frozenset(ids)


def random_model(rnd: random.Random) -> TCModel:
    restrictions = tuple(
        PublisherRestriction(rnd.randint(1, 63), rnd.randint(0, 2), _random_ids(rnd, 65535, 30) or {1})
        for _ in range(rnd.choice([0, 0, 1, 2, 4]))
    )
    has_publisher_tc = rnd.random() < 0.4
    num_custom = rnd.randint(0, 63)
    return TCModel(
        created=rnd.randrange(1 << 36),
        last_updated=rnd.randrange(1 << 36),
        cmp_id=rnd.randint(2, 4095),
        cmp_version=rnd.randrange(4096),
        consent_screen=rnd.randrange(64),
        consent_language=rnd.choice(["EN", "FR", "DE", "PT", "ZH"]),
        vendor_list_version=rnd.randrange(4096),
        policy_version=rnd.randrange(64),
        is_service_specific=rnd.random() < 0.8,
        use_non_standard_texts=rnd.random() < 0.2,
        special_feature_optins=_random_ids(rnd, 12, 12),
        purpose_consents=_random_ids(rnd, 24, 24),
        purpose_legitimate_interests=_random_ids(rnd, 24, 24),
        purpose_one_treatment=rnd.random() < 0.2,
        publisher_country_code=rnd.choice(["AA", "FR", "DE", "US"]),
        vendor_consents=_boundary_ids(rnd) if rnd.random() < 0.3 else _random_ids(rnd, 65535, 300),
        vendor_legitimate_interests=_random_ids(rnd, 65535, 300),
        publisher_restrictions=restrictions,
        vendors_disclosed=_random_ids(rnd, 65535, 300) if rnd.random() < 0.8 else None,
        vendors_allowed=_random_ids(rnd, 65535, 40) if rnd.random() < 0.1 else None,
        publisher_consents=_random_ids(rnd, 24, 24) if has_publisher_tc else None,
        publisher_legitimate_interests=_random_ids(rnd, 24, 24) if has_publisher_tc else None,
        num_custom_purposes=num_custom if has_publisher_tc and rnd.random() < 0.5 else None,
        publisher_custom_consents=_random_ids(rnd, num_custom, 10) if has_publisher_tc else None,
        publisher_custom_legitimate_interests=_random_ids(rnd, num_custom, 10) if has_publisher_tc else None,
    )


@pytest.fixture
def random_models() -> Callable[[int, int], list[TCModel]]:
    """`random_models(count, seed)`: reproducible random models covering every field and segment."""

    def make(count: int, seed: int) -> list[TCModel]:
        rnd = random.Random(seed)
        return [random_model(rnd) for _ in range(count)]

    return make
