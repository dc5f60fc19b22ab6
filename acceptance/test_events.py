"""Events: checks C39–C47 of alerts-dashboards-events-proxies.md §13 with the real REST client, the
SDK's send_event, and the neighbours of the Events permission."""
import time

import pytest
import wavefront_api_client as wf
from wavefront_sdk.client import WavefrontClient

from conftest import now_ms, status_of, uid, wait_for


@pytest.fixture(scope='module')
def events(admin):
    return wf.EventApi(admin)


@pytest.fixture(scope='module')
def deploy(events):
    """C39's event: "deploy 1", a minute ago, one millisecond long."""
    t = now_ms() - 60_000
    made = events.create_event(body=wf.Event(
        name='deploy 1', start_time=t, end_time=t + 1,
        annotations={'severity': 'info', 'type': 'deploy', 'details': 'd'}, tags=['et1'])).response
    return t, made


def test_c39_a_user_event_in_the_past_has_ended(deploy):
    t, e = deploy
    assert e.id.startswith(f'{t}:')
    assert e.is_user_event is True
    assert e.creator_type == ['USER']
    assert e.running_state == 'ENDED'
    assert e.can_delete is True
    assert e.annotations == {'severity': 'info', 'type': 'deploy', 'details': 'd'}
    assert e.tags == ['et1']


def test_c40_an_open_event_is_ongoing_until_closed(events):
    before = now_ms()
    e = events.create_event(body=wf.Event(name=uid('ongoing'), start_time=before, annotations={})).response
    assert e.running_state == 'ONGOING'
    assert e.can_close is True
    closed = events.close_user_event(e.id).response
    assert closed.running_state == 'ENDED'
    assert before <= closed.end_time <= now_ms() + 1000
    assert events.get_event(e.id).response.running_state == 'ENDED'


def test_c41_an_event_that_starts_in_an_hour_is_pending(events):
    e = events.create_event(body=wf.Event(name=uid('later'), start_time=now_ms() + 3_600_000, annotations={})).response
    assert e.running_state == 'PENDING'


def test_c42_start_time_zero_means_now(events):
    e = events.create_event(body=wf.Event(name=uid('zero'), start_time=0, annotations={})).response
    assert abs(e.start_time - now_ms()) < 60_000
    assert e.id.startswith(f'{e.start_time}:')


def test_c43_read_only_fields_are_ignored(events):
    t = now_ms()
    e = events.create_event(body=wf.Event(
        name=uid('ro'), start_time=t, end_time=t + 1, annotations={},
        is_ephemeral=True, can_delete=False, creator_type=['SYSTEM'])).response
    assert not e.is_ephemeral
    assert e.can_delete is True
    assert e.creator_type == ['USER']


def test_c44_tags_add_remove_set(events, deploy):
    _, e = deploy
    events.add_event_tag(e.id, 'et2')
    assert set(events.get_event_tags(e.id).response.items) == {'et1', 'et2'}
    events.remove_event_tag(e.id, 'et1')
    assert set(events.get_event_tags(e.id).response.items) == {'et2'}
    events.set_event_tags(e.id, body=['x'])
    assert set(events.get_event_tags(e.id).response.items) == {'x'}
    assert events.get_event(e.id).response.tags == ['x']


def test_c45_time_range_listing_reads_start_times(events, deploy):
    t, e = deploy
    inside = events.get_all_events_with_time_range(
        earliest_start_time_epoch_millis=t - 1000, latest_start_time_epoch_millis=t + 1000).response
    assert e.id in [x.id for x in inside.items]
    later = events.get_all_events_with_time_range(
        earliest_start_time_epoch_millis=t + 10_000, latest_start_time_epoch_millis=now_ms() + 1000).response
    assert e.id not in [x.id for x in later.items]


