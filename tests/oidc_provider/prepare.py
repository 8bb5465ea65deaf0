"""Prepare the provider's database: ``python -m tests.oidc_provider.prepare``
with ``OP_DIR`` holding ``config.json`` (the client and the users)."""

import json
import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from oauth2_provider.models import Application

    config = json.loads((settings.OP_DIR / "config.json").read_text())
    call_command("migrate", verbosity=0)
    for person in config["users"]:
        get_user_model().objects.create_user(
            person["username"], email=person["email"], password=person["password"]
        )
    Application.objects.create(
        name="cchc",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )


if __name__ == "__main__":
    main()
