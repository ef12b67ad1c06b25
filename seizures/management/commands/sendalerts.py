"""`python manage.py sendalerts`: the long-running alert worker (see seizures.alert_worker)."""

from __future__ import annotations

import signal

from django.core.management.base import BaseCommand

from seizures.alert_worker import Worker


class Command(BaseCommand):
    help = "Send the team's alerts from the database queue, polling every second, until stopped."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="send what is due now, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between looks at the queue")

    def handle(self, *args, once: bool, poll: float, **options) -> None:
        worker = Worker(poll_seconds=poll, own_connections=True)

        def stop(signum, frame) -> None:
            # Finish the alert being sent, give the rest of the batch back, then exit.
            worker.stop.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        if not once:
            self.stdout.write("Sending alerts (SIGTERM or Ctrl-C stops).")
            self.stdout.flush()
        done = worker.run(once=once)
        self.stdout.write(f"Finished {done} alerts.")
