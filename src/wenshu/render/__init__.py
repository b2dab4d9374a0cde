"""Rendering: a validated document through its kind's Jinja2 template to Markdown, and that Markdown
through markdown-it-py to a python-docx body inside the docxtpl frame (one document, or many at once)."""
