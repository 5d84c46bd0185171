"""Close every timed attempt past its deadline, scored with what was saved.

Pages already close an overdue attempt whenever it is read or written; this sweep
(run from cron, e.g. every minute) closes those nobody looks at again, so statistics
and review queues do not wait for a learner to come back.
"""

from django.core.management.base import BaseCommand

from quizzes.services import attempts_expire_overdue


class Command(BaseCommand):
    help = "Finalize, as expired, every quiz attempt whose deadline has passed."

    def handle(self, *args: object, **options: object) -> None:
        closed = attempts_expire_overdue()
        self.stdout.write(f"closed {closed} overdue attempt(s)")
