"""What the first layer names (`first_layer` of the banner document): every purpose and special
feature the disclosed vendors use, and with the site option `first_layer_stacks` the largest stacks
made only of what is used, no two sharing a purpose or special feature, the rest named on its own;
only those stacks travel in the document."""

from __future__ import annotations

from sites.banner import first_layer_stacks
from vendors.catalogue import vendor_counts


def used(catalogue, vendor_ids):
    counts = vendor_counts(catalogue, vendor_ids)
    purposes = {p for p, c in counts["purposes"].items() if c["consent"] or c["legitimate_interest"]}
    features = {s for s, c in counts["special_features"].items() if c["consent"]}
    return purposes, features


def test_stacks_of_the_whole_catalogue_are_disjoint_and_cover_only_what_is_used(api, site, catalogue):
    purposes, features = used(catalogue, catalogue.active_vendor_ids())
    site.first_layer_stacks = True
    site.save()
    document = api.get(f"/api/v1/sites/{site.key}/banner?lang=en").json()
    shown = document["first_layer"]
    assert shown["stacks"]
    assert [s["id"] for s in document["stacks"]] == shown["stacks"]
    seen: list[tuple[str, int]] = []
    for entry in document["stacks"]:
        stack = catalogue.stacks[entry["id"]]
        assert entry["name"] == stack.name
        assert set(stack.purposes) <= purposes
        assert set(stack.special_features) <= features
        seen += [("p", p) for p in stack.purposes] + [("sf", s) for s in stack.special_features]
    assert len(seen) == len(set(seen)), "no purpose or special feature in two stacks"
    in_stacks = {p for kind, p in seen if kind == "p"}
    assert set(shown["purposes"]) == purposes - in_stacks
    assert set(shown["special_features"]) == features - {s for kind, s in seen if kind == "sf"}


def test_without_the_option_every_used_purpose_is_named_and_no_stack_is_sent(api, site, catalogue):
    purposes, features = used(catalogue, catalogue.active_vendor_ids())
    document = api.get(f"/api/v1/sites/{site.key}/banner?lang=en").json()
    assert document["first_layer"] == {
        "stacks": [],
        "purposes": sorted(purposes),
        "special_features": sorted(features),
    }
    assert document["stacks"] == []


def test_a_stack_needs_all_of_its_parts_in_use(catalogue):
    stack = max(catalogue.stacks.values(), key=lambda s: (len(s.purposes), -s.id))
    purposes, features = set(stack.purposes), set(stack.special_features)
    assert stack.id in first_layer_stacks(catalogue, purposes, features)
    for chosen in first_layer_stacks(catalogue, purposes, features):
        assert set(catalogue.stacks[chosen].purposes) <= purposes
    assert stack.id not in first_layer_stacks(catalogue, purposes - {min(purposes)}, features)
