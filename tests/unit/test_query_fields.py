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
]


@pytest.mark.parametrize("params", COLUMNS)
def test_columns_aggregates_aliases_and_directions_pass(params):
	assert query_fields.problem(params) is None


@pytest.mark.parametrize("params", EXPRESSIONS)
def test_anything_but_columns_is_refused(params):
	problem = query_fields.problem(params)
	assert problem and "columns only" in problem


def test_parameters_that_name_no_columns_are_not_read():
	assert query_fields.problem({"filters": '[["name", "like", "%(select"]]', "txt": "(select 1)"}) is None
