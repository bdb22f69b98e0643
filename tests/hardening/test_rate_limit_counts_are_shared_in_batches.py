"""With Redis, each process counts hits locally and sends them in batches (cmp/ratelimit.py): one
process never exceeds a limit, all processes together exceed it by at most (processes x (burst - 1)),
a burst of 1 is exact, and unsent hits reach Redis within SYNC_SECONDS. Two `Counter` objects stand
for two worker processes; they share the machine's real Redis."""

from __future__ import annotations

import itertools

import pytest
import redis

from cmp import ratelimit
from cmp.ratelimit import Counter, Limit

LIMIT = 200
WINDOW = 60
NOW = 1_800_000_030.0  # inside one window


@pytest.fixture
def shared_redis(point_redis_at, redis_url, settings, isolated_rate_limits):
    point_redis_at(redis_url)
    settings.CMP_RATE_LIMIT_LOCAL_BURST = 4
    return redis.Redis.from_url(redis_url)


def limit() -> Limit:
    return Limit("ip", "subject", LIMIT, WINDOW)


def admitted(counters: list[Counter], hits: int) -> int:
    """Sends `hits` requests round-robin over the counters; how many were under the limit."""
    allowed = 0
    for counter in itertools.islice(itertools.cycle(counters), hits):
        (count,) = counter.hit([limit()], NOW)
        allowed += count <= LIMIT
    return allowed


def stored_total(client: redis.Redis) -> int:
    return int(client.get(limit().key(NOW)) or 0)


def test_burst_is_the_setting_or_a_32nd_of_the_limit(settings):
    settings.CMP_RATE_LIMIT_LOCAL_BURST = 32
    assert Limit("site", "s", 60_000, 60).burst == 32
    assert Limit("ip", "a", 300, 60).burst == 9
    assert Limit("ip", "a", 3, 60).burst == 1


def test_one_process_alone_never_exceeds_the_limit(shared_redis):
    assert admitted([Counter()], LIMIT + 50) == LIMIT


def test_processes_together_exceed_the_limit_by_at_most_their_unsent_hits(shared_redis):
    counters = [Counter(), Counter(), Counter()]
    allowed = admitted(counters, LIMIT * 2)
    burst = limit().burst
    assert burst == 4
    assert LIMIT <= allowed <= LIMIT + len(counters) * (burst - 1)


def test_a_burst_of_one_counts_exactly_across_processes(shared_redis, settings):
    settings.CMP_RATE_LIMIT_LOCAL_BURST = 1
    assert admitted([Counter(), Counter(), Counter()], LIMIT * 2) == LIMIT
    assert stored_total(shared_redis) == LIMIT * 2


def test_hits_are_sent_in_batches_of_the_burst(shared_redis):
    counter = Counter()
    counter.hit([limit()], NOW)  # the first hit of a process is sent at once
    assert stored_total(shared_redis) == 1
    for _ in range(3):
        counter.hit([limit()], NOW)
    assert stored_total(shared_redis) == 1, "three unsent hits are below the burst of 4"
    counter.hit([limit()], NOW)
    assert stored_total(shared_redis) == 5


def test_unsent_hits_reach_redis_within_the_sync_interval(shared_redis, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    counter = Counter()
    counter.hit([limit()], NOW)
    counter.hit([limit()], NOW)
    assert stored_total(shared_redis) == 1
    clock[0] += ratelimit.SYNC_SECONDS
    # Any later request sends what is pending, for every key.
    other = Limit("site", "another", LIMIT, WINDOW)
    counter.hit([other], NOW)
    assert stored_total(shared_redis) == 2
    assert int(shared_redis.get(other.key(NOW))) == 1


def test_counts_of_ended_windows_are_forgotten(shared_redis, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(ratelimit.time, "monotonic", lambda: clock[0])
    counter = Counter()
    counter.hit([limit()], NOW)
    assert limit().key(NOW) in counter._known
    clock[0] += WINDOW
    counter.hit([limit()], NOW + WINDOW)
    assert limit().key(NOW) not in counter._known
    assert limit().key(NOW + WINDOW) in counter._known


def test_an_unreachable_redis_is_found_at_the_next_exchange(redis_down):
    with pytest.raises(ratelimit.LimiterUnavailable):
        Counter().hit([limit()], NOW)
