"""PostgreSQL full-text search of the register (migration 0002).

A text search configuration ``beffroi_fr``: French stemming with accents
folded by ``unaccent``, so "déménagements" and "demenagement" meet. The
register's generated ``search_vector`` column (number and subject first,
then metadata, then texts) has a GIN index. SQLite gets none of this: it
searches ``MailItem.search_text`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Items per block of ids: the ``zb<block>`` and ``zk<big block>`` lexemes of
# the search vector (a window of 250,000 items is 5 big blocks, not 50).
BLOCK = 5000
BIG_BLOCK = 50000

INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'beffroi_fr') THEN
            CREATE TEXT SEARCH CONFIGURATION public.beffroi_fr (COPY = pg_catalog.french);
            ALTER TEXT SEARCH CONFIGURATION public.beffroi_fr
                ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, french_stem;
        END IF;
    END
    $$
    """,
    """
    ALTER TABLE mail_mailitem ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('public.beffroi_fr'::regconfig,
            coalesce(number, '') || ' ' || coalesce(subject, '')), 'A')
        || setweight(to_tsvector('public.beffroi_fr'::regconfig, coalesce(search_meta, '')), 'B')
        || setweight(to_tsvector('public.beffroi_fr'::regconfig,
            left(coalesce(text, '') || ' ' || coalesce(ocr_text, ''), 300000)), 'C')
        || array_to_tsvector(ARRAY['zb' || (id / 5000)::text, 'zk' || (id / 50000)::text])
        || array_to_tsvector(array_remove(string_to_array(search_keys, ' '), ''))
    ) STORED
    """,
    "CREATE INDEX mail_search_vector ON mail_mailitem USING gin (search_vector)",
]

UNINSTALL = [
    "DROP INDEX IF EXISTS mail_search_vector",
    "ALTER TABLE mail_mailitem DROP COLUMN IF EXISTS search_vector",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS public.beffroi_fr",
]


def visibility_keys(
    *,
    treating_service_id: int | None,
    assigned_to_id: int | None,
    confidentiality: str,
    copy_service_ids: Iterable[int],
) -> str:
    """The ``search_keys`` of an item: who may find it (selectors.mail_items_visible)."""
    keys = []
    if treating_service_id:
        keys.append(f"zt{treating_service_id}")
    if assigned_to_id:
        keys.append(f"za{assigned_to_id}")
    if confidentiality == "normal":
        keys += [f"zc{service_id}" for service_id in sorted(set(copy_service_ids))]
    return " ".join(keys)


def blocks_query(*, newer_than: int, newest: int) -> str:
    """The tsquery of the blocks holding the ids after ``newer_than`` up to ``newest``."""
    first = max(newer_than, 0)
    if newest - first <= 12 * BLOCK:
        return " | ".join(f"zb{block}" for block in range(first // BLOCK, newest // BLOCK + 1))
    return " | ".join(f"zk{block}" for block in range(first // BIG_BLOCK, newest // BIG_BLOCK + 1))


def visibility_query(*, service_ids: Iterable[int], user_id: int) -> str:
    """The tsquery of what an agent may see: their services' items and theirs."""
    services = sorted(set(service_ids))
    keys = [f"zt{service}" for service in services] + [f"zc{service}" for service in services]
    return " | ".join([*keys, f"za{user_id}"])


def install(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in INSTALL:
            schema_editor.execute(statement)


def uninstall(schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in UNINSTALL:
            schema_editor.execute(statement)
