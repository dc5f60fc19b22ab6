"""Proxies: checks C59–C68 of alerts-dashboards-events-proxies.md §13. The proxy's own calls are
raw HTTP as a wavefront-proxy sends them (the REST client has no wfproxy methods); everything they
change is read back with the real REST client."""
import gzip
import json
import time
import uuid

import pytest
import requests
import wavefront_api_client as wf

from conftest import now_ms, status_of, uid, wait_for

PROXY_HEADERS = {'User-Agent': 'Wavefront-Proxy/13.4', 'Accept-Encoding': 'gzip'}


def check_in(base, token, proxy_id, hostname='conf-h', version='13.4', ephemeral='true'):
    """C59's check-in, byte for byte: the proxy's headers, a gzipped JSON body."""
    return requests.post(
        f'{base}/api/v2/wfproxy/checkin',
        params={'hostname': hostname, 'proxyname': 'conf-p', 'version': version,
                'currentMillis': now_ms(), 'ephemeral': ephemeral},
        headers={**PROXY_HEADERS, 'X-WF-PROXY-ID': proxy_id, 'Authorization': f'Bearer {token}',
                 'Content-Type': 'application/json', 'Content-Encoding': 'gzip'},
        data=gzip.compress(b'{}'), timeout=30)


def proxy_call(base, token, proxy_id, path, body=b'', content_type='application/json', params=None):
    return requests.post(
        f'{base}/api/v2/wfproxy/{path}', params=params,
        headers={**PROXY_HEADERS, 'X-WF-PROXY-ID': proxy_id, 'Authorization': f'Bearer {token}',
                 'Content-Type': content_type, 'Content-Encoding': 'gzip'},
        data=gzip.compress(body), timeout=30)


@pytest.fixture(scope='module')
def proxy(base, admin_token):
    """A proxy that checked in once: its id."""
    proxy_id = str(uuid.uuid4())
    r = check_in(base, admin_token, proxy_id)
    assert r.status_code == 200, r.text
    return proxy_id, r


def test_c59_a_check_in_registers_the_proxy(admin, proxy):
    proxy_id, r = proxy
    config = r.json()
    assert isinstance(config['currentTime'], int)
    assert abs(config['currentTime'] - now_ms()) < 60_000
    assert 'status' not in config  # the bare AgentConfiguration, not an envelope
    p = wf.ProxyApi(admin).get_proxy(proxy_id).response
    assert p.hostname == 'conf-h'
    assert p.version == '13.4'
    assert p.status == 'ACTIVE'
    assert p.ephemeral is True
    assert abs(p.last_check_in_time - now_ms()) < 60_000
    assert p.name


def test_c60_a_bad_token_is_401_and_one_without_proxies_403(base, account):
    assert check_in(base, str(uuid.uuid4()), str(uuid.uuid4())).status_code == 401
    _, token, _ = account('ingestion')
    assert check_in(base, token, str(uuid.uuid4())).status_code == 403


def test_c61_a_name_given_by_the_operator_survives_check_ins(base, admin, admin_token, proxy):
    proxy_id, _ = proxy
    api = wf.ProxyApi(admin)
    api.update_proxy(proxy_id, body=wf.Proxy(name='renamed'))
    assert check_in(base, admin_token, proxy_id).status_code == 200
    assert api.get_proxy(proxy_id).response.name == 'renamed'


def test_c62_a_remote_shutdown_reaches_the_proxy_at_its_next_check_in(base, admin, admin_token):
    proxy_id = str(uuid.uuid4())
    assert check_in(base, admin_token, proxy_id).status_code == 200
    wf.ProxyApi(admin).update_proxy(proxy_id, body=wf.Proxy(name='renamed', shutdown=True))
    config = check_in(base, admin_token, proxy_id).json()
    assert config['shutOffAgents'] is True


def test_c63_config_processed_is_acknowledged(base, admin_token, proxy):
    proxy_id, _ = proxy
    r = requests.post(f'{base}/api/v2/wfproxy/config/processed',
                      headers={'X-WF-PROXY-ID': proxy_id, 'Authorization': f'Bearer {admin_token}'},
                      timeout=30)
    assert 200 <= r.status_code < 300, r.text


