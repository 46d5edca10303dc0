"""The grader reads a kernel's IOPub messages straight off the socket
(depthlab.judge.kernel_output.iopub_msg): signed Jupyter messages are read, a
message signed with another key or one that is not a Jupyter message is refused,
and nothing to read is queue.Empty."""
from __future__ import annotations

import queue
import types

import pytest
import zmq
from jupyter_client.session import Session

from depthlab.judge.kernel_output import iopub_msg


@pytest.fixture
def wire():
    ctx = zmq.Context()
    out, into = ctx.socket(zmq.PAIR), ctx.socket(zmq.PAIR)
    into.connect(f"tcp://127.0.0.1:{out.bind_to_random_port('tcp://127.0.0.1')}")
    session = Session(key=b"the session's key")
    yield out, types.SimpleNamespace(iopub_channel=types.SimpleNamespace(socket=into), session=session)
    out.close(linger=0)
    into.close(linger=0)
    ctx.term()


def test_a_signed_message_is_read(wire):
    out, kc = wire
    with pytest.raises(queue.Empty):
        iopub_msg(kc, 0.05)
    kc.session.send(out, "stream", {"name": "stdout", "text": "hi\n"}, parent={"msg_id": "run-1"})
    msg = iopub_msg(kc, 5)
    assert (msg["msg_type"], msg["parent_header"]["msg_id"], msg["content"]) == \
        ("stream", "run-1", {"name": "stdout", "text": "hi\n"})


def test_a_message_signed_with_another_key_is_refused(wire):
    out, kc = wire
    Session(key=b"someone else's").send(out, "stream", {"name": "stdout", "text": "1.0"}, parent={"msg_id": "r"})
    with pytest.raises(ValueError, match="signed"):
        iopub_msg(kc, 5)


def test_what_a_kernel_with_a_replaced_json_sends_is_refused(wire):
    out, kc = wire
    fake = b'{"status": "ok", "value": 1.0, "passed": true}'
    parts = [fake, fake, b"{}", fake]
    out.send_multipart([b"<IDS|MSG>", kc.session.sign(parts)] + parts)
    with pytest.raises(ValueError, match="not a Jupyter message"):
        iopub_msg(kc, 5)
