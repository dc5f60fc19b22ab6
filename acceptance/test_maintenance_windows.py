"""Maintenance windows: checks C33–C37 of alerts-dashboards-events-proxies.md §13 with the real
REST client, which requires `relevantCustomerTags` in every answer (X-3)."""
import time

import pytest
import wavefront_api_client as wf

from conftest import status_of


def now_s():
    return int(time.time())


@pytest.fixture(scope='module')
def windows(admin):
    return wf.MaintenanceWindowApi(admin)


@pytest.fixture(scope='module')
def c33(windows):
    return windows.create_maintenance_window(body=wf.MaintenanceWindow(
        title='mw1', reason='r', start_time_in_seconds=now_s() + 3600,
        end_time_in_seconds=now_s() + 7200, relevant_customer_tags=['ct1'])).response


@pytest.fixture(scope='module')
def c34(windows):
    return windows.create_maintenance_window(body=wf.MaintenanceWindow(
        title='mw2', reason='r', start_time_in_seconds=now_s() - 60,
        end_time_in_seconds=now_s() + 3600, relevant_customer_tags=[],
        relevant_host_names=['h1'])).response


def test_c33_a_future_window_is_pending(c33):
    assert c33.running_state == 'PENDING'
    assert c33.id
    assert c33.relevant_customer_tags == ['ct1']
    assert c33.event_name == 'Maintenance Window: mw1'


def test_c34_a_current_window_is_ongoing(c34):
    assert c34.running_state == 'ONGOING'
    assert c34.relevant_customer_tags == []


def test_c35_a_window_with_no_scope_is_a_400(windows):
    body = wf.MaintenanceWindow(title='mw3', reason='r', start_time_in_seconds=now_s(),
                                end_time_in_seconds=now_s() + 60, relevant_customer_tags=[])
    assert status_of(windows.create_maintenance_window, body=body) == 400


def test_c37_search_by_running_state(admin, c33, c34):
    found = wf.SearchApi(admin).search_maintenance_window_entities(body=wf.SortableSearchRequest(
        query=[wf.SearchQuery(key='runningState', value='ongoing', matching_method='EXACT')])).response
    ids = [w.id for w in found.items]
    assert c34.id in ids
    assert c33.id not in ids


def test_c36_closing_and_deleting(windows, c34):
    w = windows.get_maintenance_window(c34.id).response
    w.end_time_in_seconds = now_s() - 1
    assert windows.update_maintenance_window(c34.id, body=w).response.running_state == 'ENDED'
    windows.delete_maintenance_window(c34.id)
    assert status_of(windows.get_maintenance_window, c34.id) == 404


def test_every_list_deserialises(windows, c33):
    windows.get_all_maintenance_window()
