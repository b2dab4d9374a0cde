"""The pipeline from a spec to files: single, batch, tree, pagination."""
