"""`POST .../consent-checks` answers many questions with the same rules as the single check, in
order; a malformed question gets its own error, the others their answers."""

from __future__ import annotations

from urllib.parse import urlencode


def test_every_answer_equals_the_single_checks(api, site, api_key_for):
    key = api_key_for(site)
    accepted = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    rejected = api.consent(site.key, {"action": "reject_all"}).json()["user_id"]
    unknown = "u" * 20
    questions = [
        {"user_id": user, **question}
        for user in (accepted, rejected, unknown)
        for question in (
            {"vendor": 755},
            {"vendor": 755, "purpose": 1},
            {"purpose": 7},
            {"category": "analytics"},
            {"category": "necessary"},
            {"atp": 89},
        )
    ]
    response = api.post(
        f"/api/v1/sites/{site.key}/consent-checks", {"questions": questions}, Authorization=f"Api-Key {key}"
    )
    assert response.status_code == 200, response.content
    answers = response.json()["answers"]
    assert len(answers) == len(questions)
    for question, answer in zip(questions, answers, strict=True):
        params = {k: v for k, v in question.items() if k != "user_id"}
        single = api.get(
            f"/api/v1/sites/{site.key}/users/{question['user_id']}/consent/check?{urlencode(params)}", key
        ).json()
        assert answer == single, question


def test_a_malformed_question_gets_its_own_error(api, site, api_key_for):
    key = api_key_for(site)
    user = api.consent(site.key, {"action": "accept_all"}).json()["user_id"]
    questions = [
        {"user_id": user, "purpose": 1},
        {"user_id": "short", "purpose": 1},
        {"user_id": user, "colour": 3},
    ]
    answers = api.post(
        f"/api/v1/sites/{site.key}/consent-checks", {"questions": questions}, Authorization=f"Api-Key {key}"
    ).json()["answers"]
    assert answers[0]["allowed"] is True
    assert answers[1]["error"]["field"] == "user_id"
    assert answers[2]["error"]["code"] == "unknown_field"


def test_the_body_is_checked_and_a_key_is_needed(api, site, api_key_for):
    path = f"/api/v1/sites/{site.key}/consent-checks"
    key = f"Api-Key {api_key_for(site)}"
    assert api.post(path, {"questions": []}, Authorization=key).status_code == 400
    assert api.post(path, {"questions": [{"user_id": "x" * 20}] * 501}, Authorization=key).status_code == 400
    assert api.post(path, {"asks": []}, Authorization=key).json()["error"]["code"] == "unknown_field"
    assert api.post(path, {"questions": [{"user_id": "x" * 20, "purpose": 1}]}).status_code == 401
