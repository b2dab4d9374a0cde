"""A round's quota rule is checked by its schema (schemas/round.yaml: a name, or a mapping of
``per_region`` or ``computed``, whose terms are ``quota_term`` of schemas/_common.yaml) and
only what a schema cannot say by the domain rules (catalogue.computed_problems). Each mistake
is one Chinese message at its file:line:field — the branches the value was not written for
say nothing."""

from __future__ import annotations

import re

import pytest

from tests.test_round_rules_as_data import ROUND_HEAD, run, write


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        # old: “计算项中没有“cout”这一项” and “缺少计数栏名 count”, two messages for one slip
        (
            "{quota: {computed: {terms: [{cout: advantage, percent: 8}]}}}",
            r"5:\d+ categories\.示范企业\.quota\.computed\.terms\[1\]\.cout",
            "未知字段，是否想写“count”？",
        ),
        # old: at quota, not at the mistyped key
        (
            "{quota: {per_regoin: 100}}",
            r"5:\d+ categories\.示范企业\.quota\.per_regoin",
            "未知字段，是否想写“per_region”？",
        ),
        # old: “实际是“True””, not as the YAML says it
        (
            "{quota: {per_region: true}}",
            r"5:\d+ categories\.示范企业\.quota\.per_region",
            "（每地区上限）应为整数，实际是“true”",
        ),
        (
            "{quota: {per_region: -1}}",
            r"5:\d+ categories\.示范企业\.quota\.per_region",
            "（每地区上限）超出范围：-1（应不小于 0）",
        ),
        (
            "{quota: {computed: {terms: [{count: advantage, percent: 800}]}}}",
            r"5:\d+ categories\.示范企业\.quota\.computed\.terms\[1\]\.percent",
            "（百分比）超出范围：800（应在 0—100 之间）",
        ),
        # old: “名额规则应为 table、none、… （映射只写其中一项）”
        (
            "{quota: {}}",
            r"5:\d+ categories\.示范企业\.quota\.computed",
            "缺少计算规则（computed）、每地区上限（per_region）：二者须写一个",
        ),
        (
            "{quota: {computed: {trems: []}}}",
            r"5:\d+ categories\.示范企业\.quota\.computed\.trems",
            "未知字段，是否想写“terms”？",
        ),
        (
            "{quota: {computed: {terms: []}}}",
            r"5:\d+ categories\.示范企业\.quota\.computed\.terms",
            "（计算项）不能为空",
        ),
        # old: the pair said twice, once at each key
        (
            "{quota: {per_region: 2, computed: {terms: [{count: advantage, percent: 8}]}}}",
            r"5:\d+ categories\.示范企业\.quota\.computed",
            "（计算规则）不能与 per_region 同时写（二者选一）",
        ),
        # old: also “缺少每地区上限（per_region）、计算规则（computed）：二者须写一个” — it is written
        (
            "{quota: {per_region: }}",
            r"5:\d+ categories\.示范企业\.quota\.per_region",
            "（每地区上限）不能为空",
        ),
        # old: “实际是“['table']””, Python's list
        (
            "{quota: [table]}",
            r"5:\d+ categories\.示范企业\.quota",
            "（名额规则）应为文字或“字段: 值”映射，实际是“[table]”",
        ),
    ],
    ids=(
        "term-key rule-key boolean negative percent empty terms-key no-terms both-rules null-rule list-rule"
    ).split(),
)
def test_each_quota_mistake_is_one_message_at_its_place(tmp_path, body, where, message):
    spec = write(tmp_path, "round.yaml", f"{ROUND_HEAD}  示范企业: {body}\n")
    result = run("validate", spec)
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("错误")]
    assert len(errors) == 1, result.output
    assert re.search(f"{re.escape(str(spec))}:{where}：{re.escape(message)}$", errors[0]), errors[0]


def test_a_quota_written_as_true_is_refused_not_taken_for_one(tmp_path):
    """YAML reads ``true`` as a boolean, which Python counts as 1: a quota table's row
    ``[河南省, true]`` was built as a quota of 1."""
    text = "kind: quota_table\nname: 名额\nprogramme: 示范城市\nrows:\n  - [河南省, true]\n"
    spec = write(tmp_path, "quota.yaml", text)
    result = run("validate", spec)
    assert result.exit_code == 1, result.output
    assert re.search(r"quota\.yaml:5:\d+ rows\[1\]\[2\]：.*实际是“true”", result.output), result.output


def test_a_coded_choice_and_a_missing_rule_in_one_category(tmp_path):
    """A name written for a code (企业 for enterprise) before a missing field: the translator
    kept both hints under one name, and crashed (TypeError) on the second."""
    spec = write(tmp_path, "round.yaml", f"{ROUND_HEAD}  示范企业: {{level: 企业, quota: {{}}}}\n")
    result = run("validate", spec)
    assert result.exit_code == 1 and "内部错误" not in result.output, result.output
    assert "level：（申报主体）不能是“企业”，应写代码“enterprise”" in result.output
    assert "quota.computed：缺少计算规则（computed）、每地区上限（per_region）：二者须写一个" in result.output
