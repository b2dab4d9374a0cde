"""wenshu test suite."""
