"""``wenshu import`` and ``wenshu fix``: an existing Word 公文 back into a spec.

The pipeline: :mod:`.source` reads the .docx (bounded, like every reader of a user's Office
file) into paragraphs and tables; :mod:`.reader` recognises the 公文's parts and maps them
to a spec of the right kind, :mod:`.outline` nests the body by its ordinals; :mod:`.writer`
writes the spec as commented YAML; :mod:`.fix` rebuilds it; :mod:`.report` says what was
changed and what could not be placed.
"""
