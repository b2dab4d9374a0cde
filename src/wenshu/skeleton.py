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
import os
import re
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import jinja2.meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from wenshu.errors import Problem, WenshuError
from wenshu.resources import resource_dir
from wenshu.spec import PLACEHOLDER
from wenshu.spec.applicants import LEVELS, PROGRAMMES
from wenshu.spec.kinds import QUOTAS, Kind, all_kinds, get_kind
from wenshu.spec.load import iter_strings, load_spec
from wenshu.text.dates import format_cn_date

#: How a draft marks an unfilled value in Markdown (inline HTML that CommonMark keeps).
MARKED_PLACEHOLDER = f"<mark>{PLACEHOLDER}</mark>"
#: The variant of a skeleton that relays (转发) a national document: a kind has it when its
#: templates hold ``{kind}.relay.skeleton.yaml.j2``; no kind is named in the code.
RELAY_VARIANT = "relay"
#: How much earlier than the national deadline a relay's skeleton proposes its own.
RELAY_LEAD = dt.timedelta(days=10)
# A scalar YAML reads back as the same string without quotes.
_PLAIN_YAML = re.compile(r"^[\w\u3000-\u303f\u3400-\u9fff\uff00-\uffef（）《》“”、·—-]+$")


def skeleton_name(kind: Kind, variant: str | None = None) -> str:
    """The skeleton template of ``kind`` (or of its ``variant``): beside its Markdown template."""
    middle = f".{variant}" if variant else ""
    return str(PurePosixPath(kind.template).parent / f"{kind.name}{middle}.skeleton.yaml.j2")


def skeleton_variables(kind_name: str) -> set[str]:
    """The values a kind's skeleton uses (applicant, level, programme, start …): an option
    setting one it does not use would be dropped without a word."""
    kind = get_kind(kind_name)
    if kind is None or kind_name not in kinds_with_skeletons():
        return set()  # render_skeleton says there is none
    env = _environment()
    source = env.loader.get_source(env, skeleton_name(kind))[0]  # type: ignore[union-attr]
    return jinja2.meta.find_undeclared_variables(env.parse(source))


def kinds_with_skeletons() -> list[str]:
    """Names of the kinds that have a skeleton."""
    base = resource_dir("templates")
    return [name for name, kind in all_kinds().items() if (base / skeleton_name(kind)).is_file()]


def relay_kinds() -> list[str]:
    """Names of the kinds a province can relay (转发): those with a relay skeleton."""
    base = resource_dir("templates")
    return [
        name for name, kind in all_kinds().items() if (base / skeleton_name(kind, RELAY_VARIANT)).is_file()
    ]


def relay_kinds_named() -> str:
    """The kinds that can be relayed, as messages name them: 通知（notice）."""
    kinds = all_kinds()
    return "、".join(f"{kinds[name].label}（{name}）" for name in relay_kinds())


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
    relay: dict[str, Any] | None = None,
) -> str:
    """The YAML skeleton of ``kind_name``.

    ``applicant`` names the city, county or enterprise (left 【待补】 when not given);
    ``level`` and ``programme`` pick the outline's variant (城市/县, 试点/示范) where a kind has
    one; ``start`` is the first year of the three-year period (next year when not given);
    ``relay`` (from :func:`relay_context`) makes a notice's skeleton a provincial relay.
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
    if relay is not None:
        if kind_name not in relay_kinds():
            raise WenshuError(Problem(kind_name, f"只有{relay_kinds_named()}有转发骨架"))
        name = skeleton_name(kinds[kind_name], RELAY_VARIANT)
        return _environment().get_template(name).render(**context, relay=relay)
    return _environment().get_template(skeleton_name(kinds[kind_name])).render(**context)


def relay_context(national: Path, province: str | None, written_to: Path | None) -> dict[str, Any]:
    """What a provincial relay takes from the national notice ``national``: its title,
    发文字号 and dates, a provincial deadline before its deadline, and ``province``'s quotas
    from the quota tables it attaches by file. The notice must be valid."""
    # Only a relay reads and checks another spec: `wenshu new` without --relay loads neither
    # the validator (Cerberus) nor the round's rules and catalogues.
    from wenshu.compose.round import main_deadline
    from wenshu.registry import did_you_mean
    from wenshu.rules import categories
    from wenshu.validate import validate

    spec = load_spec(national)
    kind, document = validate(spec)
    if kind.name not in relay_kinds():
        what = "、".join(f"{all_kinds()[name].label}的规格（kind: {name}）" for name in relay_kinds())
        raise WenshuError(Problem(str(national), f"--relay 应给国家{what}，这是{kind.label}"))
    # The national notice's round may name its own regions (round.yaml beside it).
    regions, problems = categories.known_regions(spec)
    if problems:
        raise WenshuError(problems)
    if province is not None and province not in regions.names:
        hint = did_you_mean(province, regions.names)
        raise WenshuError(Problem(province, f"未知省份{hint}（{regions.cited}）"))
    issuer = f"{province}知识产权局" if province else PLACEHOLDER
    deadline = main_deadline(document)
    ours = deadline[1] - RELAY_LEAD if deadline else None
    quotas = _province_quotas(spec.path, spec.data, province) if province else []
    here = (written_to.parent if written_to else Path.cwd()).resolve()
    return {
        "source": os.path.relpath(national.resolve(), here),
        "issuer": issuer,
        "title": f"{issuer}关于转发{document['title']}",
        "doc_number": document["doc_number"],
        "date": format_cn_date(document["date"]),
        "deadline": format_cn_date(deadline[1]) if deadline else None,
        "opening": f"按照《{document['title']}》（{document['doc_number']}）要求，结合我省实际，"
        "现将有关事项通知如下：",
        "deadline_clause": (
            f"请于{format_cn_date(ours)}前将申报材料报送我局。"
            if ours
            else f"请于{PLACEHOLDER}前将申报材料报送我局。"
        ),
        "quotas": quotas,
        "quota_name": f"{document['date'].year}年{province}推荐名额"
        if province
        else f"{PLACEHOLDER}推荐名额",
    }


def _province_quotas(national: Path, data: dict[str, Any], province: str) -> list[dict[str, Any]]:
    """``province``'s row of every quota table the national notice attaches by file."""
    from wenshu.rules import categories  # as in relay_context: a relay's only
    from wenshu.validate import validate

    found: list[dict[str, Any]] = []
    known = categories.known_categories(load_spec(national))  # the round's own categories too
    for attachment in data.get("attachments") or []:
        ref = attachment.get("file") if isinstance(attachment, dict) else None
        if not isinstance(ref, str):
            continue
        kind, table = validate(load_spec(Path(os.path.normpath(national.parent / ref))))
        if kind.round_role != QUOTAS:
            continue
        for item in table["allocation"]:
            if item["region"] == province:
                category = known.get(item["programme"])
                found.append({"full": category.full if category else item["named"], "quota": item["quota"]})
    return found


def unfilled(text: str) -> int:
    """How many values of a skeleton's YAML text still read 【待补】 (comments not counted)."""
    from ruamel.yaml import YAML  # only `wenshu new` counts them

    data = YAML(typ="safe", pure=True).load(text)
    return sum(PLACEHOLDER in value for _, value in iter_strings(data))


def mark_placeholders(markdown: str) -> str:
    """Wrap every 【待补】 of a draft's Markdown in ``<mark>…</mark>``."""
    return markdown.replace(PLACEHOLDER, MARKED_PLACEHOLDER)
