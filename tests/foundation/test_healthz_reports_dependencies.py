"""/healthz says ok / not ok to anyone, and what failed (hosts, ports, roles) only to staff or to the
health token (finding: /healthz revealed the database host and role and the Redis address)."""

import pytest

TOKEN = "health-token-for-tests-0123456789"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.CMP_HEALTH_TOKEN = TOKEN


def details(client, path="/healthz"):
    return client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})


@pytest.mark.django_db
def test_healthz_is_200_when_database_is_up(client, settings):
    settings.REDIS_URL = ""
    assert client.get("/healthz").json() == {"status": "ok"}
    response = details(client)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    assert "redis" not in body["checks"]


@pytest.mark.django_db
def test_healthz_checks_redis_when_configured(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    settings.CMP_RATE_LIMIT_PER_IP = 0  # only the check may talk to Redis (the cache is not Redis here)
    response = details(client)
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_naming_redis_when_its_port_is_closed(client, settings, unused_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{unused_port}/0"
    settings.CMP_RATE_LIMIT_PER_IP = 0  # only the check may talk to Redis (the cache is not Redis here)
    public = client.get("/healthz")
    assert public.status_code == 503
    assert public.json() == {"status": "error"}, "the public answer names no host or port"
    assert str(unused_port) not in public.content.decode()
    assert client.get("/healthz", headers={"Authorization": "Bearer wrong"}).json() == {"status": "error"}
    response = details(client)
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["redis"]
    assert body["checks"]["redis"]["status"] == "error"
    assert "Connection" in body["checks"]["redis"]["error"]
    assert body["checks"]["database"] == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_refuses_other_methods(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_staff_see_the_details(client, settings, django_user_model):
    settings.REDIS_URL = ""
    client.force_login(django_user_model.objects.create_user("ops", is_staff=True))
    assert client.get("/healthz").json()["checks"]["database"] == {"status": "ok"}
