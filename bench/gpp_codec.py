"""GPP codec throughput against the IAB reference @iabgpp/cmpapi 3.2.0 (Node), in one run.

    .venv/bin/python bench/gpp_codec.py [--seconds 0.5] [--repetitions 5] [--no-write]

Cases: a TC string (10 vendors) with usnat, the same with an accept-all TC string over 900
vendors, usnat alone with its GPC sub-section, a usnat Version 1 core, usca with GPC, usva, usco,
usct, ustx, usin with its sensitive-data sub-section, uspv1 + usnat + usca together, and tcfcav1.
Each repetition runs Node (timing loops inside one process, after a JIT warm-up), then this codec
(timeit) on the same cases, so both see the same machine load; figures are medians over the
repetitions. Decode is `decode(string)` here (every field of every section, eagerly) and
`new GppModel(string).toObject()` there (the library decodes lazily; toObject reads every field).
Encode builds the string from the same field values: `encode(GppModel(fields))` here, a fresh
GppModel with every field set through the sections' setters and `encode()` there. The codec is timed
uncached (`clear_caches()` inside every timed call: the GPP memos and the TC codec's) and cached.
The section "GPP codec" of docs/PERFORMANCE.md is rewritten with the results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.perf_doc import cold, machine_line, node_reference_round, ops_per_second, publish  # noqa: E402
from privacy_signals.gpp import (  # noqa: E402
    GppModel,
    clear_caches,
    decode,
    encode,
    model_to_canonical,
)

REFERENCE = REPO_ROOT / "tests" / "privacy_signals" / "gpp" / "reference" / "iabgpp.mjs"
SECTION_TITLE = "GPP codec"
DAY = dt.datetime(2026, 1, 13, tzinfo=dt.UTC)


def _tcf(vendor_ids: list[int], li_ids: list[int]) -> dict[str, Any]:
    accepted = [True] * 11 + [False] * 13
    return {
        "Created": DAY,
        "LastUpdated": DAY,
        "CmpId": 300,
        "CmpVersion": 7,
        "VendorListVersion": 106,
        "PolicyVersion": 5,
        "PublisherCountryCode": "FR",
        "PurposeConsents": accepted,
        "PurposeLegitimateInterests": [False, True] + [False] * 4 + [True] * 5 + [False] * 13,
        "SpecialFeatureOptins": [True, True],
        "VendorConsents": vendor_ids,
        "VendorLegitimateInterests": li_ids,
        "VendorsDisclosed": vendor_ids,
    }


def _usnat(opted_out: bool) -> dict[str, Any]:
    return {
        "SharingNotice": 1,
        "SaleOptOutNotice": 1,
        "SharingOptOutNotice": 1,
        "TargetedAdvertisingOptOutNotice": 1,
        "SensitiveDataProcessingOptOutNotice": 1,
        "SensitiveDataLimitUseNotice": 1,
        "SaleOptOut": 1 if opted_out else 2,
        "SharingOptOut": 1 if opted_out else 2,
        "TargetedAdvertisingOptOut": 1 if opted_out else 2,
        "SensitiveDataProcessing": [1] * 16,
        "KnownChildSensitiveDataConsents": [1, 1, 1],
        "PersonalDataConsents": 1,
        "MspaCoveredTransaction": 2,
        "Gpc": opted_out,
    }


def _state(opted_out: bool, *names: str) -> dict[str, Any]:
    fields = dict.fromkeys(names, 1)
    fields.update({"SaleOptOut": 1 if opted_out else 2, "MspaCoveredTransaction": 2})
    return fields


def build_cases() -> dict[str, dict[str, dict[str, Any]]]:
    rnd = random.Random(106)
    # A GVL-sized vendor list: 900 of the ids 1-1428, as in GVL v106 (902 active vendors).
    gvl = sorted(rnd.sample(range(1, 1429), 900))
    ten = gvl[::90][:10]
    li = [vendor for vendor in gvl if rnd.random() < 0.55]
    notices = ("SaleOptOutNotice", "TargetedAdvertisingOptOutNotice")
    return {
        "tcfeuv2 (10 vendors) + usnat": {"tcfeuv2": _tcf(ten, ten), "usnat": _usnat(False)},
        "tcfeuv2 (900 vendors, accept-all) + usnat": {"tcfeuv2": _tcf(gvl, li), "usnat": _usnat(False)},
        "usnat with GPC": {"usnat": _usnat(True)},
        "usnat Version 1": {
            "usnat": {**_usnat(False), "Version": 1, "Gpc": False, "GpcSegmentIncluded": False}
        },
        "usca with GPC": {"usca": {**_state(True, "SaleOptOutNotice", "SharingOptOutNotice"), "Gpc": True}},
        "usva": {"usva": _state(False, "SharingNotice", *notices)},
        "usco with GPC": {"usco": {**_state(True, "SharingNotice", *notices), "Gpc": True}},
        "usct": {"usct": _state(False, "SharingNotice", *notices)},
        "ustx": {"ustx": _state(False, "ProcessingNotice", *notices)},
        "usin with sensitive-data consents": {
            "usin": {**_state(False, "ProcessingNotice", *notices), "SensitiveDataProcessing": [2] * 8}
        },
        "uspv1 + usnat + usca": {
            "uspv1": {"Notice": "Y", "OptOutSale": "N", "LspaCovered": "Y"},
            "usnat": _usnat(False),
            "usca": _state(False, "SaleOptOutNotice"),
        },
        "tcfcav1 (30 vendors)": {
            "tcfcav1": {
                "Created": DAY,
                "LastUpdated": DAY,
                "CmpId": 300,
                "VendorListVersion": 50,
                "PurposesExpressConsent": [True] * 10,
                "VendorExpressConsent": gvl[:300:10],
                "VendorImpliedConsent": gvl[5:300:20],
                "DisclosedVendors": gvl[:300:10],
            }
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="timed window per figure")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave PERFORMANCE.md alone")
    options = parser.parse_args()

    cases = build_cases()
    strings = {name: encode(sections) for name, sections in cases.items()}
    for name, gpp_string in strings.items():
        assert decode(gpp_string) == GppModel(cases[name]), name
    node_version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout
    described = f"{machine_line()}, Node {node_version.strip()}, @iabgpp/cmpapi 3.2.0"
    keys = ("node_decode", "node_encode", "dec", "enc", "dec_cold", "enc_cold")
    figures: dict[str, dict[str, list[float]]] = {name: {key: [] for key in keys} for name in cases}
    with tempfile.TemporaryDirectory() as tmp:
        cases_file = Path(tmp) / "cases.json"
        cases_file.write_text(
            json.dumps(
                [
                    {
                        "name": name,
                        "model": model_to_canonical(GppModel(sections), strings[name]),
                        "gppString": strings[name],
                    }
                    for name, sections in cases.items()
                ]
            )
        )
        for repetition in range(options.repetitions):
            node = node_reference_round(REFERENCE, cases_file, options.seconds)
            for name, sections in cases.items():
                gpp_string = strings[name]
                row = figures[name]
                row["node_decode"] += node[name]["decode"]
                row["node_encode"] += node[name]["encode"]
                row["dec"].append(ops_per_second(lambda s=gpp_string: decode(s), options.seconds))
                row["enc"].append(ops_per_second(lambda f=sections: encode(GppModel(f)), options.seconds))
                cold_decode = cold(clear_caches, lambda s=gpp_string: decode(s))
                cold_encode = cold(clear_caches, lambda f=sections: encode(GppModel(f)))
                row["dec_cold"].append(ops_per_second(cold_decode, options.seconds))
                row["enc_cold"].append(ops_per_second(cold_encode, options.seconds))
            print(f"repetition {repetition + 1}/{options.repetitions} done", file=sys.stderr)
    report = render(described, options, strings, figures)
    publish(SECTION_TITLE, report, write=not options.no_write)


CAVEATS = (
    " Caveats: the Node encode sets fields through the sections' generic setter, skipping"
    " `TcfEuV2`/`TcfCaV1.setFieldValue`, which would also create a Date on every call (so Node does"
    " slightly less work than with its public setters); this codec's encode has no memo of whole"
    " sections (only of headers and of the TC codec's vendor sections), so its cached encode is close"
    " to uncached; and the smallest margin is tcfcav1, whose Fibonacci ranges are read and written"
    " from '0'/'1' text (a tcfcav1 core is also re-encoded once while decoding, to tell the current"
    " form from the reference's earlier Range(Int) form, as the reference does)."
)


def render(
    described: str,
    options: argparse.Namespace,
    strings: dict[str, str],
    figures: dict[str, dict[str, list[float]]],
) -> str:
    medians = {
        name: {key: statistics.median(values) for key, values in row.items()} for name, row in figures.items()
    }
    lines = [
        f"Run by `bench/gpp_codec.py` ({options.repetitions} repetitions, {options.seconds:g} s timed window "
        f"per figure, medians) on {described}. Written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "Operations per second. *Node* is `@iabgpp/cmpapi` 3.2.0 in one long-lived process: "
        "decode = `new GppModel(string).toObject()` (it decodes lazily; `toObject` reads every field), "
        "encode = a fresh `GppModel` with every field set through the sections' setters, then "
        "`encode()`. This codec: decode = `decode(string)` (every field, eagerly), "
        "encode = `encode(GppModel(fields))` from the same fields. "
        "*Uncached* = `clear_caches()` (every GPP memo and the TC codec's, checked by "
        "`tests/privacy_signals/gpp/test_memos_stay_bounded_and_clear_caches_forgets_them.py`) inside every "
        "timed call; *cached* = memos filled, as in a server where the same sections recur. The target "
        "(at least 1.0 times Node) is judged on the uncached figures.",
        "",
        "| case | length | decode | Node decode | **ratio** | encode | Node encode | **ratio** | "
        "cached: decode / encode | cached ratio: decode / encode |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in medians.items():
        lines.append(
            f"| {name} | {len(strings[name])} | {row['dec_cold']:,.0f} | {row['node_decode']:,.0f} | "
            f"**{row['dec_cold'] / row['node_decode']:.1f}** | "
            f"{row['enc_cold']:,.0f} | {row['node_encode']:,.0f} | "
            f"**{row['enc_cold'] / row['node_encode']:.1f}** | {row['dec']:,.0f} / {row['enc']:,.0f} | "
            f"{row['dec'] / row['node_decode']:.1f} / {row['enc'] / row['node_encode']:.1f} |"
        )
    ratios = [
        (row[ours] / row[theirs], f"uncached {kind} of {name}")
        for name, row in medians.items()
        for kind, ours, theirs in (
            ("decode", "dec_cold", "node_decode"),
            ("encode", "enc_cold", "node_encode"),
        )
    ]
    lowest, highest = min(ratios), max(ratios)
    below = [label for ratio, label in ratios if ratio < 1.0]
    lines += [
        "",
        "Reading: "
        + (
            "every uncached figure is at least 1.0 times the reference. "
            if not below
            else "below the target: " + "; ".join(below) + ". "
        )
        + f"Smallest margin: {lowest[1]} at {lowest[0]:.1f} times Node; largest: {highest[1]} at "
        f"{highest[0]:.1f} times." + CAVEATS,
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
