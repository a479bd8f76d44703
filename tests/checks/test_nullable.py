"""Whether an operand ``check`` compares may be null on a case (known values): a fact never
is (left out, it is unknown), a table is where no row holds or the row that does gives null."""

from __future__ import annotations

import pytest

from policykit.lang.syntax import parse_form
from policykit.limits import DEFAULT, Budget
from policykit.policy.model import Policy
from policykit.tools.checks import _domains, _nullable


@pytest.mark.parametrize(
    ("expression", "null"),
    [
        ("request.date", False),  # a fact
        ("params.return_window_months", False),
        ("null", True),
        ("add_days(request.date, 3)", False),
        ("add_days(deadlines.quote_by, 3)", True),  # null gives null
        ("latest(deadlines.quote_by, request.date)", False),  # the latest of those not null
        ("coalesce(sale.delivered_on, warranty.start_date)", False),
        ("len(service.earlier)", False),
        ("warranty.start_date", False),  # its rows cover both shipping methods
        ("return.window_end", False),  # latest(...) or the standard window, from a delivery day
        ("deadlines.quote_by", True),  # null but for a paid repair
        ("get(customer, 'name')", True),  # not looked into
    ],
)
def test_what_may_be_null(policy: Policy, expression: str, null: bool) -> None:
    nullable = _nullable(policy, _domains(policy), Budget(DEFAULT, DEFAULT.check_operations, "check_operations"))
    assert nullable.may_be_null(parse_form(expression)[0]) is null


def test_a_table_not_tried_for_want_of_budget_may_be_null(policy: Policy) -> None:
    nullable = _nullable(policy, _domains(policy), Budget(DEFAULT, 1, "check_operations"))
    assert nullable.may_be_null(parse_form("warranty.start_date")[0]) is True
