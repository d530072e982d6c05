"""Static files storage: hashed names and gzip variants when `collectstatic` has been run.

`collectstatic` (which `kefu serve --workers` runs when the manifest is missing) writes
every file under a content-hashed name plus a `.gz` variant into STATIC_ROOT; whitenoise
then serves those names with `Cache-Control: max-age=315360000, immutable` and the
compressed variant to clients that accept it. Without a manifest (development, tests, a
fresh checkout) `{% static %}` falls back to the plain names, which whitenoise serves from
the app folders (WHITENOISE_USE_FINDERS) with a short cache lifetime.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def load_manifest(self) -> tuple[dict[str, Any], str]:
        if getattr(settings, "TESTING", False):
            return {}, ""  # tests render plain names whatever a developer collected locally
        hashed_files, manifest_hash = super().load_manifest()
        return hashed_files, manifest_hash

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # no manifest (or tests): never hash from STATIC_ROOT's files
            return name
        try:
            return str(super().stored_name(name))
        except ValueError:  # not collected yet: the plain name, found by the finders
            return name
