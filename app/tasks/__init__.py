"""Tasks: the scoped queries, the rules, the list and the forms."""
