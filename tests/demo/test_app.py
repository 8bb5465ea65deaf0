"""The demo app is installed only where demo data is allowed: the tests and
the embedded default have it and its commands, a production configuration
has neither; and the import contracts cover every app of the project."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings

DEMO_COMMANDS = {"load_demo", "generate_demo_data", "load_indicator_demo", "create_demo_certificate"}


def commands_with(**environ: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CCHC_ALLOW_DEMO_DATA", "DEBUG", "SECRET_KEY"}}
    env.update(environ)
    listing = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return set(listing.split())


def test_the_tests_run_with_the_demo_app():
    assert settings.CCHC_ALLOW_DEMO_DATA
    assert apps.get_app_config("demo").path == str(Path(settings.BASE_DIR) / "demo")


def test_production_settings_have_no_demo_app_and_no_demo_command():
    production = commands_with(SECRET_KEY="x" * 50, DEBUG="0", ALLOWED_HOSTS="cchc.example.gov.vn")
    assert "load_catalogues" in production
    assert not DEMO_COMMANDS & production
    assert DEMO_COMMANDS <= commands_with(SECRET_KEY="x" * 50, DEBUG="0", CCHC_ALLOW_DEMO_DATA="1")


def test_the_import_contracts_cover_every_app_of_the_project():
    config = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text("utf-8"))
    ours = {app.name for app in apps.get_app_configs() if Path(app.path).parent == Path(settings.BASE_DIR)}
    assert ours == set(config["tool"]["importlinter"]["root_packages"])
