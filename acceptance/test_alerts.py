"""Alerts: checks C01–C22 and C30 of alerts-dashboards-events-proxies.md §13 with the real REST
client (wavefront-api-client 2.202.2), which validates every answer's required fields and enums
(X-3). The slow checks (C23–C26, C31, C38: minutes of real time) are the evaluator's tests on a
moved clock in crates/crest/tests/it/alert_evaluation.rs."""
import pytest
import wavefront_api_client as wf

from conftest import now_ms, status_of, uid


def c04_body(name='c04', **changes):
    fields = dict(name=name, condition='ts(conf.m) > 1', display_expression='ts(conf.m)', minutes=5,
                  severity='WARN', target='a@example.com', tags=wf.WFTags(customer_tags=['ct1']))
    fields.update(changes)
    return wf.Alert(**fields)


def by_id(key_value):
    return wf.SortableSearchRequest(query=[wf.SearchQuery(key='id', value=key_value, matching_method='EXACT')])


@pytest.fixture(scope='module')
def alerts(admin):
    return wf.AlertApi(admin)


@pytest.fixture(scope='module')
def search(admin):
    return wf.SearchApi(admin)


@pytest.fixture(scope='module')
def c04(alerts):
    return alerts.create_alert(body=c04_body()).response


def test_c01_an_unknown_alert_is_a_404(alerts):
    try:
        alerts.get_alert('1000000000000')
    except wf.rest.ApiException as e:
        assert e.status == 404
        assert '"result":"ERROR"' in e.body.replace(' ', '')
        assert '"code":404' in e.body.replace(' ', '')
    else:
        raise AssertionError('found')


def test_c02_bearer_works_and_no_token_is_401(base, admin_token):
    cfg = wf.Configuration()
    cfg.host = base
    bearer = wf.ApiClient(cfg, header_name='Authorization', header_value='Bearer ' + admin_token)
    wf.AlertApi(bearer).get_all_alert()
    anonymous = wf.ApiClient(wf.Configuration())
    anonymous.configuration.host = base
    assert status_of(wf.AlertApi(anonymous).get_all_alert) == 401


def test_c03_paging(alerts, c04):
    alerts.create_alert(body=c04_body(name=uid('c03')))
    page = alerts.get_all_alert(offset=0, limit=1).response
    assert len(page.items) == 1
    assert page.limit == 1 and page.offset == 0
    assert page.more_items is True
    assert page.total_items >= 2


def test_c04_the_servers_fields(c04):
    assert len(c04.id) == 13 and c04.id.isdigit()
    assert c04.resolve_after_minutes == 5
    assert c04.severity_list == ['WARN']
    assert c04.alert_type == 'CLASSIC'
    assert c04.status
    assert abs(c04.created_epoch_millis - now_ms()) < 60_000
    assert c04.creator_id


def test_c05_the_check_interval_defaults_to_five(c04):
    assert c04.process_rate_minutes == 5


def webhook_target(admin, title):
    body = wf.Notificant(title=uid(title), description='d', method='WEBHOOK',
                         recipient='http://127.0.0.1:9/hook', template='{"r":"{{{reason}}}"}',
                         triggers=['ALERT_OPENED'], content_type='application/json')
    return wf.NotificantApi(admin).create_notificant(body=body).response


def test_c06_target_info_names_the_stored_target_only(admin, alerts):
    n = webhook_target(admin, 'c06')
    target = f'x@example.com,target:{n.id},pd:0123456789abcdef0123456789abcdef'
    got = alerts.create_alert(body=c04_body(name=uid('c06'), target=target)).response
    assert got.notificants == [n.id]
    assert len(got.target_info) == 1
    info = got.target_info[0]
    assert (info.id, info.method, info.name) == (n.id, n.method, n.title)
    assert got.target == target


def test_c30_a_target_in_use_is_deleted_only_with_unlink(admin, alerts):
    n = webhook_target(admin, 'c30')
    api = wf.NotificantApi(admin)
    alert = alerts.create_alert(body=c04_body(name=uid('c30'), target=f'a@example.com,target:{n.id}')).response
    with pytest.raises(wf.rest.ApiException) as refused:
        api.delete_notificant(n.id)
    assert 400 <= refused.value.status < 500
    api.delete_notificant(n.id, unlink=True)
    after = alerts.get_alert(alert.id).response
    assert n.id not in (after.notificants or [])
    assert f'target:{n.id}' not in after.target


def test_c07_threshold_alerts(alerts):
    t = alerts.create_alert(body=wf.Alert(
        name='c07', alert_type='THRESHOLD', condition='ts(conf.m)', display_expression='ts(conf.m)',
        conditions={'warn': 'ts(conf.m) > 5', 'severe': 'ts(conf.m) > 10'},
        targets={'severe': 'pd:0123456789abcdef0123456789abcdef'}, minutes=5)).response
    assert t.alert_type == 'THRESHOLD'
    assert set(t.severity_list) == {'WARN', 'SEVERE'}
    assert set(t.conditions) == {'warn', 'severe'}
    assert t.condition is not None


