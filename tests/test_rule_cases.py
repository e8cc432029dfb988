"""Every rule of every format fires on a report made to break it, with its own severity, and
stays quiet on one made to keep it (the builders are in ``helpers/rule_cases.py``, one per kind:
a new kind of rule fails here until it has one)."""

from __future__ import annotations

import pytest

from helpers.rule_cases import CASES
from nianbao.rules import KINDS
from nianbao.spec import available_formats, get_format

RULES = [(f, r.id) for f in available_formats() for r in get_format(f).rules]


def test_every_kind_has_a_case():
    assert sorted(KINDS) == sorted(CASES)


@pytest.mark.parametrize("format_id, rule_id", RULES)
def test_rule_fires_and_keeps_quiet(format_id, rule_id):
    fmt = get_format(format_id)
    rule = fmt.rule(rule_id)
    fires, quiet = CASES[rule.kind](fmt, rule)
    assert fires, f"{format_id} {rule_id} did not fire"
    assert {(f.rule, f.severity) for f in fires} == {(rule.id, rule.severity)}
    assert all(f.message() and f.code for f in fires)
    assert quiet == [], f"{format_id} {rule_id} fired on a report that keeps it"
