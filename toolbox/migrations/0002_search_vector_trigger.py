"""PostgreSQL full-text search: the stored French vector, its trigger and its GIN index.

The trigger (PostgreSQL's built-in tsvector_update_trigger) fills Tool.search_vector from the
normalised search_text on every insert and update, bulk ones included. SQLite has no such
thing and searches search_text instead (toolbox.search), so this migration does nothing there.
"""

from django.db import migrations

FORWARD = [
    """
    CREATE TRIGGER toolbox_tool_search_vector_update
    BEFORE INSERT OR UPDATE ON toolbox_tool
    FOR EACH ROW EXECUTE FUNCTION
    tsvector_update_trigger(search_vector, 'pg_catalog.french', search_text)
    """,
    "CREATE INDEX toolbox_tool_search_vector ON toolbox_tool USING gin (search_vector)",
    "UPDATE toolbox_tool SET search_vector = to_tsvector('pg_catalog.french', search_text)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS toolbox_tool_search_vector",
    "DROP TRIGGER IF EXISTS toolbox_tool_search_vector_update ON toolbox_tool",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("toolbox", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
