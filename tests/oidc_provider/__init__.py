"""A real OpenID Connect provider for the tests of the central sign-in: a
small Django project on django-oauth-toolkit, run in its own process with
its own SQLite database (``process.py`` starts and stops it)."""
