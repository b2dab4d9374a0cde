"""A batch's templates give the same Markdown with module macros memoised as without: a macro
is answered from the memo only when nothing but its arguments decides its text."""

from __future__ import annotations

import jinja2

from wenshu.render.markdown import MACRO_TRIAL, TemplateEnvironment

PARTS = """
{% macro show(v) %}[{{ v }}]{% endmacro %}
{% macro line(who, when) %}{{ who }}（{{ when }}）{% endmacro %}
"""
# A module whose macro counts its calls in a namespace: its text changes from call to call.
COUNTER = """
{% set ns = namespace(n=0) %}
{% macro next() %}{% set ns.n = ns.n + 1 %}{{ ns.n }}{% endmacro %}
"""
LETTER = """{% import "parts" as p %}{% import "counter" as c %}
{% set x = 1 %}{% macro own() %}{{ x }}{% endmacro %}
{{ own() }}{% set x = 2 %}{{ own() }}
{{ p.show(value) }}{{ p.show(True) }}{{ p.show(1) }}{{ p.show(1.0) }}{{ p.show(-0.0) }}{{ p.show(0.0) }}
{{ p.line(who, when) }}{{ p.line("示例局", when) }}
{{ c.next() }}{{ c.next() }}
"""


def env(memo: bool) -> TemplateEnvironment:
    made = TemplateEnvironment(
        loader=jinja2.DictLoader({"parts": PARTS, "counter": COUNTER, "letter": LETTER})
    )
    if memo:
        made.memoise_macros()
    return made


def test_memoised_macros_give_the_text_of_every_call():
    plain, memoised = env(False), env(True)
    for i in range(3 * MACRO_TRIAL):
        values = {"value": f"示例市{i:04d}", "who": f"甲{i}", "when": "2023年9月8日"}
        assert memoised.get_template("letter").render(**values) == plain.get_template("letter").render(
            **values
        )
    text = memoised.get_template("letter").render(value="v", who="w", when="d")
    assert "12\n" in text and "[True][1][1.0][-0.0][0.0]" in text  # own macro, then typed keys


def test_only_pure_module_macros_are_memoised_and_the_ones_seldom_repeated_let_go():
    memoised = env(True)
    for i in range(2 * MACRO_TRIAL):
        memoised.get_template("letter").render(value=f"v{i}", who=f"w{i}", when="d")
    names = sorted(m.name for m in memoised._pure.values())
    # show("示例局"…) repeats, show(value) does not but True, 1 … do; line(who, …) is new at
    # every letter and outnumbers its repeats: let go. The counter's module is never taken.
    assert names == ["show"]
