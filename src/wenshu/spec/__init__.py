"""The spec: reading YAML with positions, kinds and their schemas, batch records, pictures.

What is done with a loaded spec lives beside this package: :mod:`wenshu.validate` checks it,
:mod:`wenshu.skeleton` writes a blank one, :mod:`wenshu.build` turns it into files.
"""

#: A value the spec's writer has still to fill in: skeletons (``wenshu new``) and imports leave
#: it, validation reports it, drafts mark it. Here, where importing it loads nothing else.
PLACEHOLDER = "【待补】"
