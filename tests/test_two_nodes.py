"""Two web nodes and two worker nodes on one PostgreSQL and one Redis share everything they must.

Started once for the module, as separate processes, each in its own empty working folder (no
disk shared but the code): two gunicorn servers (A and B) and two Celery workers (each on a
queue of its own, so that both really run the sweep at once). They run as production does
between nodes, with each process's connection pool (DB_POOL_MAX_SIZE), the shared cache on Redis,
documents in the database; only DEBUG is on, so that pages render without a collectstatic. A
browser's cookies are per host, not per port: one cookie jar speaks to both nodes, as a browser
behind a load balancer would.
"""

from __future__ import annotations

import datetime
import http.cookiejar
import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter

from accounts.choices import Role
from accounts.models import Notification, User
from cases.models import Case, Note
from councils.models import Agreement
from reminders.models import Reminder
from sutohamu.celery import app as celery_app  # not current_app: a test may make its own
from tests.accounts.factories import RoleAssignmentFactory
from tests.reminders.conftest import followup_case, make_town

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

# Only catches a hang; nothing is timed.
HANG_SECONDS = 90
PASSWORD = "ett-långt-lösenord-för-test"
FAILURE_LIMIT = 3
SEPARATOR = "-" * 79


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Node:
    """One process in its own folder, in its own process group."""

    name: str
    folder: Path
    process: subprocess.Popen[bytes]
    base: str = ""
    queue: str = ""

    def terminate(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def wait(self) -> None:
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return (self.folder / "node.log").read_text(errors="replace")[-3000:]

    def mails(self) -> list[str]:
        chunks = []
        for path in sorted((self.folder / "mail").iterdir()):
            chunks += [c for c in path.read_text(encoding="utf-8").split(SEPARATOR) if c.strip()]
        return chunks


@dataclass
class Cluster:
    web_a: Node
    web_b: Node
    worker_a: Node
    worker_b: Node


# The cluster's own default queue: what a node enqueues (a sweep's e-mails, from the outbox) goes
# here, and both workers take from it beside their own queue; no other run's worker sees it.
SHARED_QUEUE = f"two-nodes-{uuid.uuid4().hex[:8]}"


def node_env(folder: Path) -> dict[str, str]:
    db = connection.settings_dict
    (folder / "mail").mkdir()
    return dict(
        os.environ,
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        REDIS_URL=settings.REDIS_URL,
        DB_POOL_MAX_SIZE="2",
        DEBUG="true",
        SECURE_COOKIES="false",
        TWO_FACTOR_REQUIRED="false",
        AXES_FAILURE_LIMIT=str(FAILURE_LIMIT),
        EMAIL_URL=f"filemail:///{folder / 'mail'}",
        HOME=str(folder),
        CELERY_QUEUE=SHARED_QUEUE,
        # The cluster's own cached page parts: a case of an earlier run had the same reference
        # in the same database, and its parts' version tokens live on in Redis for a day.
        FRAGMENTS_NAMESPACE=SHARED_QUEUE,
    )


def start(name: str, command: list[str]) -> Node:
    folder = Path(tempfile.mkdtemp(prefix=f"sutohamu-node-{name}-"))
    with (folder / "node.log").open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=node_env(folder),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Node(name, folder, process)


def start_web(name: str) -> Node:
    port = free_port()
    node = start(
        name,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "sutohamu.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
    )
    node.base = f"http://127.0.0.1:{port}"
    return node


def start_worker(name: str) -> Node:
    queue = f"two-nodes-{name}-{uuid.uuid4().hex[:8]}"
    node = start(
        name,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sutohamu",
            "worker",
            "-Q",
            f"{queue},{SHARED_QUEUE}",
            "-n",
            f"{queue}@%h",
            "--pool=prefork",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
    )
    node.queue = queue
    return node


def wait_until_serving(node: Node) -> None:
    deadline = time.monotonic() + HANG_SECONDS
    while time.monotonic() < deadline and node.process.poll() is None:
        try:
            with urllib.request.urlopen(f"{node.base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"web {node.name} never served /healthz:\n{node.log()}")


@pytest.fixture(scope="module")
def cluster(django_db_setup, django_db_blocker) -> Iterator[Cluster]:
    with django_db_blocker.unblock():
        nodes = Cluster(
            start_web("web-a"), start_web("web-b"), start_worker("a"), start_worker("b")
        )
    everyone = [nodes.web_a, nodes.web_b, nodes.worker_a, nodes.worker_b]
    try:
        wait_until_serving(nodes.web_a)
        wait_until_serving(nodes.web_b)
        yield nodes
    finally:
        for node in everyone:  # all at once: each shuts down in its own time
            node.terminate()
        for node in everyone:
            node.wait()
        for node in everyone:
            shutil.rmtree(node.folder, ignore_errors=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Answer:
    status: int
    body: bytes
    location: str = ""

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class Browser:
    """One person's browser: its cookies go to every node (cookies ignore the port)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, url: str, data: bytes | None = None, headers: dict | None = None) -> Answer:
        request = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(response.status, response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read(), error.headers.get("Location", ""))

    def get(self, node: Node, path: str) -> Answer:
        return self.request(node.base + path)

    def csrf_token(self, node: Node) -> str:
        if not any(c.name == "csrftoken" for c in self.jar):
            self.get(node, reverse("login"))
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(self, node: Node, path: str, fields: dict[str, str], files=None) -> Answer:
        fields = {**fields, "csrfmiddlewaretoken": self.csrf_token(node)}
        if not files:
            data = urllib.parse.urlencode(fields).encode()
            return self.request(node.base + path, data)
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        for key, value in fields.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for key, (filename, content) in files.items():
            body.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"; '
                f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            )
            body.write(content + b"\r\n")
        body.write(f"--{boundary}--\r\n".encode())
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request(node.base + path, body.getvalue(), headers)

    def sign_in(self, node: Node, username: str, password: str = PASSWORD) -> Answer:
        return self.post(node, reverse("login"), {"username": username, "password": password})


def with_password(user: User) -> User:
    """A password every node can check: the test process hashes with the suite's fast hasher,
    which the nodes (on the production settings) do not know; few iterations keep it quick."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "twonodessalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


def a_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": f"Signerad {uuid.uuid4().hex}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def a_session_signed_in_on_one_node_works_on_the_other_and_sees_changes_at_once(cluster):
    town = make_town()
    with_password(town.owner)
    case = followup_case(town, timezone.localdate() + datetime.timedelta(days=60))
    page = reverse("cases:detail", args=[case.reference])
    browser = Browser()
    assert browser.get(cluster.web_b, page).status == 302  # not signed in: to the sign-in page

    signed_in = browser.sign_in(cluster.web_a, town.owner.username)
    assert signed_in.status == 302, signed_in.text[-2000:]
    before = browser.get(cluster.web_b, page)
    assert before.status == 200
    assert case.reference in before.text

    added = browser.post(
        cluster.web_a,
        reverse("cases:add_note", args=[case.reference]),
        {"text": "Uppföljande samtal med skolan genomfört."},
    )
    assert added.status == 302, added.text[-2000:]
    assert Note.objects.filter(case=case).count() == 1
    after = browser.get(cluster.web_b, page)
    assert after.status == 200
    assert "Uppföljande samtal med skolan genomfört." in after.text


def an_agreement_uploaded_through_one_node_downloads_through_the_other_byte_for_byte(cluster):
    admin = with_password(RoleAssignmentFactory(role=Role.ADMINISTRATOR).user)
    agreement = Agreement.objects.create(title="Samverkansöverenskommelse", start_date="2025-01-01")
    pdf = a_pdf()
    browser = Browser()
    assert browser.sign_in(cluster.web_a, admin.username).status == 302
    uploaded = browser.post(
        cluster.web_a,
        reverse("councils:agreement_upload", args=[agreement.pk]),
        {},
        files={"document": ("avtal.pdf", pdf)},
    )
    assert uploaded.status == 302, uploaded.text[-2000:]

    downloaded = browser.get(
        cluster.web_b, reverse("councils:agreement_document", args=[agreement.pk])
    )
    assert downloaded.status == 200
    assert downloaded.body == pdf
    # Neither node kept the document in its folder: the bytes are in the database.
    for node in (cluster.web_a, cluster.web_b):
        for path in node.folder.rglob("*"):
            assert not (path.is_file() and pdf in path.read_bytes()), path


def a_lockout_triggered_through_one_node_holds_on_the_other(cluster):
    town = make_town()
    user = with_password(town.owner)
    browser = Browser()
    for _ in range(FAILURE_LIMIT):
        failed = browser.sign_in(cluster.web_a, user.username, password="fel-lösenord-helt")
        assert failed.status in (200, 429)
    refused = browser.sign_in(cluster.web_b, user.username)  # the right password, elsewhere
    assert refused.status == 429
    assert browser.get(cluster.web_b, reverse("home")).status == 302  # still not signed in
    # Someone else from the same address still signs in on either node.
    other = with_password(town.colleague)
    assert Browser().sign_in(cluster.web_b, other.username).status == 302


def the_reminder_sweep_on_both_workers_at_once_delivers_each_reminder_once(cluster):
    town = make_town()
    followup_case(town, timezone.localdate() + datetime.timedelta(days=2))
    day = timezone.localdate().isoformat()
    # As two beats would (or one restarted mid-sweep): the daily sweep sent twice, each to a
    # different worker node, so that the two really run at once.
    results = [
        celery_app.send_task("reminders.tasks.sweep", args=[day], queue=node.queue)
        for node in (cluster.worker_a, cluster.worker_b)
    ]
    for result in results:
        result.get(timeout=HANG_SECONDS)
    deadline = time.monotonic() + HANG_SECONDS
    while time.monotonic() < deadline and not (
        cluster.worker_a.mails() or cluster.worker_b.mails()
    ):
        time.sleep(0.2)
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(user=town.owner).count() == 1
    assert len(cluster.worker_a.mails()) + len(cluster.worker_b.mails()) == 1


def a_write_through_one_node_shows_in_the_cached_parts_of_the_other(cluster):
    """Node B fills the shared cache with the case page's parts, node A saves through the write
    services, and node B's next page shows each change, because the service's bump reached
    Redis when its transaction committed."""
    node_a, node_b = cluster.web_a, cluster.web_b
    town = make_town()
    with_password(town.owner)
    case = followup_case(town, timezone.localdate() + datetime.timedelta(days=30))
    page = reverse("cases:detail", args=[case.reference])
    browser = Browser()
    assert browser.sign_in(node_a, town.owner.username).status == 302

    def on_b() -> str:
        answer = browser.get(node_b, page)
        assert answer.status == 200
        return answer.text

    def through_a(name: str, fields: dict[str, str]) -> None:
        answer = browser.post(node_a, reverse(f"cases:{name}", args=[case.reference]), fields)
        assert answer.status == 302, answer.text[-2000:]

    assert case.title in on_b()
    # Behind the services' back (no bump): node B keeps serving its cached parts...
    Case.objects.filter(pk=case.pk).update(title="Ändrad direkt i databasen")
    assert "Ändrad direkt i databasen" not in on_b()
    assert case.title in browser.get(node_a, page).text  # ...and so does node A, from Redis

    # ...until a service changes the case through node A: every part it touches, on node B.
    through_a("add_note", {"text": "Samtal med skolan genomfört"})
    after_note = on_b()
    assert "Samtal med skolan genomfört" in after_note
    assert "Ändrad direkt i databasen" in after_note  # the case's version covers every part

    through_a("add_subject", {"pseudonym": "Elev K", "age_band": "", "residence": ""})
    assert "Elev K" in on_b()

    case.refresh_from_db()
    through_a(
        "edit",
        {
            "version": str(case.version),
            "areas": "vbe",
            "setting": case.setting,
            "title": "Klotter vid idrottshallen",
            "description": "Symboler på väggarna.",
            "discovery": "",
        },
    )
    assert "Klotter vid idrottshallen" in on_b()

    through_a(
        "contact_add",
        {
            "on": timezone.localdate().isoformat(),
            "kind": "call",
            "who": "samordnare, elevhälsan",
            "note": "",
        },
    )
    assert "samordnare, elevhälsan" in on_b()


def test_two_web_nodes_and_two_workers_share_everything_a_request_or_a_sweep_needs(cluster):
    # One test, so that the suite starts one set of nodes (the test processes of pytest-xdist
    # would each start their own for the tests they were handed) and empties the database once;
    # the cached page parts' check shares them too (it started two web nodes of its own).
    a_session_signed_in_on_one_node_works_on_the_other_and_sees_changes_at_once(cluster)
    a_write_through_one_node_shows_in_the_cached_parts_of_the_other(cluster)
    an_agreement_uploaded_through_one_node_downloads_through_the_other_byte_for_byte(cluster)
    a_lockout_triggered_through_one_node_holds_on_the_other(cluster)
    the_reminder_sweep_on_both_workers_at_once_delivers_each_reminder_once(cluster)
