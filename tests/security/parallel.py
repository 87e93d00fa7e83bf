"""Requests sent at the same instant, each from its own thread and test client, against one database."""
from __future__ import annotations

import threading


def in_parallel(app, requests: list) -> list[int]:
    """Send each prepared (client, path, data) POST from its own thread, all released at once; the statuses."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int | None] = [None] * len(requests)
    errors: list[BaseException] = []

    def send(i: int, client, path: str, data: dict) -> None:
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                statuses[i] = client.post(path, data=data).status_code
        except BaseException as error:  # reported below: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=send, args=(i, *request)) for i, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return statuses
