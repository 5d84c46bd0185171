"""Uploaded images (case results, question figures): real raster images, of bounded size.

An image is opened and verified with Pillow rather than trusted by its name, so an SVG (which
can carry script), an HTML page renamed .png or a truncated file is refused in admin with a
message, and nothing is stored.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "WEBP": "WebP"}
IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "gif", "webp"]
MAX_PIXELS = 40_000_000
"""Larger than any scan a teaching case needs; beyond it decoding one file could exhaust memory."""


def validate_image(upload: File) -> None:
    """Refuse anything that is not a PNG, JPEG, GIF or WebP within MAX_IMAGE_BYTES."""
    limit = settings.MAX_IMAGE_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            f"This file is {upload.size / 1_000_000:.1f} MB; images may be at most "
            f"{limit / 1_000_000:.0f} MB."
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError("This image has too many pixels; scale it down first.")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            "This file is not an image we can show. Upload a PNG, JPEG, GIF or WebP "
            "(SVG is not accepted)."
        ) from None
    finally:
        upload.seek(position)
    if kind not in ALLOWED_FORMATS:
        raise ValidationError(f"{kind} images are not accepted; upload a PNG, JPEG, GIF or WebP.")
