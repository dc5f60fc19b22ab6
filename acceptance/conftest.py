"""Fixtures of the acceptance checks: the server that run.sh started, and clients on it.

run.sh starts one crest server per run (fresh data directory, or a fresh PostgreSQL database) and
passes its address and the bootstrap administrator's token in the environment.
"""
import os
import time
import uuid

import pytest
import wavefront_api_client as wf


def uid(prefix):
    """A name no other check uses."""
    return f'{prefix}-{uuid.uuid4().hex[:10]}'


def now_ms():
    return int(time.time() * 1000)


def client(base, token):
    """The real REST client, configured as §13's setup says: X-AUTH-TOKEN carries the token."""
    cfg = wf.Configuration()
    cfg.host = base
    cfg.api_key['X-AUTH-TOKEN'] = token
    return wf.ApiClient(cfg)


def status_of(call, *args, **kwargs):
    """The HTTP status of a call that should fail (the client raises ApiException)."""
    try:
        call(*args, **kwargs)
    except wf.rest.ApiException as e:
        return e.status
    raise AssertionError(f'{call.__name__} succeeded where a failure was expected')


def wait_for(fn, seconds=20):
    """Polls fn until it returns something truthy (ingestion is asynchronous)."""
    deadline = time.monotonic() + seconds
    while True:
        value = fn()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.fixture(scope='session')
def base():
    return os.environ['CREST_ACCEPTANCE_URL']


@pytest.fixture(scope='session')
def admin_token():
    return os.environ['CREST_ACCEPTANCE_TOKEN']


@pytest.fixture(scope='session')
def admin(base, admin_token):
    return client(base, admin_token)


@pytest.fixture(scope='session')
def account(base, admin):
    """Makes a service account holding exactly the given permissions; returns (id, token, client)."""
    made = []

    def make(*permissions):
        sid = 'sa::' + uid('acc')
        wf.AccountUserAndServiceAccountApi(admin).create_service_account(body=wf.ServiceAccountWrite(
            identifier=sid, active=True, groups=list(permissions)))
        token = wf.ApiTokenApi(admin).generate_token_service_account(sid, body={'tokenName': 't'}).response[-1].token_id
        made.append(sid)
        return sid, token, client(base, token)

    yield make
    for sid in made:
        try:
            wf.AccountUserAndServiceAccountApi(admin).delete_account(sid)
        except wf.rest.ApiException:
            pass
