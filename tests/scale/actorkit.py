"""What the actor tests share: the messages waiting in a queue, read as the next actor would
get them, and the clean-up of the queues that ``conftest``'s clean-up does not know yet
(``article``, ``analyse``, ``translate``)."""

from __future__ import annotations

import contextlib
from typing import Any

from scalekit import Scale

from marsad.config import load_settings
from marsad.scale.engine import connect, queue_name

NEW_KINDS = ("article", "analyse", "translate")


def take_messages(scale: Scale, kind: str) -> list[Any]:
    """Every message now in the queue of ``kind``, taken off it (decoded Dramatiq messages)."""
    import pika
    from dramatiq import Message

    conn = connect(load_settings(env=scale.env))
    out: list[Any] = []
    try:
        channel = conn.channel()
        while True:
            method, _, body = channel.basic_get(queue=queue_name(scale.settings(), kind))
            if method is None:
                return out
            channel.basic_ack(method.delivery_tag)
            out.append(Message.decode(body))
    except pika.exceptions.ChannelClosedByBroker as exc:
        if exc.reply_code != 404:  # never declared: nothing was sent to it
            raise
        return out
    finally:
        conn.close()


def depth(scale: Scale, kind: str) -> int:
    """Messages ready in the queue of ``kind`` (0 when it was never declared)."""
    import pika

    conn = connect(load_settings(env=scale.env))
    try:
        ok = conn.channel().queue_declare(queue=queue_name(scale.settings(), kind), passive=True)
        return int(ok.method.message_count)
    except pika.exceptions.ChannelClosedByBroker as exc:
        if exc.reply_code != 404:
            raise
        return 0
    finally:
        conn.close()


def finish(scale: Scale) -> None:
    """Stop the test's processes, then delete its new-kind queues."""
    for proc in scale.procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    conn = connect(load_settings(env=scale.env))
    try:
        for kind in NEW_KINDS:
            name = queue_name(scale.settings(), kind)
            for q in (name, f"{name}.DQ", f"{name}.XQ"):
                channel = conn.channel()
                with contextlib.suppress(Exception):  # never declared
                    channel.queue_delete(queue=q)
    finally:
        conn.close()
