"""Fixtures for the GPP codec tests: the copied IAB vectors, the Node reference, random field sets."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from privacy_signals.gpp import SECTION_NAMES
from privacy_signals.gpp.bits import encode_compressed
from privacy_signals.gpp.fixed import FIXED_SECTIONS, FixedSection, UsNatSection
from privacy_signals.tcf import PublisherRestriction, TCModel
from privacy_signals.tcf import encode as encode_tc_string

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parents[2]
VECTORS = TESTS_DIR / "data" / "gpp-vectors.json"
REFERENCE_SCRIPT = TESTS_DIR / "reference" / "iabgpp.mjs"
FIXED = {section.name: section for section in FIXED_SECTIONS}


def canonical_line(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


@pytest.fixture(scope="session")
def gpp_vectors() -> dict[str, Any]:
    return json.loads(VECTORS.read_text())


class Reference:
    """One long-lived `node iabgpp.mjs serve` process over @iabgpp/cmpapi. `submit(requests)` sends
    a batch of JSON requests and returns at once, so the Python side of a test runs while Node
    works (the library needs a few hundred microseconds a request); `.result()` of the returned
    handle gives one parsed answer per request."""

    def __init__(self) -> None:
        node = shutil.which("node")
        assert node, "node is required: the cross-check runs the IAB reference library"
        assert (REPO_ROOT / "node_modules" / "@iabgpp" / "cmpapi").is_dir(), "run `npm install` first"
        self.process = subprocess.Popen(
            [node, str(REFERENCE_SCRIPT), "serve"],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def submit(self, requests: list[dict[str, Any]]) -> Batch:
        return Batch(self.process, requests)

    def ask(self, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self.submit(requests).result()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


class Batch:
    """Requests written and answers read by two threads, so neither pipe fills up and blocks."""

    def __init__(self, process: subprocess.Popen[str], requests: list[dict[str, Any]]) -> None:
        self.answers: list[dict[str, Any]] = []
        payload = "".join(canonical_line(request) + "\n" for request in requests)
        assert process.stdin is not None
        assert process.stdout is not None
        stdin, stdout = process.stdin, process.stdout

        def write() -> None:
            stdin.write(payload)
            stdin.flush()

        def read() -> None:
            self.answers.extend(json.loads(stdout.readline()) for _ in requests)

        self.threads = [threading.Thread(target=write), threading.Thread(target=read)]
        for thread in self.threads:
            thread.start()
        self.expected = len(requests)

    def result(self) -> list[dict[str, Any]]:
        for thread in self.threads:
            thread.join(timeout=300)
        assert len(self.answers) == self.expected, "the Node reference stopped answering"
        return self.answers


@pytest.fixture(scope="module")
def reference() -> Iterator[Reference]:
    """The Node reference, one process for the whole test module."""
    process = Reference()
    yield process
    process.close()


# -- random field sets ----------------------------------------------------------------------------


def _fixed_fields(section: FixedSection, rnd: random.Random) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    layouts = [section.core.fields] + ([section.sub.layout.fields] if section.sub else [])
    for layout in layouts:
        for field in layout:
            if field.boolean:
                fields[field.name] = rnd.random() < 0.5
            elif field.count:
                fields[field.name] = [rnd.randint(field.low, field.high) for _ in range(field.count)]
            else:
                fields[field.name] = rnd.randint(field.low, field.high)
    if section.sub is not None:
        included = rnd.random() < 0.7
        fields[section.sub.included_field] = included
        if not included:
            # A sub-section that is not written cannot carry values (the codec refuses them).
            for field in section.sub.layout.fields:
                fields[field.name] = field.default_value()
                if isinstance(fields[field.name], tuple):
                    fields[field.name] = list(fields[field.name])
    if isinstance(section, UsNatSection) and fields["Version"] == 1:
        # The reference writes the first 12 and 2 entries of a Version 1 core.
        fields["SensitiveDataProcessing"] = fields["SensitiveDataProcessing"][:12]
        fields["KnownChildSensitiveDataConsents"] = fields["KnownChildSensitiveDataConsents"][:2]
    return fields


def _ids(rnd: random.Random, most: int = 300) -> list[int]:
    """Vendor id lists shaped to hit both the range and the bitfield form: empty, a few scattered
    ids, clustered runs, dense, and sets whose range is about as long as the bitfield."""
    shape = rnd.random()
    if shape < 0.12:
        return []
    top = rnd.choice([3, 12, 28, 29, 30, 40, 60, 100, 400, 1500, 5000, 65535])
    if shape < 0.4:
        return sorted(rnd.sample(range(1, top + 1), min(top, rnd.randint(1, most))))
    if shape < 0.7:
        ids: set[int] = set()
        for _ in range(rnd.randint(1, 8)):
            start = rnd.randint(1, top)
            ids.update(range(start, min(top, start + rnd.randint(0, 40)) + 1))
        return sorted(ids)
    if shape < 0.85:
        return [i for i in range(1, min(top, 2000) + 1) if rnd.random() < 0.7]
    return _boundary_ids(rnd)


def _boundary_ids(rnd: random.Random) -> list[int]:
    """Ids whose range form (12 + 17 per single id + 33 per run bits) is within 2 bits of the
    bitfield (MaxVendorId bits), where the reference's choice between the two bites."""
    singles, runs = rnd.randint(1, 6), rnd.randint(0, 3)
    highest = 12 + 17 * singles + 33 * runs + rnd.randint(-2, 2)
    kinds = ["single"] * (singles - 1) + ["run"] * runs
    rnd.shuffle(kinds)
    ids = {highest}
    position = highest - 2
    for kind in kinds:
        if position < 3:
            break
        if kind == "single":
            ids.add(position)
            position -= 2
        else:
            ids.update((position - 1, position))
            position -= 3
    return sorted(ids)


