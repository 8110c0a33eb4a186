"""`manage.py autarky_evaluate`: evaluate every household's and community's autarky state now
(what beat does every 15 minutes) and say how many changed; changes notify as they always do."""

from typing import Any, override

from django.core.management.base import BaseCommand

from metering.services.autarky import autarky_states_evaluate


class Command(BaseCommand):
    help = "Evaluate the autarky states of every household and community now."

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        changed = autarky_states_evaluate()
        self.stdout.write(f"{changed} autarky state(s) changed.")
