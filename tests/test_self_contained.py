"""The suite uses only what is in the repository (issue 16, item 9): no test
reads the team's shared folder beside the clone, so nothing skips on a
fresh clone for want of it."""

import re
from pathlib import Path

TESTS = Path(__file__).parent
OUTSIDE = re.compile(r"""parent\s*/\s*["']shared["']|\.\./shared|["']/work/|BASE_DIR\)?\.parent""")


def test_no_test_reads_outside_the_repository():
    offenders = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OUTSIDE.search(line)
    ]
    assert offenders == []
