"""LibreOffice and poppler: PDF, page measurement, ink."""
