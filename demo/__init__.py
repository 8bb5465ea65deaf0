"""Demo data: the demo province, the province/national generator, seed 001's
indicator tables and the demonstration signing certificate, with their
management commands.

Installed only where ``CCHC_ALLOW_DEMO_DATA`` is on (development, tests,
demonstrations; see ``cchc/settings.py``). It may import every app; no app
and not the kernel may import it (the import contracts in ``pyproject.toml``).
"""
