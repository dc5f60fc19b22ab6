"""Derived metrics: checks C57 and C58 of alerts-dashboards-events-proxies.md §13 with the real REST
client (wavefront-api-client 2.202.2). run.sh runs the server's derived-metric runner every 2 s
(CREST_DERIVED_EVERY_SECONDS), so C58 needs no minutes of real time: conf.src's last 3 minutes are
sent at once, back-dated, and the next round writes conf.derived."""
import time
import urllib.request

import pytest
import wavefront_api_client as wf

from conftest import uid, wait_for


def by_id(value):
    return wf.SortableSearchRequest(query=[wf.SearchQuery(key='id', value=value, matching_method='EXACT')])


def dm_body(name, source_metric='conf.src', output='conf.derived'):
    return wf.DerivedMetricDefinition(name=name, query=f'aliasMetric(ts({source_metric}), "{output}")',
                                      minutes=5, process_rate_minutes=1)


@pytest.fixture(scope='module')
def derived(admin):
    return wf.DerivedMetricApi(admin)


@pytest.fixture(scope='module')
def search(admin):
    return wf.SearchApi(admin)


def test_c57_create_history_and_the_trash_round_trip(derived, search):
    created = derived.create_derived_metric(body=dm_body('dm1')).response
    assert created.id
    assert isinstance(created.status, list)
    assert created.process_rate_minutes == 1
    history = derived.get_derived_metric_history(created.id).response
    assert len(history.items) >= 1
    derived.delete_derived_metric(created.id)
    assert not search.search_registered_query_entities(body=by_id(created.id)).response.items
    trashed = search.search_registered_query_deleted_entities(body=by_id(created.id)).response.items
    assert len(trashed) == 1 and trashed[0].in_trash is True
    derived.undelete_derived_metric(created.id)
    back = search.search_registered_query_entities(body=by_id(created.id)).response
    assert len(back.items) == 1 and not back.items[0].in_trash
    assert back.counts is not None


def test_c58_the_runner_writes_the_derived_metric(base, admin_token, admin, derived):
    source = uid('conf-host')
    now_s = int(time.time())
    # one point every 20 s over the last 3 minutes (before the current minute)
    start = (now_s // 60 - 3) * 60
    lines = ''.join(f'conf.src {i} {start + i * 20} source={source}\n' for i in range(9))
    req = urllib.request.Request(base + '/report', data=lines.encode(), method='POST',
                                 headers={'Authorization': 'Bearer ' + admin_token, 'Content-Type': 'text/plain'})
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 202
    derived.create_derived_metric(body=dm_body(uid('dm58')))
    metrics = wf.MetricApi(admin)
    hosts = wait_for(lambda: metrics.get_metric_details(m='conf.derived').hosts, seconds=60)
    assert hosts, 'conf.derived was never written'
    assert source in [h.host for h in hosts]