def test_c08_versions(alerts):
    a = alerts.create_alert(body=c04_body()).response
    alerts.update_alert(a.id, body=c04_body(name='c04b'))
    history = alerts.get_alert_history(a.id).response
    versions = {h.version for h in history.items}
    assert len(history.items) >= 2 and {1, 2} <= versions
    assert alerts.get_alert_version(a.id, 1).response.name == 'c04'
    assert alerts.get_alert(a.id).response.name == 'c04b'


def test_c09_to_c11_snooze(alerts, c04):
    s = alerts.snooze_alert(c04.id, seconds=3600).response
    assert abs(s.snoozed - (now_ms() + 3_600_000)) < 60_000
    assert 'SNOOZED' in s.status
    assert alerts.snooze_alert(c04.id).response.snoozed < 0
    u = alerts.unsnooze_alert(c04.id).response
    assert 'SNOOZED' not in u.status
    assert u.snoozed is None or u.snoozed == 0 or u.snoozed <= now_ms()


def test_c12_tags(alerts):
    a = alerts.create_alert(body=c04_body()).response
    alerts.add_alert_tag(a.id, 't-1')
    assert 't-1' in alerts.get_alert_tags(a.id).response.items
    alerts.remove_alert_tag(a.id, 't-1')
    assert 't-1' not in alerts.get_alert_tags(a.id).response.items
    alerts.set_alert_tags(a.id, body=['a', 'b'])
    assert set(alerts.get_alert(a.id).response.tags.customer_tags) == {'a', 'b'}


def test_c13_trash_and_undelete(alerts, search):
    a = alerts.create_alert(body=c04_body()).response
    alerts.delete_alert(a.id)
    assert not search.search_alert_entities(body=by_id(a.id)).response.items
    trashed = search.search_alert_deleted_entities(body=by_id(a.id)).response.items
    assert [t.in_trash for t in trashed] == [True]
    alerts.undelete_alert(a.id)
    back = search.search_alert_entities(body=by_id(a.id)).response.items
    assert len(back) == 1 and not back[0].in_trash


def test_c14_skip_trash(alerts, search):
    a = alerts.create_alert(body=c04_body()).response
    alerts.delete_alert(a.id, skip_trash=True)
    assert status_of(alerts.get_alert, a.id) == 404
    assert not search.search_alert_deleted_entities(body=by_id(a.id)).response.items


def test_c15_clone(alerts, c04):
    clone = alerts.clone_alert(c04.id, name='c15').response
    assert clone.id != c04.id
    assert clone.name == 'c15'
    assert clone.condition == c04.condition


def test_c16_search_by_tag_with_counts(search, c04):
    found = search.search_alert_entities(body=wf.SortableSearchRequest(
        query=[wf.SearchQuery(key='tags', value='ct1', matching_method='EXACT')])).response
    assert c04.id in [a.id for a in found.items]
    assert isinstance(found.alert_counts, dict)


def test_c17_search_by_status(search, c04):
    found = search.search_alert_entities(body=wf.SortableSearchRequest(
        query=[wf.SearchQuery(key='status', value='checking', matching_method='EXACT')])).response
    assert found.items
    assert all('CHECKING' in a.status for a in found.items)


def test_c18_tag_facet(search, c04):
    facet = search.search_alert_for_facet('tags', body=wf.FacetSearchRequestContainer(
        query=[wf.SearchQuery(key='name', value='c04', matching_method='STARTSWITH')])).response
    assert 'ct1' in facet.items


def test_c19_summary(alerts, c04):
    summary = alerts.get_alerts_summary().response
    assert isinstance(summary, dict)
    assert all(isinstance(v, int) for v in summary.values())


def test_c20_check_query(alerts):
    assert alerts.check_query_type(body=wf.QueryTypeDTO(input_query='ts(cpu.load)')).response.query_type == 'WQL'


def test_c21_minutes_below_one_is_a_400(alerts):
    assert status_of(alerts.create_alert, body=c04_body(minutes=0)) == 400


def test_c22_more_than_ten_emails_is_a_400(alerts):
    target = ','.join(f'u{i}@example.com' for i in range(11))
    try:
        alerts.create_alert(body=c04_body(target=target))
    except wf.rest.ApiException as e:
        assert e.status == 400
        assert 'Invalid notification' in e.body
    else:
        raise AssertionError('created')


def test_every_list_deserialises(alerts):
    alerts.get_all_alert(limit=100)
