"""What identifies the running code, for keys under which work built by that code is kept."""

import hashlib
from functools import cache
from pathlib import Path

from django.apps import apps
from django.conf import settings


@cache
def source_digest() -> str:
    """A digest of the project apps' Python and template files, computed once per process.

    Part of every cache key under which rendered page parts or engine results are kept, so
    a deploy that changes how they are built never serves what the old code made, and no
    one has to remember to clear the cache.
    """
    root = Path(settings.BASE_DIR).resolve()
    digest = hashlib.blake2b(digest_size=8)
    for config in sorted(apps.get_app_configs(), key=lambda config: config.path):
        path = Path(config.path).resolve()
        if root not in path.parents:
            continue
        for source in sorted([*path.rglob("*.py"), *path.rglob("*.html")]):
            digest.update(str(source.relative_to(root)).encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()
