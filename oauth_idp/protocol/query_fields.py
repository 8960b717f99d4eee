"""The grammar of the query parameters a scoped token's read requests may use.

Frappe's own checks let SQL through: a field that does not start with a parenthesis
(DatabaseQuery.sanitize_fields), a filter's field name that passes sanitize_column, a filter given
as a string, and link search's `filter_fields`. A request could read any table with them. A scoped
token may name columns, not write expressions:

- columns: a field, `*`, an aggregate of one field, an alias; `order_by` adds a direction. Selected
  columns may also be a link field's field, which Frappe resolves (checking the linked DocType's
  permission); elsewhere it would be written into the SQL as it stands;
- filters: an object of field → condition, or a list of [field, operator, value] /
  [doctype, field, operator, value] and such objects. Frappe checks the operators and escapes the
  values;
- paging: whole numbers of rows, never negative (Frappe writes them into the SQL's LIMIT).
"""

import json
import re

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_TABLE = rf"(?:`tab[A-Za-z0-9_ \-]+`|tab{_NAME})"  # `tabSales Invoice`, tabToDo
_FIELD = rf"(?:{_TABLE}\.)?(?:`{_NAME}`|{_NAME}|\*)"
_LINKED_FIELD = rf"{_NAME}\.{_NAME}"
_AGGREGATE = rf"(?:count|sum|avg|min|max)\(\s*(?:distinct\s+)?(?:{_FIELD})\s*\)"
_ALIAS = rf"(?:\s+as\s+(?:`{_NAME}`|{_NAME}))?"

SELECTED = re.compile(rf"\s*(?:{_AGGREGATE}|{_FIELD}|{_LINKED_FIELD}){_ALIAS}\s*", re.IGNORECASE)
ORDERED = re.compile(rf"\s*(?:{_FIELD})(?:\s+(?:asc|desc))?\s*", re.IGNORECASE)
COLUMN = re.compile(rf"\s*(?:{_FIELD})\s*")

FILTER_FIELD = re.compile(rf"\s*`?{_NAME}`?(?:\.`?{_NAME}`?)?\s*")
DOCTYPE = re.compile(r"[A-Za-z0-9_ \-]+")
FILTER_PARAMETERS = ("filters", "or_filters")
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
ROW_COUNTS = ("limit_start", "limit_page_length", "limit", "start", "page_length")
WHOLE_NUMBER = re.compile(r"[0-9]+")


def problem(params, filters_may_name_a_record: bool = False) -> str | None:
	"""Why these request parameters hold something other than columns and conditions, or None.
	Where Frappe reads a plain string of `filters` as a record's name, say so."""
	for name, grammar in PARAMETERS.items():
		value = params.get(name)
		if value in (None, "", []):
			continue
		for item in _items(value):
			if not isinstance(item, str) or not grammar.fullmatch(item):
				return f"'{name}' may name columns only; {str(item)[:80]!r} is not one."
	for name in ROW_COUNTS:
		value = params.get(name)
		if value not in (None, "") and not WHOLE_NUMBER.fullmatch(str(value)):
			return f"'{name}' must be a whole number of rows."
	for name in FILTER_PARAMETERS:
		value = params.get(name)
		if value in (None, "", [], {}):
			continue
		if isinstance(value, str):
			try:
				value = json.loads(value)
			except ValueError:
				if filters_may_name_a_record:
					continue
				return f"'{name}' must be filters: a JSON list or object."
		if filters_may_name_a_record and isinstance(value, str | int | float):
			continue
		if conditions_problem := _conditions_problem(value):
			return f"'{name}': {conditions_problem}"
	return None


def _conditions_problem(filters) -> str | None:
	if isinstance(filters, dict):
		for field in filters:
			if not (isinstance(field, str) and FILTER_FIELD.fullmatch(field)):
				return f"{str(field)[:80]!r} is not a field."
		return None
	if not isinstance(filters, list | tuple):
		return "filters are a list or an object."
	for condition in filters:
		if isinstance(condition, dict):
			if found := _conditions_problem(condition):
				return found
		elif isinstance(condition, list | tuple) and len(condition) >= 3:
			doctype, field = (None, condition[0]) if len(condition) == 3 else condition[:2]
			if doctype is not None and not (isinstance(doctype, str) and DOCTYPE.fullmatch(doctype)):
				return f"{str(doctype)[:80]!r} is not a DocType."
			if not (isinstance(field, str) and FILTER_FIELD.fullmatch(field)):
				return f"{str(field)[:80]!r} is not a field."
		else:
			return "a filter is [field, operator, value], [doctype, field, operator, value] or an object, never SQL."
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
