"""Statements written once, for the few paths where the ORM's query building costs more than the
database: the respondent's pages, which a whole programme calls at the same time.

Building a queryset's SQL (joins, column lists, quoting, converters) takes longer than
PostgreSQL needs to run a primary-key lookup, and it is done again for every request. A
`Rows` object builds the column list of a model once and turns fetched rows into model
instances with the same converters the ORM applies (dates on SQLite, JSON, binary fields), so
that the instances behave exactly like the ORM's. `insert_values()` adapts values for an
INSERT the way `Model.save()` does. Both take their table and column names from the models,
so a renamed field cannot silently go out of step.

Only for reads and writes whose tenant is already known (see `scoping.fence_extend`); the
tenant fence of the managers does not apply to these statements.
"""

from __future__ import annotations

from django.db import connection


class Rows:
    """The concrete columns of a model under a table alias, and how to read them back."""

    def __init__(self, model, alias: str):
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self._converters = {}

    def columns(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    def __len__(self):
        return len(self.fields)

    def _converters_for(self, conn):
        key = conn.vendor
        if key not in self._converters:
            found = []
            for index, field in enumerate(self.fields):
                col = field.get_col(self.alias)
                converters = (conn.ops.get_db_converters(col)
                              + field.get_db_converters(conn))
                if converters:
                    found.append((index, converters, col))
            self._converters[key] = found
        return self._converters[key]

    def instance(self, values, conn=None):
        """A model instance from the values of `columns()`, in that order, as the ORM makes it."""
        conn = conn or connection
        values = list(values)
        for index, converters, col in self._converters_for(conn):
            value = values[index]
            for converter in converters:
                value = converter(value, col, conn)
            values[index] = value
        return self.model.from_db(conn.alias, None, values)


def insert_values(model, values: dict, conn=None) -> tuple[str, list]:
    """An INSERT of the given field values (by field name), adapted as `save()` adapts them."""
    conn = conn or connection
    quote = conn.ops.quote_name
    meta = model._meta
    names, params = [], []
    for name, value in values.items():
        field = meta.get_field(name)
        names.append(quote(field.column))
        params.append(field.get_db_prep_save(value, conn))
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(names)}) "
           f"VALUES ({', '.join(['%s'] * len(names))})")
    return sql, params
