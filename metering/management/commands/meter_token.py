"""`manage.py meter_token create|revoke|list`: device tokens from the command line.

The key is printed once, at creation, and never again: store it on the device.
"""

from typing import Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.exceptions import ApplicationError
from metering.models import DeviceToken, Meter
from metering.services.tokens import device_token_create, device_token_revoke


class Command(BaseCommand):
    help = "Create, revoke or list the tokens meters and gateways post readings with."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a new token; its key is printed once")
        create.add_argument("meter_ids", nargs="+", metavar="meter_id")
        create.add_argument("--name", default="", help="what the token is for")
        create.add_argument("--gateway", action="store_true", help="one token for several meters")
        revoke = actions.add_parser("revoke", help="revoke a token by its key prefix")
        revoke.add_argument("key_prefix")
        listing = actions.add_parser("list", help="tokens of a meter (no keys)")
        listing.add_argument("meter_id")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["meter_ids"], options["name"], options["gateway"])
        elif action == "revoke":
            self._revoke(options["key_prefix"])
        else:
            self._list(options["meter_id"])

    def _create(self, meter_ids: list[str], name: str, gateway: bool) -> None:
        meters = list(Meter.objects.filter(meter_id__in=meter_ids))
        missing = sorted(set(meter_ids) - {m.meter_id for m in meters})
        if missing:
            raise CommandError(f"No meter with id {', '.join(missing)}.")
        try:
            token, key = device_token_create(
                meters=meters, name=name or f"token for {', '.join(meter_ids)}", gateway=gateway
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Created {token}. Its key, shown only now:\n{key}")

    def _revoke(self, key_prefix: str) -> None:
        tokens = list(DeviceToken.objects.filter(key_prefix=key_prefix))
        if len(tokens) != 1:
            raise CommandError(f"{len(tokens)} tokens start with {key_prefix!r}; need exactly 1.")
        device_token_revoke(token=tokens[0])
        self.stdout.write(f"Revoked {tokens[0]}.")

    def _list(self, meter_id: str) -> None:
        for token in DeviceToken.objects.filter(meters__meter_id=meter_id):
            state = "revoked" if token.revoked_at else "active"
            self.stdout.write(f"{token.key_prefix}  {state:8}  {token.name}")
