"""Security headers: a Content Security Policy on every page, no inline code for it to refuse,
private answers never cached, and production's HTTPS settings pass `check --deploy`."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client

from households.models import Household
from tests.metering.factories import token_client
from tests.portal.conftest import DAY, client_for

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def policy(response: object) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def test_every_kind_of_page_has_a_policy_without_unsafe_inline(
    member: User, staff: User, home: Household
) -> None:
    staff.is_superuser = True
    staff.save()
    pages = [
        (Client(), "/accounts/login/"),
        (client_for(member), f"/households/{home.pk}/?date={DAY}"),
        (client_for(member), "/notifications/"),
        (client_for(staff), "/admin/"),
        (client_for(staff), "/admin/usage-overview/"),
        (Client(), "/api/v1/price-plans/"),
    ]
    for client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        csp = policy(response)
        assert csp["default-src"] == ["'self'"], url
        assert csp["frame-ancestors"] == ["'none'"], url
        assert "'unsafe-inline'" not in csp["script-src"] + csp["style-src"], url


def test_the_api_docs_load_their_script_as_a_file() -> None:
    page = Client().get("/api/docs/")
    assert page.status_code == 200
    assert "'unsafe-inline'" not in policy(page)["script-src"]
    assert re.search(rb"<script>\s*\S", page.content) is None  # no inline script
    script = Client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert b"SwaggerUIBundle" in script.content


# Inline code the policy would refuse: <script> without src (JSON data blocks are fine),
# <style> elements, style="" and on*="" attributes.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|<style\b|\sstyle=\"|\son[a-z]+=\"",
    re.IGNORECASE,
)


def test_no_template_has_inline_scripts_or_styles() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []


def test_private_answers_are_never_stored(member: User, home: Household) -> None:
    member_client = client_for(member)
    meter = home.meters.all()[0]
    private = [
        (member_client, f"/households/{home.pk}/?date={DAY}"),
        (member_client, f"/api/v1/households/{home.pk}/daily-totals?date={DAY}"),
        (member_client, "/api/v1/notifications/"),
        (token_client(meter), f"/readings/read/{meter.meter_id}"),
    ]
    for client, url in private:
        response = client.get(url)
        assert response.status_code == 200, url
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
    public = Client().get("/api/v1/price-plans/")
    assert "no-store" not in public.get("Cache-Control", "")


def run_production(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "grid.example.org",
        **env,
    }
    return subprocess.run(  # noqa: S603 - our manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings(tmp_path: Path) -> None:
    result = run_production(
        "check", "--deploy", "--fail-level", "DEBUG", SMARTRIX_VAR_DIR=str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_https_settings_are_configurable(tmp_path: Path) -> None:
    show = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    defaults = run_production("shell", "--no-imports", "-c", show, SMARTRIX_VAR_DIR=str(tmp_path))
    assert defaults.stdout.split() == ["True", "31536000", "True"], defaults.stderr
    lowered = run_production(
        "shell",
        "--no-imports",
        "-c",
        show,
        SMARTRIX_VAR_DIR=str(tmp_path),
        DJANGO_SECURE_HSTS_SECONDS="600",
        DJANGO_SECURE_SSL_REDIRECT="false",
    )
    assert lowered.stdout.split() == ["False", "600", "True"], lowered.stderr
