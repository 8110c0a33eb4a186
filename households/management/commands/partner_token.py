"""`manage.py partner_token create|revoke|list`: partner API tokens from the command line.

The key is printed once, at creation, and never again: hand it to the partner.
"""

from typing import Any, override

from django.core.management.base import BaseCommand, CommandError, CommandParser

from households.models import Partner, PartnerToken
from households.services import partner_token_create, partner_token_revoke


class Command(BaseCommand):
    help = "Create, revoke or list the tokens partner companies call the partner API with."

    @override
    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="a new token; its key is printed once")
        create.add_argument("partner", help="the partner's name")
        create.add_argument("--name", default="", help="what the token is for")
        revoke = actions.add_parser("revoke", help="revoke a token by its id (see list)")
        revoke.add_argument("token_id", type=int)
        listing = actions.add_parser("list", help="a partner's tokens (no keys)")
        listing.add_argument("partner", help="the partner's name")

    @override
    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            partner = _partner(options["partner"])
            token, key = partner_token_create(
                partner=partner, name=options["name"] or f"token for {partner.name}"
            )
            self.stdout.write(f"Created token {token.pk} ({token}). Its key, shown only now:")
            self.stdout.write(key)
        elif action == "revoke":
            found = PartnerToken.objects.filter(pk=options["token_id"]).first()
            if found is None:
                raise CommandError(f"No partner token {options['token_id']}.")
            partner_token_revoke(token=found)
            self.stdout.write(f"Revoked token {found.pk} ({found}).")
        else:
            for token in _partner(options["partner"]).tokens.order_by("pk"):
                state = "revoked" if token.revoked_at else "active"
                used = token.last_used_at.isoformat() if token.last_used_at else "never used"
                self.stdout.write(f"{token.pk}  {state:8}  {used}  {token.name}")


def _partner(name: str) -> Partner:
    partner = Partner.objects.filter(name=name).first()
    if partner is None:
        raise CommandError(f"No partner named {name!r}.")
    return partner
