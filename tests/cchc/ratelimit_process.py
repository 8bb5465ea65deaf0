"""One web process of tests/cchc/test_ratelimit_redis.py: Django set up
from the environment (REDIS_URL names the shared cache), the real
RateLimitMiddleware in front of a view that answers 200, and a number of
requests from one address to a URL. Prints one JSON line: the cache's
backend and the status of each answer."""

import json
import os
import sys


def main() -> None:
    address, method, path, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.http import HttpResponse
    from django.test import RequestFactory

    from cchc.ratelimit import RateLimitMiddleware

    middleware = RateLimitMiddleware(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    statuses = []
    for _ in range(count):
        request = getattr(factory, method.lower())(path, REMOTE_ADDR=address)
        statuses.append(middleware(request).status_code)
    sys.stdout.write(
        json.dumps({"backend": settings.CACHES["default"]["BACKEND"], "statuses": statuses}) + "\n"
    )


if __name__ == "__main__":
    main()
