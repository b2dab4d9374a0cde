"""Domain rules named in schemas (checks:, advice:, batch checks)."""
