"""The Docker image carries every front-end folder the settings serve: the
image copies only those folders out of node_modules, so a folder added to
STATICFILES_DIRS (or a font the renderer reads) must be copied too."""

import re
from pathlib import Path

from django.conf import settings

DOCKERFILE = Path(settings.BASE_DIR) / "Dockerfile"


def copied_from_assets() -> list[str]:
    return re.findall(
        r"^COPY --from=assets /build/(node_modules/\S+) node_modules/", DOCKERFILE.read_text(), re.M
    )


def test_every_vendored_static_folder_is_copied_into_the_image():
    node_modules = Path(settings.NODE_MODULES)
    served = [
        Path(entry[1]).relative_to(node_modules.parent).as_posix()
        for entry in settings.STATICFILES_DIRS
        if isinstance(entry, tuple) and Path(entry[1]).is_relative_to(node_modules)
    ]
    copied = copied_from_assets()
    assert served, "no vendored folder found in STATICFILES_DIRS"
    missing = [folder for folder in served if not any(folder.startswith(c) for c in copied)]
    assert missing == []


def test_the_signature_stamp_font_is_in_the_image():
    copied = copied_from_assets()
    assert any("node_modules/@expo-google-fonts/tinos".startswith(c) for c in copied)
