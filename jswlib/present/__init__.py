"""What a reader sees: styles, charts, the quarterly report and the HTML pages."""