def _flags(rnd: random.Random, count: int) -> list[bool]:
    return [rnd.random() < 0.4 for _ in range(count)]


def _moment(rnd: random.Random) -> str:
    deciseconds = rnd.randrange(0, 1 << 36)
    moment = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=deciseconds * 100)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _letters(rnd: random.Random) -> str:
    return rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _tcf_metadata(rnd: random.Random) -> dict[str, Any]:
    """The fields both TCF sections (EU v2, Canada v1) begin with: when, which CMP, which GVL."""
    return {
        "Created": _moment(rnd),
        "LastUpdated": _moment(rnd),
        "CmpId": rnd.randrange(4096),
        "CmpVersion": rnd.randrange(4096),
        "ConsentScreen": rnd.randrange(64),
        "ConsentLanguage": _letters(rnd),
        "VendorListVersion": rnd.randrange(4096),
    }


def _tcfeuv2_fields(rnd: random.Random) -> dict[str, Any]:
    custom = rnd.randint(0, 63)
    restrictions = {}
    for _ in range(rnd.choice([0, 0, 1, 2, 4])):
        restrictions[(rnd.randint(1, 63), rnd.randint(0, 2))] = _ids(rnd, 30) or [rnd.randint(1, 65535)]
    fields: dict[str, Any] = {
        "Version": 2,
        **_tcf_metadata(rnd),
        "PolicyVersion": rnd.randrange(64),
        "IsServiceSpecific": True,
        "UseNonStandardStacks": rnd.random() < 0.3,
        "SpecialFeatureOptins": _flags(rnd, 12),
        "PurposeConsents": _flags(rnd, 24),
        "PurposeLegitimateInterests": _flags(rnd, 24),
        "PurposeOneTreatment": rnd.random() < 0.3,
        "PublisherCountryCode": _letters(rnd),
        "VendorConsents": _ids(rnd),
        "VendorLegitimateInterests": _ids(rnd),
        "PublisherRestrictions": [
            {"key": key, "type": kind, "ids": ids} for (key, kind), ids in sorted(restrictions.items())
        ],
        "PublisherConsents": _flags(rnd, 24),
        "PublisherLegitimateInterests": _flags(rnd, 24),
        "NumCustomPurposes": custom,
        "PublisherCustomConsents": _flags(rnd, custom),
        "PublisherCustomLegitimateInterests": _flags(rnd, custom),
        "VendorsDisclosed": _ids(rnd),
    }
    for name in list(fields):
        if name not in ("Created", "LastUpdated", "NumCustomPurposes") and rnd.random() < 0.1:
            del fields[name]  # defaults are part of the contract too
    return fields


def _tcfcav1_fields(rnd: random.Random) -> dict[str, Any]:
    custom = rnd.randint(0, 63)
    fields: dict[str, Any] = {
        "Version": 1,
        **_tcf_metadata(rnd),
        "TcfPolicyVersion": rnd.randrange(64),
        "UseNonStandardStacks": rnd.random() < 0.3,
        "SpecialFeatureExpressConsent": _flags(rnd, 12),
        "PurposesExpressConsent": _flags(rnd, 24),
        "PurposesImpliedConsent": _flags(rnd, 24),
        "VendorExpressConsent": _ids(rnd),
        "VendorImpliedConsent": _ids(rnd),
        # The reference keeps restrictions in the order given, duplicates and empty ones included.
        "PubRestrictions": [
            {"key": rnd.randint(1, 63), "type": rnd.randint(0, 2), "ids": _ids(rnd, 30)}
            for _ in range(rnd.choice([0, 0, 1, 2, 4]))
        ],
        "PubPurposesExpressConsent": _flags(rnd, 24),
        "PubPurposesImpliedConsent": _flags(rnd, 24),
        "NumCustomPurposes": custom,
        "CustomPurposesExpressConsent": _flags(rnd, custom),
        "CustomPurposesImpliedConsent": _flags(rnd, custom),
        "DisclosedVendors": _ids(rnd),
    }
    for name in list(fields):
        if name not in ("Created", "LastUpdated", "NumCustomPurposes") and rnd.random() < 0.1:
            del fields[name]
    return fields