def test_c64_points_through_the_proxy_reach_the_metric_details(base, admin, admin_token, proxy):
    proxy_id, _ = proxy
    now_s = int(time.time())
    r = proxy_call(base, admin_token, proxy_id, 'report', f'conf.proxy.metric 1 {now_s} source=conf-src\n'.encode(),
                   content_type='text/plain', params={'format': 'wavefront'})
    assert 200 <= r.status_code < 300, r.text
    metrics = wf.MetricApi(admin)
    details = wait_for(lambda: metrics.get_metric_details(m='conf.proxy.metric', h=['conf-*']).hosts)
    assert details[0].host == 'conf-src'
    assert abs(details[0].last_update - now_ms()) < 120_000


def test_c65_events_through_the_proxy_are_searchable(base, admin, admin_token, proxy):
    proxy_id, _ = proxy
    t = now_ms() - 1000
    name = uid('pe1')
    events = [{'name': name, 'startTime': t, 'endTime': t + 1, 'annotations': {'type': 'x'},
               'dimensions': None, 'hosts': ['h'], 'tags': None}]
    r = proxy_call(base, admin_token, proxy_id, 'event', json.dumps(events).encode())
    assert 200 <= r.status_code < 300, r.text
    found = wf.SearchApi(admin).search_report_event_entities(body=wf.EventSearchRequest(
        query=[wf.SearchQuery(key='name', value=name, matching_method='EXACT')],
        time_range=wf.EventTimeRange(earliest_start_time_epoch_millis=t - 1000,
                                     latest_start_time_epoch_millis=t + 1000))).response.items
    assert len(found) == 1
    assert found[0].hosts == ['h']
    assert found[0].annotations == {'type': 'x'}


def test_c66_the_saved_config_is_read_back(base, admin, admin_token, proxy):
    proxy_id, _ = proxy
    r = proxy_call(base, admin_token, proxy_id, 'saveConfig', b'{"k":"v"}')
    assert 200 <= r.status_code < 300, r.text
    assert wf.ProxyApi(admin).get_proxy_config(proxy_id).response == {'k': 'v'}


def test_c67_trash_and_undelete(admin, proxy):
    proxy_id, _ = proxy
    api, search = wf.ProxyApi(admin), wf.SearchApi(admin)
    by_id = [wf.SearchQuery(key='id', value=proxy_id, matching_method='EXACT')]
    api.delete_proxy(proxy_id)
    deleted = search.search_proxy_deleted_entities(body=wf.SortableSearchRequest(query=by_id)).response.items
    assert [p.id for p in deleted] == [proxy_id]
    api.undelete_proxy(proxy_id)
    live = search.search_proxy_entities(body=wf.SortableSearchRequest(query=by_id)).response.items
    assert [p.id for p in live] == [proxy_id]


def test_c68_listing_and_search_deserialise(admin, proxy):
    proxy_id, _ = proxy
    every = wf.ProxyApi(admin).get_all_proxy(limit=100).response.items
    assert proxy_id in [p.id for p in every]
    assert all(p.name for p in every)
    found = wf.SearchApi(admin).search_proxy_entities(body=wf.SortableSearchRequest(
        query=[wf.SearchQuery(key='hostname', value='conf-h', matching_method='EXACT')])).response.items
    assert proxy_id in [p.id for p in found]


def test_proxies_are_hidden_from_accounts_without_proxies(account, proxy):
    proxy_id, _ = proxy
    _, _, viewer = account('ingestion', 'events_management')
    api = wf.ProxyApi(viewer)
    assert status_of(api.get_proxy, proxy_id) == 403
    assert status_of(api.get_all_proxy) == 403
    assert status_of(api.update_proxy, proxy_id, body=wf.Proxy(name='stolen')) == 403
    assert status_of(api.delete_proxy, proxy_id) == 403


def test_c70_every_listing_deserialises(admin):
    """The listings this issue serves, read whole by the client (every required field present)."""
    wf.EventApi(admin).get_all_events_with_time_range(
        earliest_start_time_epoch_millis=now_ms() - 7_200_000, latest_start_time_epoch_millis=now_ms())
    wf.ProxyApi(admin).get_all_proxy()
