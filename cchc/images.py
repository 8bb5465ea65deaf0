"""Checks of uploaded signature and seal images: a PNG of a sensible size
with a transparent background (the type read from the content). Below the
models, which validate their image fields with it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_IMAGE_BYTES = 1024 * 1024
MAX_SIDE = 2000
MIN_SIDE = 100


def check_transparent_png(upload) -> None:
    """Refuse what is not a PNG of a sensible size with a transparent
    background: the type is read from the content, not the name."""
    from PIL import Image, UnidentifiedImageError

    size = getattr(upload, "size", None)
    if size is not None and size > MAX_IMAGE_BYTES:
        raise ValidationError(_("Tệp ảnh lớn hơn 1 MB."))
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
            if has_alpha:
                alpha = image.convert("RGBA").getchannel("A")
                low, _high = alpha.getextrema()
                has_alpha = low < 255
    except (UnidentifiedImageError, OSError) as error:
        raise ValidationError(_("Tệp không phải là ảnh PNG đọc được.")) from error
    finally:
        if position is not None:
            upload.seek(position)
    if image_format != "PNG":
        raise ValidationError(_("Hình ảnh phải là tệp PNG."))
    if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
        raise ValidationError(
            _("Kích thước ảnh phải từ %(min)s đến %(max)s điểm ảnh mỗi chiều.")
            % {"min": MIN_SIDE, "max": MAX_SIDE}
        )
    if not has_alpha:
        raise ValidationError(_("Ảnh phải có nền trong suốt (PNG có kênh alpha)."))
