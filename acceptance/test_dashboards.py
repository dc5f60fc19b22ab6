"""Dashboards: checks C49–C56 of alerts-dashboards-events-proxies.md §13 with the real REST client
(wavefront-api-client 2.202.2), which validates every answer's required fields and enums (X-3);
the round trip of whole dashboard JSON (the reference's example and one of every chart type, the
fixtures of crates/crest/tests/it/fixtures/dashboards/) through create → get → update; ACLs
enforced on reads and writes; the Dashboards permission."""
import json
import os

import pytest
import wavefront_api_client as wf

from conftest import now_ms, status_of, uid

FIXTURES = os.path.join(os.path.dirname(__file__), '..', 'crates', 'crest', 'tests', 'it', 'fixtures', 'dashboards')

# The fields the server sets over a dashboard's JSON (Terraform's list, the flags, `acl`, and
# `tags` when the JSON had none).
SERVER_SET = {'createdEpochMillis', 'updatedEpochMillis', 'creatorId', 'updaterId', 'deleted', 'hidden',
              'systemOwned', 'orphan', 'favorite', 'numFavorites', 'numCharts', 'modifyAclAccess', 'acl', 'tags'}


def fixture(name):
    with open(os.path.join(FIXTURES, name), encoding='utf-8') as f:
        return json.load(f)


def d1_body(id_='conf-d1', name='D1'):
    return wf.Dashboard(
        id=id_, url=id_, name=name,
        sections=[wf.DashboardSection(name='S', rows=[wf.DashboardSectionRow(charts=[wf.Chart(
            name='C', sources=[wf.ChartSourceQuery(name='q', query='ts(x)')],
            chart_settings=wf.ChartSettings(type='line'))])])],
        parameter_details={'env': wf.DashboardParameterValue(parameter_type='SIMPLE', label='env',
                                                              default_value='prod')})


def by_id(value):
    return wf.SortableSearchRequest(query=[wf.SearchQuery(key='id', value=value, matching_method='EXACT')])


def raw(admin, method, path, body=None):
    """A call through the client's own transport whose answer is read as plain JSON."""
    return admin.call_api(path, method, body=body, response_type='object', auth_settings=['api_key'],
                          _return_http_data_only=True)['response']


@pytest.fixture(scope='module')
def dashboards(admin):
    return wf.DashboardApi(admin)


@pytest.fixture(scope='module')
def search(admin):
    return wf.SearchApi(admin)


@pytest.fixture(scope='module')
def d1(dashboards):
    return dashboards.create_dashboard(body=d1_body()).response


def test_c49_create_keeps_the_dashboard(d1):
    assert d1.id == d1.url == 'conf-d1'
    assert d1.sections[0].name == 'S'
    chart = d1.sections[0].rows[0].charts[0]
    assert chart.name == 'C' and chart.chart_settings.type == 'line'
    assert chart.sources[0].query == 'ts(x)'
    assert d1.parameter_details['env'].default_value == 'prod'
    assert d1.parameter_details['env'].parameter_type == 'SIMPLE'
    assert d1.creator_id
    assert abs(d1.created_epoch_millis - now_ms()) < 60_000


def test_c50_lists_and_searches_deserialise(dashboards, search, d1):
    listed = dashboards.get_all_dashboard(limit=100).response
    assert 'conf-d1' in [d.id for d in listed.items]
    found = search.search_dashboard_entities(body=wf.SortableSearchRequest()).response
    assert all(d.sections is not None for d in found.items)


def test_c51_versions(dashboards, d1):
    dashboards.update_dashboard('conf-d1', body=d1_body(name='D1b'))
    history = dashboards.get_dashboard_history('conf-d1').response
    assert len(history.items) >= 2
    assert {1, 2} <= {h.version for h in history.items}
    assert dashboards.get_dashboard_version('conf-d1', 1).response.name == 'D1'
    assert dashboards.get_dashboard('conf-d1').response.name == 'D1b'


def test_c52_favorites(dashboards, search, d1):
    dashboards.favorite_dashboard('conf-d1')
    dashboards.favorite_dashboard('conf-d1')
    got = dashboards.get_dashboard('conf-d1').response
    assert got.favorite is True and got.num_favorites == 1
    favs = search.search_dashboard_entities(body=wf.SortableSearchRequest(
        query=[wf.SearchQuery(key='favorite', value='true', matching_method='EXACT')])).response
    assert 'conf-d1' in [d.id for d in favs.items]
    dashboards.unfavorite_dashboard('conf-d1')
    assert not dashboards.get_dashboard('conf-d1').response.favorite


def test_tags_and_facets(dashboards, search):
    made = dashboards.create_dashboard(body=d1_body(uid('tags'))).response
    dashboards.add_dashboard_tag(made.id, 't-1')
    assert dashboards.get_dashboard_tags(made.id).response.items == ['t-1']
    dashboards.remove_dashboard_tag(made.id, 't-1')
    assert dashboards.get_dashboard_tags(made.id).response.items == []
    dashboards.set_dashboard_tags(made.id, body=['a', 'b.c'])
    assert set(dashboards.get_dashboard(made.id).response.tags.customer_tags) == {'a', 'b.c'}
    found = search.search_dashboard_entities(body=wf.SortableSearchRequest(
        query=[wf.SearchQuery(key='tags', value='b.c', matching_method='EXACT')])).response
    assert made.id in [d.id for d in found.items]
    facet = search.search_dashboard_for_facet('tags', body=wf.FacetSearchRequestContainer(
        query=[wf.SearchQuery(key='id', value=made.id, matching_method='EXACT')])).response
    assert set(facet.items) == {'a', 'b.c'}
    facets = search.search_dashboard_for_facets(body=wf.FacetsSearchRequestContainer(facets=['tags'])).response
    assert 'b.c' in facets.facets['tags']
    assert status_of(dashboards.add_dashboard_tag, made.id, 'a b') == 400


