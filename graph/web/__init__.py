"""The page templates: the query page, the interactive graph page."""
