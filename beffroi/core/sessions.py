"""Sessions in the shared cache, written through to the database.

Django's ``cached_db`` engine, without its uniqueness check on a new key:
asking the cache and then the database whether 32 random characters are
taken costs two round trips on every first visit. Creating the session row
refuses a duplicate key anyway (a unique primary key), and Django's
``create()`` then draws again.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbSessionStore
from django.utils.crypto import get_random_string


class SessionStore(CachedDbSessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)
