from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and its management commands; no models, no URLs."""

    name = "demo"
