"""The column grammar of the query parameters a scoped token's read requests may use.

Frappe's own check (DatabaseQuery.sanitize_fields) lets SQL through in a field that does not start
with a parenthesis, and link search pastes `filter_fields` into its query, so a request could read
any table. A scoped token may name columns, not write expressions: a field, a link field's field,
`*`, an aggregate of one field, an alias; `order_by` adds a direction.
"""

import json
import re

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_TABLE = rf"(?:`tab[A-Za-z0-9_ \-]+`|tab{_NAME})"  # `tabSales Invoice`, tabToDo
_FIELD = rf"(?:{_TABLE}\.)?(?:`{_NAME}`|{_NAME}|\*)|{_NAME}\.{_NAME}"
_AGGREGATE = rf"(?:count|sum|avg|min|max)\(\s*(?:distinct\s+)?(?:{_FIELD})\s*\)"
_ALIAS = rf"(?:\s+as\s+(?:`{_NAME}`|{_NAME}))?"

SELECTED = re.compile(rf"\s*(?:{_AGGREGATE}|{_FIELD}){_ALIAS}\s*", re.IGNORECASE)
ORDERED = re.compile(rf"\s*(?:{_FIELD})(?:\s+(?:asc|desc))?\s*", re.IGNORECASE)
COLUMN = re.compile(rf"\s*(?:{_FIELD})\s*")

# The parameters of Frappe's read methods that name columns, and the grammar of each item.
PARAMETERS = {
	"fields": SELECTED,
	"fieldname": SELECTED,
	"field": COLUMN,
	"pluck": COLUMN,
	"searchfield": COLUMN,
	"filter_fields": COLUMN,
	"order_by": ORDERED,
	"group_by": COLUMN,
}


def problem(params) -> str | None:
	"""Why these request parameters name something other than columns, or None."""
	for name, grammar in PARAMETERS.items():
		value = params.get(name)
		if value in (None, "", []):
			continue
		for item in _items(value):
			if not isinstance(item, str) or not grammar.fullmatch(item):
				return f"'{name}' may name columns only; {str(item)[:80]!r} is not one."
	return None


def _items(value) -> list:
	"""A JSON list, a comma-separated string (Frappe takes both), or one value."""
	if isinstance(value, str):
		text = value.strip()
		if not text.startswith("["):
			return text.split(",")
		try:
			value = json.loads(text)
		except ValueError:
			return [value]
	return list(value) if isinstance(value, list | tuple) else [value]