def test_c46_search_by_exact_name_in_a_time_range(admin, deploy):
    t, e = deploy
    found = wf.SearchApi(admin).search_report_event_entities(body=wf.EventSearchRequest(
        query=[wf.SearchQuery(key='name', value='deploy 1', matching_method='EXACT')],
        time_range=wf.EventTimeRange(earliest_start_time_epoch_millis=t - 1000,
                                     latest_start_time_epoch_millis=t + 1000))).response
    assert [x.id for x in found.items] == [e.id]


def test_c47_delete_by_an_id_with_a_colon_and_a_space(events, deploy):
    _, e = deploy
    assert ':' in e.id and ' ' in e.id
    events.delete_user_event(e.id)
    assert status_of(events.get_event, e.id) == 404


def test_events_need_the_events_permission(account):
    _, _, viewer = account()
    _, _, ingester = account('ingestion')
    for c in (viewer, ingester):
        api = wf.EventApi(c)
        assert status_of(api.create_event, body=wf.Event(name=uid('no'), start_time=now_ms(), annotations={})) == 403
    # reads stay open to any signed-in caller
    wf.EventApi(viewer).get_all_events_with_time_range(
        earliest_start_time_epoch_millis=now_ms() - 3_600_000, latest_start_time_epoch_millis=now_ms())


def test_an_event_of_another_writer_can_be_closed_only_with_the_permission(events, account):
    e = events.create_event(body=wf.Event(name=uid('theirs'), start_time=now_ms(), annotations={})).response
    _, _, viewer = account()
    mine = wf.EventApi(viewer)
    assert status_of(mine.close_user_event, e.id) == 403
    assert status_of(mine.delete_user_event, e.id) == 403
    assert status_of(mine.add_event_tag, e.id, 'nope') == 403
    assert events.get_event(e.id).response.running_state == 'ONGOING'
    assert events.get_event_tags(e.id).response.items == []


def search_by_name(api_client, name):
    return wf.SearchApi(api_client).search_report_event_entities(body=wf.EventSearchRequest(
        query=[wf.SearchQuery(key='name', value=name, matching_method='EXACT')],
        time_range=wf.EventTimeRange(earliest_start_time_epoch_millis=now_ms() - 7_200_000,
                                     latest_start_time_epoch_millis=now_ms() + 60_000))).response.items


def test_the_sdks_send_event_makes_events(base, admin, account):
    """wavefront-sdk-python 2.1.0 sends events as NDJSON to /api/v2/event, times in seconds."""
    _, token, _ = account('events_management')
    sdk = WavefrontClient(server=base, token=token, enable_internal_metrics=False, flush_interval_seconds=300)
    start = int(time.time()) - 30
    first, second = uid('sdk-deploy'), uid('sdk-backup')
    sdk.send_event(first, start, start + 10, 'sdk-host', ['env.prod', 'team-a'],
                   {'severity': 'info', 'type': 'deploy', 'details': 'from the sdk'})
    sdk.send_event(second, start, start + 20, 'sdk-host', None, {'severity': 'warn'})
    sdk.flush_now()
    sdk.close()
    assert sdk.get_failure_count() == 0
    [e] = wait_for(lambda: search_by_name(admin, first))
    assert e.start_time == start * 1000
    assert e.end_time == (start + 10) * 1000
    assert e.hosts == ['sdk-host']
    assert sorted(e.tags) == ['env.prod', 'team-a']
    assert e.annotations == {'severity': 'info', 'type': 'deploy', 'details': 'from the sdk'}
    assert e.running_state == 'ENDED'
    [e2] = wait_for(lambda: search_by_name(admin, second))
    assert e2.end_time == (start + 20) * 1000


def test_the_sdks_events_need_the_events_permission(base, admin, account):
    _, token, _ = account('ingestion')
    sdk = WavefrontClient(server=base, token=token, enable_internal_metrics=False, flush_interval_seconds=300)
    name = uid('sdk-refused')
    sdk.send_event(name, int(time.time()), int(time.time()) + 1, 'sdk-host', None, {})
    sdk.flush_now()
    sdk.close()
    assert sdk.get_failure_count() >= 1
    assert search_by_name(admin, name) == []