def _uspv1_fields(rnd: random.Random) -> dict[str, Any]:
    return {
        "Version": rnd.randint(0, 9),
        **{name: rnd.choice("YN-") for name in ("Notice", "OptOutSale", "LspaCovered")},
    }


def random_fields(name: str, rnd: random.Random) -> dict[str, Any]:
    """A random, valid field set for one section, in canonical JSON form."""
    if name == "tcfeuv2":
        return _tcfeuv2_fields(rnd)
    if name == "tcfcav1":
        return _tcfcav1_fields(rnd)
    if name == "uspv1":
        return _uspv1_fields(rnd)
    fields = _fixed_fields(FIXED[name], rnd)
    for field in list(fields):
        if rnd.random() < 0.1:
            del fields[field]
    return fields


def _raw_fixed_section(section: FixedSection, rnd: random.Random) -> str:
    """A section text of random bits (every 2-bit value 0-3) that is structurally complete: a
    Version this codec reads, a GPC sub-section of SubsectionType 1, zero padding of any length."""
    layout = section.core
    version_values = (section.core.fields[0].low, section.core.fields[0].high)
    if isinstance(section, UsNatSection) and rnd.random() < 0.4:
        layout = section.core_v1
    value = rnd.getrandbits(layout.bits)
    if section.version_field is not None:
        version = rnd.choice(version_values)
        value = value & ((1 << (layout.bits - 6)) - 1) | version << (layout.bits - 6)
    text = encode_compressed(value, layout.bits) + "A" * rnd.choice([0, 0, 1, 3])
    if section.sub is not None and rnd.random() < 0.7:
        sub = section.sub.layout
        sub_value = rnd.getrandbits(sub.bits)
        if section.sub.fixed:
            sub_value = sub_value & ((1 << (sub.bits - 2)) - 1) | 1 << (sub.bits - 2)
        text += "." + encode_compressed(sub_value, sub.bits)
    return text


def _raw_tc_string(rnd: random.Random) -> str:
    """A TC string as the TCF library lays it out (its own range rule, optional segments), which a
    tcfeuv2 section may carry too."""
    fields = _tcfeuv2_fields(rnd)
    model = TCModel(
        created=rnd.randrange(1 << 36),
        last_updated=rnd.randrange(1 << 36),
        cmp_id=rnd.randrange(4096),
        vendor_consents=frozenset(_ids(rnd)),
        vendor_legitimate_interests=frozenset(_ids(rnd)),
        publisher_restrictions=tuple(
            PublisherRestriction(entry["key"], entry["type"], frozenset(entry["ids"]))
            for entry in fields.get("PublisherRestrictions", [])
        ),
        vendors_disclosed=frozenset(_ids(rnd)) if rnd.random() < 0.6 else None,
        vendors_allowed=frozenset(_ids(rnd)) if rnd.random() < 0.2 else None,
        publisher_consents=frozenset(rnd.sample(range(1, 25), 3)) if rnd.random() < 0.5 else None,
    )
    return encode_tc_string(model)


def random_section_text(name: str, rnd: random.Random) -> str | None:
    """A section text not written by this codec's encoder (None where the encoder's own strings
    already cover every form)."""
    if name in FIXED:
        return _raw_fixed_section(FIXED[name], rnd)
    if name == "tcfeuv2":
        return _raw_tc_string(rnd)
    return None


@pytest.fixture(scope="session")
def section_names() -> tuple[str, ...]:
    return SECTION_NAMES


@pytest.fixture
def field_sets() -> Callable[[str, int, int], list[dict[str, Any]]]:
    """`field_sets(section, count, seed)`: reproducible random field sets covering every field."""

    def make(name: str, count: int, seed: int) -> list[dict[str, Any]]:
        rnd = random.Random(f"{seed}-{name}")
        return [random_fields(name, rnd) for _ in range(count)]

    return make


@pytest.fixture
def raw_section_texts() -> Callable[[str, int, int], list[str]]:
    def make(name: str, count: int, seed: int) -> list[str]:
        rnd = random.Random(f"raw-{seed}-{name}")
        texts = [random_section_text(name, rnd) for _ in range(count)]
        return [text for text in texts if text is not None]

    return make
