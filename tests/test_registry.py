"""Names a schema uses (checks, advice, compose, batch checks) are looked up in registries;
a name none has is a Chinese error naming the schema file, with the closest name."""

from __future__ import annotations

import dataclasses

import pytest

from tests.conftest import REPO
from wenshu.errors import WenshuError
from wenshu.registry import Registry, did_you_mean
from wenshu.rules.advice import ADVICE, warnings
from wenshu.rules.checks import CHECKS
from wenshu.rules.letters import batch_problems
from wenshu.spec.kinds import get_kind
from wenshu.spec.load import load_spec
from wenshu.validate import validate


def test_registry_lookup_listing_and_did_you_mean() -> None:
    reg: Registry[int] = Registry("测试项")
    reg.add("title_lines", 1)
    reg.add("deadlines", 2)
    assert reg.get("deadlines", "x.yaml") == 2
    assert reg.names() == ["deadlines", "title_lines"]
    with pytest.raises(WenshuError) as caught:
        reg.get("titel_lines", "schemas/x.yaml")
    (problem,) = caught.value.problems
    assert problem.file == "schemas/x.yaml"
    assert (
        problem.message == "未知的测试项“titel_lines”，是否想写“title_lines”？；可用：deadlines、title_lines"
    )
    with pytest.raises(ValueError):
        reg.add("deadlines", 3)  # one entry per name


def test_did_you_mean_is_one_cut_off_for_short_chinese_names() -> None:
    assert did_you_mean("示范园", ["示范园区", "示范城市"]) == "，是否想写“示范园区”？"
    assert did_you_mean("河南", ["河南省", "湖南省"]) == "，是否想写“河南省”？"
    assert did_you_mean("完全不同", ["河南省"]) == ""
    assert did_you_mean("aplicant", ["applicant"], shown="“{{{}}}”") == "，是否想写“{applicant}”？"


def _notice():
    spec = load_spec(REPO / "examples" / "notices" / "cnipa-2023-582.yaml")
    kind, document = validate(spec)
    return spec, kind, document


def test_unknown_advice_name_names_the_schema() -> None:
    spec, kind, document = _notice()
    wrong = dataclasses.replace(kind, advice=(("same_as_", {}),))
    with pytest.raises(WenshuError) as caught:
        warnings(spec, wrong, document)
    (problem,) = caught.value.problems
    assert problem.file.endswith("schemas/notice.yaml")
    assert "未知的警告“same_as_”，是否想写“same_as”？" in problem.message
    assert "same_as" in ADVICE


def test_unknown_check_and_compose_step_name_the_schema(monkeypatch) -> None:
    spec = load_spec(REPO / "examples" / "annexes" / "receipt.yaml")
    kind = get_kind("receipt")
    assert kind is not None and kind.compose == "blank_form"
    for wrong, said in [
        (
            dataclasses.replace(kind, checks=(("title_line", ["title"]),)),
            "未知的检查规则“title_line”，是否想写“title_lines”？",
        ),
        (
            dataclasses.replace(kind, compose="blank_forms"),
            "未知的组成步骤“blank_forms”，是否想写“blank_form”？",
        ),
    ]:
        monkeypatch.setattr("wenshu.validate.kind_of", lambda _spec, wrong=wrong: wrong)
        with pytest.raises(WenshuError) as caught:
            validate(spec)
        (problem,) = caught.value.problems
        assert problem.file.endswith("schemas/receipt.yaml") and said in problem.message
    assert "title_lines" in CHECKS


def test_unknown_batch_check_names_the_schema() -> None:
    with pytest.raises(
        WenshuError, match=r"recommendation_letter\.yaml 未知的批量检查“uniq”，是否想写“unique”"
    ):
        batch_problems([{"uniq": ["applicant"]}], [], "schemas/recommendation_letter.yaml")


def test_the_two_recommendation_checks_have_names_of_their_own() -> None:
    """The letter's rule and the 推荐名单's compose step were both “recommendation_list”."""
    letter = get_kind("recommendation_letter")
    listing = get_kind("recommendation_list")
    assert letter is not None and listing is not None
    assert ("letter_recommendations", "quota") in letter.checks
    assert listing.compose == "recommendation_list"
    assert not any(name == "recommendation_list" for name, _ in letter.checks)


def test_an_unknown_round_role_names_the_schema(monkeypatch) -> None:
    from wenshu.spec import kinds

    real = kinds.read_yaml_resource
    monkeypatch.setattr(kinds, "read_yaml_resource", lambda path: {**real(path), "round": "quota"})
    kinds.get_kind.cache_clear()
    said = r"quota_table\.yaml 未知的一轮中的角色 round: quota，是否想写“quotas”"
    try:
        with pytest.raises(WenshuError, match=said):
            kinds.get_kind("quota_table")
    finally:
        kinds.get_kind.cache_clear()


def test_every_shipped_schema_names_only_registered_entries() -> None:
    from wenshu.spec.kinds import all_kinds
    from wenshu.validate import schema_problems

    kinds = all_kinds()
    assert len(kinds) > 10
    for kind in kinds.values():
        assert schema_problems(kind) == [], kind.name


def test_validate_refuses_a_schema_naming_unknown_entries_before_reading_the_spec(monkeypatch) -> None:
    spec = load_spec(REPO / "examples" / "notices" / "cnipa-2023-582.yaml")
    kind = get_kind("notice")
    assert kind is not None
    wrong = dataclasses.replace(kind, advice=(("same_a", {}),), batch={"checks": [{"uniq": ["x"]}]})
    monkeypatch.setattr("wenshu.validate.kind_of", lambda _spec: wrong)
    with pytest.raises(WenshuError) as caught:
        validate(spec)
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 2 and all(p.file.endswith("notice.yaml") for p in caught.value.problems)
    assert "未知的警告“same_a”，是否想写“same_as”？" in messages[0]
    assert "未知的批量检查“uniq”，是否想写“unique”？" in messages[1]
