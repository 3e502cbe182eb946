"""Webhooks: each public change POSTed to each partner's URL, signed, retried, never twice,
never for a change nobody outside can see. A real HTTP server on loopback receives them."""

import hashlib
import hmac
import http.server
import json
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from casetracker.cases.models import PublicationState
from casetracker.changes import delivery
from casetracker.changes.log import catch_up
from casetracker.changes.models import Delivery, Webhook
from tests.factories import EventFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


class Receiver(http.server.BaseHTTPRequestHandler):
    answers: list = []  # status codes to answer, in turn; then 200
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        status = self.answers.pop(0) if self.answers else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.answers, Receiver.received = [], []
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def webhook(receiver):
    return Webhook.objects.create(user=UserFactory(username="partner-org"),
                                  url=f"http://127.0.0.1:{receiver.server_port}/hook")


def test_a_change_is_delivered_signed(webhook, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        person = PersonFactory(name="Rustam Nazarov")
        catch_up()
    (headers, body), = Receiver.received
    assert json.loads(body) == {"cursor": 1, "type": "person", "id": person.pk,
                                "action": "changed", "into": None,
                                "at": json.loads(body)["at"]}
    expected = "sha256=" + hmac.new(webhook.secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Casetracker-Signature"], expected)
    assert Delivery.objects.get().state == Delivery.State.DELIVERED


def test_a_failed_delivery_is_retried_with_backoff_and_never_sent_twice(webhook):
    Receiver.answers = [500, 503]
    PersonFactory()
    catch_up()
    now = timezone.now()
    assert delivery.deliver_pending(webhook, now=now) == pytest.approx(60)
    pending = Delivery.objects.get()
    assert (pending.state, pending.attempts, pending.last_status) == ("pending", 1, 500)
    assert delivery.deliver_pending(webhook, now=now) == pytest.approx(60)  # not due yet
    assert len(Receiver.received) == 1
    assert delivery.deliver_pending(webhook, now=now + timedelta(minutes=1)) == \
        pytest.approx(120)  # the second answer, 503: twice as long
    assert delivery.deliver_pending(webhook, now=now + timedelta(minutes=4)) is None
    assert Delivery.objects.get().state == "delivered"
    assert delivery.deliver_pending(webhook, now=now + timedelta(hours=1)) is None
    assert len(Receiver.received) == 3
    assert len({headers["X-Casetracker-Delivery"] for headers, _ in Receiver.received}) == 1


def test_changes_arrive_in_order_and_a_later_one_waits_for_an_earlier(webhook):
    Receiver.answers = [500]
    first, second = PersonFactory(), PersonFactory()
    catch_up()
    now = timezone.now()
    delivery.deliver_pending(webhook, now=now)
    assert len(Receiver.received) == 1  # the second waits behind the first
    delivery.deliver_pending(webhook, now=now + timedelta(minutes=2))
    ids = [json.loads(body)["id"] for _headers, body in Receiver.received]
    assert ids == [first.pk, first.pk, second.pk]


def test_nothing_is_delivered_for_a_hidden_change(webhook):
    person = PersonFactory()
    catch_up()
    delivery.deliver_pending(webhook)
    Receiver.received.clear()
    EventFactory(person=person, publication_state=PublicationState.DRAFT)
    PersonFactory(is_restricted=True)
    catch_up()
    assert delivery.deliver_pending(webhook) is None
    assert Receiver.received == []
    assert Delivery.objects.count() == 1


def test_an_unreachable_url_is_given_up_after_twelve_attempts(db):
    hook = Webhook.objects.create(user=UserFactory(), url="http://127.0.0.1:9/nobody")
    PersonFactory()
    catch_up()
    now = timezone.now()
    for attempt in range(delivery.MAX_ATTEMPTS):
        delivery.deliver_pending(hook, now=now + timedelta(days=attempt))
    failed = Delivery.objects.get()
    assert (failed.state, failed.attempts) == ("failed", 12)
    assert failed.last_error


def test_the_worker_computes_the_public_figures_so_no_visitor_waits(
        client, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    """After a public change, the worker's refresh computes the statistics, the home
    figures and the filter choices under the new version: the next visitor reads them."""
    PersonFactory.create_batch(3)
    client.get("/statistics/")
    with django_capture_on_commit_callbacks(execute=True):
        PersonFactory()
        catch_up()  # what the worker's catch-up does after the commit, then its refresh
    with django_assert_max_num_queries(2):  # the version, the statistics' cached body
        assert client.get("/statistics/").status_code == 200
    with django_assert_max_num_queries(3):
        assert client.get("/").context["figures"]["documented"] == 4
