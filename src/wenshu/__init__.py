"""wenshu（文书）: YAML specs to GB/T 9704 Word and Markdown documents."""

__version__ = "0.1.0"
