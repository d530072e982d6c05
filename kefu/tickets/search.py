"""Ticket text search: a bigram index over title + description (issue 6).

Tokens. Each character is mapped on its own to NFKC and lower case (per character, so the
mapping of a substring is a substring of the mapping: the index never misses a match that
`icontains` finds). The mapped text is cut into runs of letters/digits (`str.isalnum`:
Chinese characters, Latin letters, digits; full-width forms are already half-width), and
every run of two or more characters gives its overlapping 2-character tokens ("洗衣机漏水" →
洗衣 衣机 机漏 漏水; "e1 pro" → e1 pr ro). A query gives the bigrams of its own runs; a query
whose runs are all one character long has none and takes the old full scan.

Storage. `Ticket.search_vector` holds the tokens space-joined. PostgreSQL: the column is a
`tsvector` (the tokens are written in its input format: they are letters and digits only,
so nothing needs quoting) with a GIN index; the query is `search_vector @@ 'ab' & 'bc'`.
SQLite: the column is text, and an FTS5 table `tickets_ticket_fts` (external content,
`unicode61` tokenizer) indexes it, kept in step by three triggers (migration 0005); the
query is `id IN (SELECT rowid FROM tickets_ticket_fts WHERE … MATCH '"ab" "bc"')`.

Rows without tokens (written before the column existed and not yet reindexed, or past
MAX_TOKENS) are always candidates too, through a partial index on `search_vector IS NULL`,
so nothing is missed. Either way the narrowed set is then re-checked with the old
`icontains` on title and description, so results and their order are exactly the old
ones. The column is filled by the services that set title/description (`search_text`),
by the personal-data erase, by the scale generator, and for existing rows by
`kefu reindex-tickets`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from django.db import connection, models
from django.db.models import Q, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

MAX_TOKENS = 40_000  # ~12 bytes each in a tsvector: well under its 1 MB limit
MAX_QUERY_TOKENS = 24  # a long query: its first bigrams narrow enough, the recheck decides
FTS_TABLE = "tickets_ticket_fts"


class SearchVectorField(models.TextField):  # type: ignore[type-arg]
    """`tsvector` on PostgreSQL, text elsewhere; the value is the space-joined tokens."""

    def db_type(self, connection: Any) -> str:
        return "tsvector" if connection.vendor == "postgresql" else "text"


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).lower()


def _runs(text: str) -> list[str]:
    runs: list[str] = []
    current: list[str] = []
    for ch in text:
        for c in _fold(ch):
            if c.isalnum():
                current.append(c)
            elif current:
                runs.append("".join(current))
                current = []
    if current:
        runs.append("".join(current))
    return runs


def bigrams(text: str) -> list[str]:
    """The distinct 2-character tokens of `text`, in order of first appearance."""
    seen: dict[str, None] = {}
    for run in _runs(text):
        for i in range(len(run) - 1):
            seen.setdefault(run[i : i + 2], None)
    return list(seen)


def search_text(title: str, description: str) -> str | None:
    """The value of `Ticket.search_vector` for these texts; None (not indexed: found by the
    plain scan of the few such rows) past MAX_TOKENS, which keeps a tsvector under
    PostgreSQL's 1 MB limit for a very long description."""
    tokens = bigrams(f"{title}\n{description}")
    return " ".join(tokens) if len(tokens) <= MAX_TOKENS else None


def text_condition(q: str) -> Q:
    """Title or description contains `q` (case-insensitive), narrowed by the index when
    `q` has at least one bigram; the `icontains` recheck keeps the old semantics."""
    old = Q(title__icontains=q) | Q(description__icontains=q)
    tokens = bigrams(q)[:MAX_QUERY_TOKENS]
    if not tokens:
        return old
    if connection.vendor == "postgresql":
        query = " & ".join(f"'{t}'" for t in tokens)
        unindexed = Q(search_vector__isnull=True)  # partial index tickets_search_null_idx
        return (Q(search_vector__matches_bigrams=query) | unindexed) & _contains(q)
    if connection.vendor == "sqlite":
        return Q(id__in=_fts_ids(tokens)) & old
    return old


def _contains(q: str) -> Q:
    """`icontains` on title or description as strpos(UPPER(x), UPPER(q)) > 0: the same test
    as Django's UPPER(x) LIKE UPPER('%q%') on PostgreSQL, but estimated by the planner as a
    weak filter (an inequality, 1/3) instead of a LIKE on an expression (0.5%), which made
    it expect a handful of rows for a common word and pick nested loops over a seq scan."""
    needle = Upper(Value(q, output_field=models.TextField()))
    return Q(GreaterThan(StrIndex(Upper("title"), needle), 0)) | Q(
        GreaterThan(StrIndex(Upper("description"), needle), 0)
    )


def _fts_ids(tokens: list[str]) -> Any:
    match = " ".join(f'"{t}"' for t in tokens)
    # the rows without tokens in the same IN list (an OR beside it made SQLite scan)
    return models.expressions.RawSQL(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s UNION ALL "
        "SELECT id FROM tickets_ticket INDEXED BY tickets_search_null_idx "
        "WHERE search_vector IS NULL",
        (match,),
    )


@SearchVectorField.register_lookup
class MatchesBigrams(models.Lookup[bool]):
    """`search_vector @@ '<tsquery in input form>'::tsquery` (PostgreSQL)."""

    lookup_name = "matches_bigrams"

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", (*lhs_params, *rhs_params)


SQLITE_FTS_SQL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_vector, "
    "content='tickets_ticket', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON tickets_ticket "
    f"WHEN new.search_vector IS NOT NULL BEGIN INSERT INTO {FTS_TABLE}(rowid, search_vector) "
    "VALUES (new.id, new.search_vector); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON tickets_ticket "
    f"WHEN old.search_vector IS NOT NULL BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, "
    "search_vector) VALUES ('delete', old.id, old.search_vector); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF search_vector ON "
    f"tickets_ticket BEGIN INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_vector) "
    "SELECT 'delete', old.id, old.search_vector WHERE old.search_vector IS NOT NULL; "
    f"INSERT INTO {FTS_TABLE}(rowid, search_vector) SELECT new.id, new.search_vector "
    "WHERE new.search_vector IS NOT NULL; END",
]


def reindex_tickets(*, batch: int = 2000, only_missing: bool = False) -> int:
    """Fill `search_vector` for existing tickets in id order, `batch` rows per transaction
    (never the whole table in memory). Returns how many rows were written."""
    from django.db import transaction

    from kefu.tickets.models import Ticket

    written, last = 0, 0
    while True:
        qs = Ticket.objects.filter(id__gt=last).order_by("id")
        if only_missing:
            qs = qs.filter(search_vector__isnull=True)
        rows = list(qs.values_list("id", "title", "description")[:batch])
        if not rows:
            return written
        changed = [Ticket(id=pk, search_vector=search_text(t, d)) for pk, t, d in rows]
        with transaction.atomic():
            Ticket.objects.bulk_update(changed, ["search_vector"], batch_size=500)
        written += len(rows)
        last = rows[-1][0]


def ensure_sqlite_fts() -> None:
    """SQLite: (re)create the FTS5 table and triggers if missing (a table rebuild by a
    later migration drops triggers) and rebuild its contents. Elsewhere nothing."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for sql in SQLITE_FTS_SQL:
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
