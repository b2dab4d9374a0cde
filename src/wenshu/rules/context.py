"""What a domain rule is given: the spec, its document, and the validator as a function.

A rule that must validate another spec (a summary's work plan, an attached annex) calls
:attr:`Context.validate` rather than importing the validator, which imports the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from wenshu.spec.kinds import Kind
from wenshu.spec.load import Spec


@dataclass(frozen=True)
class Context:
    """One spec being validated, as its rules see it."""

    spec: Spec
    document: dict[str, Any]
    validate: Callable[[Spec], tuple[Kind, dict[str, Any]]]  # another spec, fully
    kind_of: Callable[[Spec], Kind]  # another spec's kind, without validating it
