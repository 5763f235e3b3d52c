"""Filters: quire's expression strings, or the DNF lists of PyArrow, Dask and
Kartothek, turned into one expression string for the core."""

import datetime
import decimal

_OPS = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">",
        ">=": ">=", "in": "in", "not in": "not in"}


def _column(name):
    return '"' + str(name).replace('"', '""') + '"'


def _literal(value):
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()  # NumPy scalars
        except (TypeError, ValueError):
            pass
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"filter value {value!r} cannot be compared")
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            return "'" + value.isoformat() + "Z'"
        return "'" + value.isoformat() + "'"
    if isinstance(value, datetime.date):
        return "'" + value.isoformat() + "'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"filter value {value!r} of type {type(value).__name__} is not supported")


def _term(term):
    if not isinstance(term, (tuple, list)) or len(term) != 3:
        raise ValueError(f"a filter term is (column, op, value), not {term!r}")
    column, op, value = term
    op = str(op).lower().strip()
    if op not in _OPS:
        raise ValueError(f"unknown filter operator {op!r} (one of {', '.join(_OPS)})")
    op = _OPS[op]
    if op in ("in", "not in"):
        values = list(value)
        if not values:
            return "false" if op == "in" else "true"
        non_null = [v for v in values if v is not None]
        parts = []
        if non_null:
            parts.append(f"{_column(column)} {op} ({', '.join(_literal(v) for v in non_null)})")
        if len(non_null) != len(values):
            parts.append(f"{_column(column)} is {'not ' if op == 'not in' else ''}null")
        joiner = " and " if op == "not in" else " or "
        return "(" + joiner.join(parts) + ")"
    if value is None:
        if op == "=":
            return f"{_column(column)} is null"
        if op == "!=":
            return f"{_column(column)} is not null"
        raise ValueError(f"cannot compare {column!r} {op} None")
    return f"{_column(column)} {op} {_literal(value)}"


def to_expression(filters):
    """Return the expression string for `filters`: None, a string (returned as
    is), a list of (column, op, value) terms (AND), or a list of such lists (OR of
    ANDs, the disjunctive normal form)."""
    if filters is None:
        return None
    if isinstance(filters, str):
        return filters
    if not isinstance(filters, (list, tuple)):
        raise TypeError("filters must be a string or a list of (column, op, value) terms")
    if not filters:
        return None
    if all(isinstance(t, tuple) or (isinstance(t, list) and len(t) == 3 and isinstance(t[0], str)
                                      and isinstance(t[1], str) and t[1].lower().strip() in _OPS)
           for t in filters):
        filters = [filters]
    ors = []
    for conjunction in filters:
        if not conjunction:
            raise ValueError("an empty conjunction in filters")
        ors.append("(" + " and ".join(_term(t) for t in conjunction) + ")")
    return ors[0] if len(ors) == 1 else " or ".join(ors)
