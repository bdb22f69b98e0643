"""The check answers special-feature questions per TCF (the visitor's opt-in; with a vendor, also
that the vendor declares the feature and may process at all), the batch check the same, and a
parameter the check does not know is a 400 that names it."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

FEATURE = 1


@pytest.fixture
def ask(api, site, api_key_for):
    key = api_key_for(site, "check")

    def check(user_id: str, **question: object) -> object:
        return api.get(f"/api/v1/sites/{site.key}/users/{user_id}/consent/check?{urlencode(question)}", key)

    return check


@pytest.fixture
def feature_vendor(catalogue):
    """A vendor that declares the special feature and purpose 1 on consent."""
    return next(
        v for v in sorted(catalogue.vendors.values(), key=lambda v: v.id)
        if v.is_active and FEATURE in v.special_features and 1 in v.purposes and len(v.purposes) > 1
    )  # fmt: skip


def user(api, site, body):
    answer = api.consent(site.key, body)
    assert answer.status_code == 201, answer.content
    return answer.json()["user_id"]


def test_a_special_feature_alone_is_the_opt_in(api, site, ask):
    accepted = user(api, site, {"action": "accept_all"})
    rejected = user(api, site, {"action": "reject_all"})
    only_the_feature = user(api, site, {"action": "custom", "special_features": [FEATURE]})
    assert ask(accepted, special_feature=FEATURE).json() == {
        "allowed": True,
        "legal_basis": "consent",
        "reason": f"The user opted in to special feature {FEATURE}.",
    }
    assert ask(rejected, special_feature=FEATURE).json()["allowed"] is False
    assert ask(only_the_feature, special_feature=FEATURE).json()["allowed"] is True


def test_with_a_vendor_the_vendor_must_declare_it_and_may_process(api, site, ask, catalogue, feature_vendor):
    vendor = feature_vendor.id
    not_declaring = next(v.id for v in catalogue.vendors.values() if v.is_active and not v.special_features)
    accepted = user(api, site, {"action": "accept_all"})
    assert ask(accepted, special_feature=FEATURE, vendor=vendor).json()["allowed"] is True
    refused = ask(accepted, special_feature=FEATURE, vendor=not_declaring).json()
    assert refused["allowed"] is False
    assert f"does not declare special feature {FEATURE}" in refused["reason"]

    # Opted in and the vendor consented to, but no purpose 1: the vendor may not process at all.
    no_storage = user(
        api, site, {"action": "custom", "special_features": [FEATURE], "vendors": [vendor], "purposes": []}
    )
    answer = ask(no_storage, special_feature=FEATURE, vendor=vendor).json()
    assert answer["allowed"] is False
    assert "purpose 1" in answer["reason"]
    with_purposes = user(
        api,
        site,
        {
            "action": "custom",
            "special_features": [FEATURE],
            "vendors": [vendor],
            "purposes": sorted(feature_vendor.purposes),
        },
    )
    assert ask(with_purposes, special_feature=FEATURE, vendor=vendor).json()["legal_basis"] == "consent"
    # Without the opt-in, the vendor's consents do not reach the feature.
    without_opt_in = user(
        api, site, {"action": "custom", "vendors": [vendor], "purposes": sorted(feature_vendor.purposes)}
    )
    assert ask(without_opt_in, vendor=vendor).json()["allowed"] is True
    assert ask(without_opt_in, special_feature=FEATURE, vendor=vendor).json()["allowed"] is False


@pytest.mark.parametrize(
    ("question", "field", "code"),
    [
        ({"colour": "blue"}, "colour", "unknown_parameter"),
        ({"vendor": 755, "purpse": 1}, "purpse", "unknown_parameter"),
        ({"special_feature": 99}, "special_feature", None),
        ({"special_feature": 0}, "special_feature", "invalid_parameter"),
        ({"special_feature": FEATURE, "purpose": 1}, None, "invalid_question"),
        ({"special_feature": FEATURE, "vendor": 755, "purpose": 1}, None, "invalid_question"),
    ],
)
def test_unknown_parameters_and_questions_are_refused(api, site, ask, question, field, code):
    accepted = user(api, site, {"action": "accept_all"})
    response = ask(accepted, **question)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error.get("field") == field
    if code:
        assert error["code"] == code
    if code == "unknown_parameter":
        assert f"Unknown parameter(s): {field}." in error["message"]


def test_the_batch_check_answers_special_features_as_the_single_check(
    api, site, ask, api_key_for, feature_vendor
):
    key = api_key_for(site, "check")
    users = [user(api, site, {"action": action}) for action in ("accept_all", "reject_all")]
    questions = [
        {"user_id": u, **q}
        for u in users
        for q in (
            {"special_feature": FEATURE},
            {"special_feature": FEATURE, "vendor": feature_vendor.id},
            {"vendor": 755},
        )
    ]
    answers = api.post(
        f"/api/v1/sites/{site.key}/consent-checks", {"questions": questions}, Authorization=f"Api-Key {key}"
    ).json()["answers"]
    for question, answer in zip(questions, answers, strict=True):
        asked = {k: v for k, v in question.items() if k != "user_id"}
        assert answer == ask(question["user_id"], **asked).json(), question
    assert [a["allowed"] for a in answers] == [True, True, True, False, False, False]