def test_c53_acl(dashboards, account):
    made = dashboards.create_dashboard(body=d1_body(uid('acl'))).response
    user, _, user_client = account('dashboard_management')
    _, _, outsider = account('dashboard_management')
    dashboards.set_dashboard_acl(body=[wf.AccessControlListWriteDTO(entity_id=made.id, view_acl=[user],
                                                                    modify_acl=[user])])
    acls = dashboards.get_dashboard_access_control_list(id=[made.id]).response
    assert len(acls) == 1 and acls[0].entity_id == made.id
    assert user in [e.id for e in acls[0].modify_acl]
    # The ACL holds on every read and write: someone it does not name sees nothing.
    theirs = wf.DashboardApi(outsider)
    assert status_of(theirs.get_dashboard, made.id) == 404
    assert status_of(theirs.update_dashboard, made.id, body=d1_body(made.id)) == 404
    assert status_of(theirs.get_dashboard_history, made.id) == 404
    found = wf.SearchApi(outsider).search_dashboard_entities(body=by_id(made.id)).response
    assert found.items == []
    assert made.id not in [d.id for d in theirs.get_all_dashboard(limit=1000).response.items]
    # The account it names reads and changes it.
    mine = wf.DashboardApi(user_client)
    assert mine.update_dashboard(made.id, body=d1_body(made.id, name='changed')).response.name == 'changed'
    assert mine.get_dashboard(made.id).response.modify_acl_access is True


def test_writes_need_the_dashboards_permission(dashboards, d1, account):
    _, _, reader = account()
    theirs = wf.DashboardApi(reader)
    assert theirs.get_dashboard('conf-d1').response.id == 'conf-d1'
    assert status_of(theirs.create_dashboard, body=d1_body(uid('no'))) == 403
    assert status_of(theirs.update_dashboard, 'conf-d1', body=d1_body()) == 403
    assert status_of(theirs.delete_dashboard, 'conf-d1') == 403
    assert status_of(theirs.add_dashboard_tag, 'conf-d1', 'x') == 403
    theirs.favorite_dashboard('conf-d1')
    theirs.unfavorite_dashboard('conf-d1')


def test_c54_trash_undelete_and_versions_after_a_delete_for_good(dashboards, search):
    id_ = uid('trash')
    dashboards.create_dashboard(body=d1_body(id_))
    dashboards.delete_dashboard(id_)
    assert search.search_dashboard_entities(body=by_id(id_)).response.items == []
    deleted = search.search_dashboard_deleted_entities(body=by_id(id_)).response.items
    assert [d.id for d in deleted] == [id_] and deleted[0].deleted is True
    assert dashboards.undelete_dashboard(id_).response.deleted is False
    assert [d.id for d in search.search_dashboard_entities(body=by_id(id_)).response.items] == [id_]
    dashboards.delete_dashboard(id_, skip_trash=True)
    assert status_of(dashboards.get_dashboard, id_) == 404
    assert search.search_dashboard_deleted_entities(body=by_id(id_)).response.items == []
    old = dashboards.get_dashboard_version(id_, 1).response
    assert old.name == 'D1'
    # POSTing an old version re-creates the dashboard (D-4).
    again = dashboards.create_dashboard(body=old).response
    assert again.id == id_ and again.name == 'D1'
    assert dashboards.get_dashboard_history(id_).response.items[0].version == 2


def test_c55_an_id_in_use_is_refused(dashboards):
    dashboards.create_dashboard(body=d1_body('conf-d2'))
    assert 400 <= status_of(dashboards.create_dashboard, body=d1_body('conf-d2')) < 500


def test_c56_fields_crest_does_not_interpret_are_kept(admin):
    links = {'dashboardLinks': {'*': {'destination': '/d/x'}}}
    body = {'id': 'conf-d56', 'url': 'conf-d56', 'name': 'D56', 'sections': [{'name': 'S', 'rows': [{'charts': [
        {'name': 'C', 'sources': [{'name': 'q', 'query': 'ts(x)'}], 'chartAttributes': links}]}]}]}
    got = raw(admin, 'POST', '/api/v2/dashboard', body)
    assert got['sections'][0]['rows'][0]['charts'][0]['chartAttributes'] == links


@pytest.mark.parametrize('name', ['reference_example.json', 'every_chart_type.json'])
def test_exported_json_round_trips_unchanged(admin, dashboards, name):
    sent = fixture(name)
    created = raw(admin, 'POST', '/api/v2/dashboard', sent)
    path = '/api/v2/dashboard/' + sent['id']
    got = raw(admin, 'GET', path)
    assert got == created
    for key, value in sent.items():
        assert got[key] == value, key
    assert set(got) - set(sent) <= SERVER_SET
    updated = raw(admin, 'PUT', path, got)
    for key in ('updatedEpochMillis', 'updaterId'):
        updated.pop(key)
        got.pop(key)
    assert updated == got
    # The typed client reads it too: every enum and required field holds.
    typed = dashboards.get_dashboard(sent['id']).response
    assert typed.id == sent['id'] and typed.sections


def test_bad_input_is_a_400_that_names_it(admin):
    body = {'id': 'conf-bad', 'url': 'conf-bad', 'name': 'bad', 'sections': [{'name': 'S', 'rows': [{'charts': [
        {'name': 'C', 'sources': [{'name': 'q', 'query': 'ts(x)'}], 'chartSettings': {'type': 'donut'}}]}]}]}
    try:
        raw(admin, 'POST', '/api/v2/dashboard', body)
    except wf.rest.ApiException as e:
        assert e.status == 400
        assert 'chartSettings.type' in e.body
    else:
        raise AssertionError('accepted')
