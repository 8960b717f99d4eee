"""The column grammar of a scoped token's read requests: columns yes, SQL expressions no."""

import pytest

from oauth_idp.protocol import query_fields

COLUMNS = [
	{"fields": '["name", "description"]'},
	{"fields": ["name", "`status`", "*"]},
	{"fields": '["`tabToDo`.`name`", "`tabSales Invoice`.grand_total", "tabToDo.owner"]'},
	{"fields": '["allocated_to.full_name"]'},
	{"fields": '["count(name) as count", "status", "sum(`tabToDo`.`priority`) as `total`"]'},
	{"fields": '["count(distinct owner) AS owners"]'},
	{"fields": "name, description"},
	{"fieldname": "description"},
	{"fieldname": '["name", "modified"]'},
	{"order_by": "modified desc, name asc"},
	{"order_by": "`tabToDo`.`creation` DESC"},
	{"group_by": "status"},
	{"filter_fields": '["description", "status"]'},
	{"searchfield": "description", "pluck": "name"},
	{"fields": "", "order_by": None, "filter_fields": []},
]

EXPRESSIONS = [
	{"fields": '["name as `n`, (select count(*) from `__Auth`) as `x`"]'},
	{"fields": '["(select password from `__Auth`)"]'},
	{"fields": '["name", "version()"]'},
	{"fields": '["name from tabUser -- "]'},
	{"filter_fields": '["name`, (select group_concat(sid) from tabSessions) as `x"]'},
	{"fieldname": "name, (select 1)"},
	{"order_by": "(select 1)"},
	{"order_by": "name desc; drop table tabToDo"},
	{"order_by": "if(1=1, name, owner)"},
	{"group_by": "status having 1=1"},
	{"searchfield": "name or 1=1"},
	{"fields": '[{"name": 1}]'},
	{"fields": '["count(name, owner)"]'},
	{"fields": '["char(65) as a"]'},
	# Frappe resolves a link field's field among the selected columns only.
	{"order_by": "allocated_to.api_key"},
	{"group_by": "allocated_to.api_key"},
	{"fields": '["sum(allocated_to.idx)"]'},
]


@pytest.mark.parametrize("params", COLUMNS)
def test_columns_aggregates_aliases_and_directions_pass(params):
	assert query_fields.problem(params) is None


@pytest.mark.parametrize("params", EXPRESSIONS)
def test_anything_but_columns_is_refused(params):
	problem = query_fields.problem(params)
	assert problem and "columns only" in problem


@pytest.mark.parametrize("name", query_fields.ROW_COUNTS)
@pytest.mark.parametrize("value", ["-1", "1 union select 1", "abc", "2.5", -3, "٣"])
def test_paging_is_a_whole_number_of_rows(name, value):
	assert query_fields.problem({name: value}) == f"'{name}' must be a whole number of rows."


@pytest.mark.parametrize("value", ["0", "20", 500, ""])
def test_paging_by_whole_numbers_passes(value):
	assert query_fields.problem(dict.fromkeys(query_fields.ROW_COUNTS, value)) is None


def test_parameters_that_name_no_columns_are_not_read():
	assert query_fields.problem({"filters": '[["name", "like", "%(select"]]', "txt": "(select 1)"}) is None


CONDITIONS = [
	{"filters": '{"status": "Open", "allocated_to.full_name": ["like", "%a%"]}'},
	{"filters": '[["status", "=", "Open"], ["ToDo", "name", "in", ["a", "b"]]]'},
	{"filters": [["name", "=", "x"], {"owner": "a"}]},
	{"or_filters": '[["Sales Invoice", "grand_total", ">", 10, false]]'},
	{"filters": '[["description", "like", "%(select 1)%"]]'},  # a value: Frappe escapes it
]

INJECTIONS = [
	{"filters": "name = 'x' or 1=1"},
	{"filters": '["1=1 or 1=1"]'},
	{"filters": '[["ifnull((select(count(*))from(tabSessions)),\'.name.\')", ">", 0]]'},
	{"filters": '[["ifnull(1,\'.name.\')||1", ">", 0]]'},
	{"or_filters": '{"name) or (1": "x"}'},
	{"filters": '[["ToDo) join (tabUser", "name", "=", "x"]]'},
	{"filters": '[["name", "="]]'},
	{"filters": "42"},
]


@pytest.mark.parametrize("params", CONDITIONS)
def test_conditions_on_fields_pass(params):
	assert query_fields.problem(params) is None


@pytest.mark.parametrize("params", INJECTIONS)
def test_filters_that_are_not_conditions_on_fields_are_refused(params):
	assert query_fields.problem(params)


def test_a_plain_string_is_a_records_name_where_frappe_reads_it_so():
	assert query_fields.problem({"filters": "d61rsmgaan"}, filters_may_name_a_record=True) is None
	assert query_fields.problem({"filters": "42"}, filters_may_name_a_record=True) is None
	assert query_fields.problem({"filters": '["1=1"]'}, filters_may_name_a_record=True)
