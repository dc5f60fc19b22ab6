"""Alert targets: checks C27-C29 and C32 of alerts-dashboards-events-proxies.md §13 with the real
REST client. The webhook receiver is a small http.server in a thread of the test. C30 is with the
alert checks; C31 (slow) is the evaluator's test on a moved clock."""
import http.server
import json
import threading

import pytest
import wavefront_api_client as wf

from conftest import now_ms, uid, wait_for


class Receiver(http.server.BaseHTTPRequestHandler):
    got = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        length = int(self.headers.get('Content-Length', '0'))
        Receiver.got.append({'content_type': self.headers.get('Content-Type'),
                             'x_t': self.headers.get('X-T'),
                             'body': self.rfile.read(length).decode()})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope='module')
def receiver_url():
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{server.server_address[1]}/hook'
    server.shutdown()


def c27(url, title, triggers=('ALERT_OPENED', 'ALERT_RESOLVED')):
    return wf.Notificant(title=title, description='d', method='WEBHOOK', recipient=url,
                         template='{"r":"{{{reason}}}","a":"{{{alertId}}}"}',
                         triggers=list(triggers), content_type='application/json',
                         custom_http_headers={'X-T': '1'})


@pytest.fixture(scope='module')
def notificant(admin, receiver_url):
    return wf.NotificantApi(admin).create_notificant(body=c27(receiver_url, uid('n1'))).response


def test_c27_create_echoes_every_field(notificant, receiver_url):
    assert len(notificant.id) == 16
    assert notificant.method == 'WEBHOOK'
    assert notificant.recipient == receiver_url
    assert notificant.custom_http_headers == {'X-T': '1'}
    assert notificant.triggers == ['ALERT_OPENED', 'ALERT_RESOLVED']
    assert abs(notificant.created_epoch_millis - now_ms()) < 60_000


def test_c28_update_replaces_the_triggers(admin, notificant, receiver_url):
    api = wf.NotificantApi(admin)
    api.update_notificant(notificant.id,
                          body=c27(receiver_url, notificant.title, triggers=['ALERT_OPENED']))
    assert api.get_notificant(notificant.id).response.triggers == ['ALERT_OPENED']


def test_c29_test_delivers_alert_testing(admin, notificant):
    Receiver.got.clear()
    answer = wf.NotificantApi(admin).test_notificant(notificant.id)
    assert answer.response.id == notificant.id
    assert wait_for(lambda: Receiver.got)
    got = Receiver.got[0]
    assert got['content_type'] == 'application/json'
    assert got['x_t'] == '1'
    assert json.loads(got['body'])['r'] == 'ALERT_TESTING'


def test_c32_search_and_method_facet(admin, notificant):
    search = wf.SearchApi(admin)
    found = search.search_notificant_entities(body=wf.SortableSearchRequest(
        query=[wf.SearchQuery(key='method', value='WEBHOOK', matching_method='EXACT')]))
    assert notificant.id in [n.id for n in found.response.items]
    facets = search.search_notficant_for_facets(
        body=wf.FacetsSearchRequestContainer(facets=['method']))
    assert 'WEBHOOK' in facets.response.facets['method']
