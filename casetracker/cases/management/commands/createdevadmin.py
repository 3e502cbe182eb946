import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Create a local superuser 'admin' with a random password, once, for trying casetracker "
        "out. Refused outside development: use createsuperuser there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEVELOPMENT:
            raise CommandError("createdevadmin only runs with CASETRACKER_ENV=development.")
        users = get_user_model().objects
        if users.filter(username=username).exists():
            self.stdout.write(f"Staff login: the local '{username}' account already exists "
                              "(its password was printed when it was created).")
            return
        password = secrets.token_urlsafe(12)
        users.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS(
            f"Created the local staff login '{username}' with password: {password}\n"
            "Log in at /admin/. This is printed once; keep it."
        ))
