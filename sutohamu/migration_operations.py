"""CreateModels: many CreateModel operations whose migration state is rendered once, not per model.

Django's CreateModel re-renders, in the migration state, every model related to the new one and
all models related to those (`ProjectState.add_model` → `reload_model(delay=False)`). Nearly every
model here points at the user model, so each CreateModel re-rendered nearly every model created
before it: migrating an empty database spent most of its time rendering model classes that were
thrown away at once. The squashed migrations (each app's `0001_squashed_…`) create their models
with one CreateModels instead: the states are added first, then rendered once, and each table is
created from the rendered state exactly as CreateModel creates it (`schema_editor.create_model`,
which defers foreign keys and indexes to the end of the migration, so models may point at models
later in the list).
"""

from typing import Any

from django.db import migrations
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState


class CreateModels(Operation):
    """Create the models of `operations` (CreateModel only) as one step."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, operations: list[migrations.CreateModel]):
        for operation in operations:
            if not isinstance(operation, migrations.CreateModel):
                raise TypeError(f"CreateModels takes CreateModel operations, not {operation!r}")
        self.operations = operations
        super().__init__()

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__qualname__, [self.operations], {}

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        rendered = state.__dict__.pop("apps", None)
        try:
            for operation in self.operations:
                operation.state_forwards(app_label, state)
        finally:
            if rendered is not None:
                state.__dict__["apps"] = rendered
        if rendered is not None:
            state.reload_models(
                [(app_label, operation.name_lower) for operation in self.operations], delay=False
            )

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        for operation in self.operations:
            model = to_state.apps.get_model(app_label, operation.name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.create_model(model)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        for operation in reversed(self.operations):
            model = from_state.apps.get_model(app_label, operation.name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.delete_model(model)

    def describe(self) -> str:
        return "Create models " + ", ".join(operation.name for operation in self.operations)

    @property
    def migration_name_fragment(self) -> str:
        return "_".join(operation.name_lower for operation in self.operations)[:40]

    def references_model(self, name: str, app_label: str) -> bool:
        return any(operation.references_model(name, app_label) for operation in self.operations)
