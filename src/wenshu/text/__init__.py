"""Chinese text facts: dates, 发文字号, ordinals, title breaking."""
