"""Skeletons: a kind's prescribed outline as a YAML file to fill in, and drafts made from it.

``wenshu new KIND`` renders ``<folder>/<kind>.skeleton.yaml.j2``, the file beside the kind's
Markdown template. Every part of the outline is present, the outline's guidance stands
beside it as YAML comments, and every value to fill reads 【待补】. The skeletons are data
(Jinja2 templates of YAML), like the kinds themselves.

A draft (``wenshu build --draft``) renders a spec that still has 【待补】 values; each is
wrapped in ``<mark>…</mark>`` in the Markdown, which Markdown readers show highlighted and
the Word writer turns into a yellow highlight.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import PurePosixPath

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from ruamel.yaml import YAML

from .errors import Problem, WenshuError
from .kinds import Kind, all_kinds
from .load import iter_strings
from .resources import resource_dir
from .validate import PLACEHOLDER

#: How a draft marks an unfilled value in Markdown (inline HTML that CommonMark keeps).
MARKED_PLACEHOLDER = f"<mark>{PLACEHOLDER}</mark>"
LEVELS = ("city", "county")
PROGRAMMES = ("pilot", "demonstration")
# A scalar YAML reads back as the same string without quotes.
_PLAIN_YAML = re.compile(r"^[\w\u3000-\u303f\u3400-\u9fff\uff00-\uffef（）《》“”、·—-]+$")


def skeleton_name(kind: Kind) -> str:
    """The skeleton template of ``kind``: beside its Markdown template."""
    return str(PurePosixPath(kind.template).parent / f"{kind.name}.skeleton.yaml.j2")


def kinds_with_skeletons() -> list[str]:
    """Names of the kinds that have a skeleton."""
    base = resource_dir("templates")
    return [name for name, kind in all_kinds().items() if (base / skeleton_name(kind)).is_file()]


def yaml_scalar(value: object) -> str:
    """A value written into YAML so that it reads back unchanged (quoted only when needed)."""
    text = str(value)
    return text if _PLAIN_YAML.match(text) and not text[0].isdigit() else json.dumps(text, ensure_ascii=False)


@cache
def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(resource_dir("templates"))),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yaml"] = yaml_scalar
    return env


def render_skeleton(
    kind_name: str,
    *,
    applicant: str | None = None,
    level: str = "city",
    programme: str = "demonstration",
    start: int | None = None,
) -> str:
    """The YAML skeleton of ``kind_name``.

    ``applicant`` names the city, county or enterprise (left 【待补】 when not given);
    ``level`` and ``programme`` pick the outline's variant (城市/县, 试点/示范) where a kind has
    one; ``start`` is the first year of the three-year period (next year when not given).
    """
    kinds = all_kinds()
    available = kinds_with_skeletons()
    if kind_name not in available:
        known = "、".join(available)
        what = "没有骨架" if kind_name in kinds else "不是已知文种"
        raise WenshuError(Problem(kind_name, f"{what}；可生成骨架的文种：{known}"))
    if level not in LEVELS or programme not in PROGRAMMES:
        allowed = f"level 只能是 {'、'.join(LEVELS)}，programme 只能是 {'、'.join(PROGRAMMES)}"
        raise WenshuError(Problem(kind_name, allowed))
    first = start if start is not None else dt.date.today().year + 1
    context = {
        "applicant": applicant or PLACEHOLDER,
        "level": level,
        "programme": programme,
        "start": first,
        "end": first + 2,
        "P": PLACEHOLDER,
    }
    return _environment().get_template(skeleton_name(kinds[kind_name])).render(**context)


def unfilled(text: str) -> int:
    """How many values of a skeleton's YAML text still read 【待补】 (comments not counted)."""
    data = YAML(typ="safe", pure=True).load(text)
    return sum(PLACEHOLDER in value for _, value in iter_strings(data))


def mark_placeholders(markdown: str) -> str:
    """Wrap every 【待补】 of a draft's Markdown in ``<mark>…</mark>``."""
    return markdown.replace(PLACEHOLDER, MARKED_PLACEHOLDER)
