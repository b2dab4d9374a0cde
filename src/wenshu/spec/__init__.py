"""The spec: reading YAML, kinds, records, validation, skeletons."""
