"""Attacks by a database writer on records no seal covers yet (finding "Nothing outside the
database anchors the chain": "records of the last unsealed hour can be deleted without trace").
Every committed record is journaled outside the database (consent/journal.py); sealing and
`verify_consent_log` name each journaled record that is missing or holds another MAC, unless a
lawful deletion named it, and a consent POST never fails because the journal cannot be written."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.db import connection, transaction

from consent import journal, services, sink
from consent.models import ConsentRecord
from consent.services import clock

pytestmark = pytest.mark.usefixtures("seal_immediately")


@pytest.fixture
def post(api, django_capture_on_commit_callbacks):
    """A consent POST whose commit callbacks run (the test's own transaction never commits, and the
    journal line is written on commit): its answer."""

    def consent(site_key, body, visitor=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.choose(site_key, visitor, body) if visitor else api.consent(site_key, body)
        assert response.status_code == 201, response.content
        return response.json()

    return consent


def record_id(answer):
    return ConsentRecord.objects.get(consent_id=answer["consent_id"]).id


def journal_lines():
    path = journal.journal_path()
    return path.read_text().splitlines() if path.exists() else []


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=ConsentRecord._meta.db_table), params)


def test_each_committed_record_is_journaled_and_a_rolled_back_one_is_not(
    api, post, site, seal_sink, django_capture_on_commit_callbacks
):
    answers = [post(site.key, {"action": "accept_all"}) for _ in range(2)]
    records = [ConsentRecord.objects.get(consent_id=a["consent_id"]) for a in answers]
    assert journal_lines() == [f"+ {site.pk} {r.id} {r.mac[:16]}" for r in records]
    assert journal.journal_path().parent == seal_sink.parent

    def post_then_roll_back():
        with transaction.atomic():
            assert api.consent(site.key, {"action": "reject_all"}).status_code == 201
            raise RuntimeError("the request's transaction rolls back")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        post_then_roll_back()
    assert not ConsentRecord.objects.filter(action="reject_all").exists()
    assert len(journal_lines()) == 2
    # No personal data: ids and MAC prefixes only.
    assert all(records[0].user_id not in line for line in journal_lines())


def test_deleting_an_unsealed_record_is_named_before_and_after_the_next_seal(
    post, site, seal_sink, verify_log
):
    post(site.key, {"action": "accept_all"})
    services.seal_site(site)
    unsealed = [post(site.key, {"action": "accept_all"}) for _ in range(3)]
    ok, output = verify_log(site.key)
    assert ok, output
    deleted = record_id(unsealed[1])
    raw("DELETE FROM {table} WHERE id = %s", [deleted])
    ok, output = verify_log(site.key)
    assert not ok
    assert f"Record id {deleted} is in the record journal but missing from the database" in output
    # The next seal covers what is left, and would verify on its own: its head names the record.
    seal = services.seal_site(site)
    assert seal.record_count == 2
    head = json.loads(seal_sink.read_text().splitlines()[-1])
    assert (head["journal_missing"], head["journal_missing_count"]) == ([deleted], 1)
    ok, output = verify_log(site.key)
    assert not ok
    assert f"Record id {deleted} is in the record journal but was missing when seal #2 sealed" in output
    # And a later seal, whose journal window starts after it, still does not forget it.
    post(site.key, {"action": "reject_all"})
    services.seal_site(site)
    ok, output = verify_log(site.key)
    assert not ok
    assert output.count(f"Record id {deleted} ") == 1


def test_swapping_unsealed_records_of_two_visitors_is_named(post, site, verify_log):
    # Each record's MAC is genuine and each visitor has one record, so neither the MAC check nor the
    # signed order notices a swap of row ids; only the journal knows which id held which MAC.
    post(site.key, {"action": "reject_all"})
    services.seal_site(site)
    consent = post(site.key, {"action": "accept_all"})
    refusal = post(site.key, {"action": "reject_all"})
    first, second = record_id(consent), record_id(refusal)
    raw("UPDATE {table} SET id = %s WHERE id = %s", [-1, first])
    raw("UPDATE {table} SET id = %s WHERE id = %s", [first, second])
    raw("UPDATE {table} SET id = %s WHERE id = %s", [second, -1])
    ok, output = verify_log(site.key)
    assert not ok
    swapped_in = f"Record {refusal['consent_id']} (id {first}) holds another MAC than the record journal's"
    assert swapped_in in output
    assert f"Record {consent['consent_id']} (id {second}) holds another MAC" in output
    services.seal_site(site)
    ok, output = verify_log(site.key)
    assert not ok
    for swapped in (first, second):
        assert f"Record id {swapped} held another MAC than the record journal's when seal #2" in output


def test_an_unsealed_record_with_an_edited_field_is_named(post, site, verify_log):
    answer = post(site.key, {"action": "withdraw"})
    ConsentRecord.objects.filter(consent_id=answer["consent_id"]).update(mac="0" * 64)
    ok, output = verify_log(site.key)
    assert not ok
    assert f"Record {answer['consent_id']} (id {record_id(answer)}) holds another MAC" in output


def test_a_lawful_erasure_of_unsealed_records_is_not_reported(
    api, post, site, api_key_for, verify_log, django_capture_on_commit_callbacks
):
    post(site.key, {"action": "accept_all"})
    services.seal_site(site)
    visitor = post(site.key, {"action": "accept_all"})
    post(site.key, {"action": "withdraw"}, visitor)
    kept = post(site.key, {"action": "reject_all"})
    with django_capture_on_commit_callbacks(execute=True):
        path = f"/api/v1/sites/{site.key}/users/{visitor['user_id']}"
        response = api.delete(path, api_key_for(site, "erase"))
    assert response.status_code == 200, response.content
    erasure = ConsentRecord.objects.get(user_id=visitor["user_id"])
    deletions = [line for line in journal_lines() if line.startswith("-")]
    assert len(deletions) == 2
    assert all(line.endswith(f"erasure {erasure.consent_id}") for line in deletions)
    ok, output = verify_log(site.key)
    assert ok, output
    services.seal_site(site)
    ok, output = verify_log(site.key)
    assert ok, output
    assert ConsentRecord.objects.filter(consent_id=kept["consent_id"]).exists()


def test_a_retention_purge_is_not_reported(post, site, verify_log, monkeypatch):
    long_ago = clock.now() - timedelta(days=site.consent_lifetime_days + 5)
    monkeypatch.setattr(clock, "now", lambda: long_ago)
    expired = [post(site.key, {"action": "reject_all"}) for _ in range(3)]
    monkeypatch.undo()
    post(site.key, {"action": "accept_all"})
    report = services.purge_expired(batch_size=2)
    assert report.deleted == 3
    assert not ConsentRecord.objects.filter(consent_id__in=[e["consent_id"] for e in expired]).exists()
    ok, output = verify_log(site.key)
    assert ok, output


def test_the_next_reader_starts_where_the_last_seal_left_the_journal(post, site, seal_sink, verify_log):
    post(site.key, {"action": "accept_all"})
    services.seal_site(site)
    post(site.key, {"action": "accept_all"})
    head = json.loads(seal_sink.read_text().splitlines()[-1])
    # Nothing of the site was journaled after the seal's range yet: the offset is the journal's end
    # when it sealed, where the next record's line begins.
    assert head["journal_offset"] == len(journal_lines()[0]) + 1
    assert head["journal_missing"] == head["journal_altered"] == []
    # A journal cut short (replaced, truncated) cannot pass for one without lines.
    journal.journal_path().write_text("")
    ok, output = verify_log(site.key)
    assert not ok
    assert "is shorter than the seal sink says it was" in output


def test_an_unwritable_journal_still_records_the_choice_and_logs(
    post, site, settings, tmp_path, caplog, verify_log
):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.CMP_RECORD_JOURNAL_PATH = str(blocker / "record-journal.log")
    with caplog.at_level(logging.ERROR, logger="consent.journal"):
        answer = post(site.key, {"action": "accept_all"})
    assert ConsentRecord.objects.filter(consent_id=answer["consent_id"]).exists()
    assert "Record journal" in caplog.text
    assert "not written" in caplog.text
    # Writable again: the next record is journaled (the failed descriptor was not kept), and the
    # one that was not is a note, not a finding.
    settings.CMP_RECORD_JOURNAL_PATH = str(tmp_path / "record-journal.log")
    post(site.key, {"action": "accept_all"})
    assert len(journal_lines()) == 1
    ok, output = verify_log(site.key)
    assert ok, output
    assert "1 record(s) not sealed yet are not in the record journal" in output


def test_the_sealer_finds_its_last_head_from_the_end_of_a_long_sink(seal_sink):
    heads = [{"site": "alpha", "site_id": 1, "sequence": n, "journal_offset": 10 * n} for n in range(1, 400)]
    heads.insert(200, {"site": "beta", "site_id": 2, "sequence": 9, "journal_offset": 5})
    seal_sink.write_text("".join(json.dumps(head) + "\n" for head in heads))
    lines = seal_sink.read_bytes().splitlines()
    assert list(sink._lines_from_the_end(seal_sink, block=7)) == lines[::-1]
    assert sink.last_journal_offset(1, "alpha", 399) == 3990
    assert sink.last_journal_offset(1, "alpha", 12) == 120  # a later head is not the seal's before it
    assert sink.last_journal_offset(2, "beta", 9) == 5
    assert sink.last_journal_offset(2, "gamma", 9) == 0
