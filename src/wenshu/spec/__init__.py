"""The spec: reading YAML, kinds, records, validation, skeletons."""

#: A value the spec's writer has still to fill in: skeletons (``wenshu new``) and imports leave
#: it, validation reports it, drafts mark it. Here, where importing it loads nothing else.
PLACEHOLDER = "【待补】"
