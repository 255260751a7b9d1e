"""The load: each simulated leader opens the key pages in turn, with a short pause
between clicks, signed in as the largest organisation's top leader.

The pages and the session come from bench/prepare.py through BENCH_PLAN (a JSON file).
FastHttpUser (geventhttpclient) rather than HttpUser (requests): it takes a fraction of
the CPU per request, and the load generator shares this machine with what it measures.
The requests carry X-Forwarded-Proto: https, as they would from the TLS proxy in front
of Visitt in production, so that the production settings serve them without a redirect.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from locust import FastHttpUser, between, task

PLAN = json.loads(Path(os.environ["BENCH_PLAN"]).read_text(encoding="utf-8"))


class Leader(FastHttpUser):
    # A person reading a page before the next click; 16 of them are 16 concurrent clients.
    wait_time = between(0.5, 1.5)
    default_headers = {"X-Forwarded-Proto": "https", "Cookie": f"sessionid={PLAN['session']}"}

    # Each leader starts at another page, then opens them in turn.
    started = 0

    def on_start(self) -> None:
        Leader.started += 1
        self.turn = Leader.started

    @task
    def next_page(self) -> None:
        name, path = PLAN["pages"][self.turn % len(PLAN["pages"])]
        self.turn += 1
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
