"""PostgreSQL only: a GIN index on to_tsvector('simple', search_text) for the article search.
SQLite searches the same tokens with LIKE and needs nothing here."""

from django.db import migrations

INDEX = "knowledge_article_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON knowledge_article "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_articles_versions_categories")]

    operations = [migrations.RunPython(create_index, drop_index)]
