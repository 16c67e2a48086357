"""Exporting a user's tasks as JSON or CSV, and importing such a file back."""
