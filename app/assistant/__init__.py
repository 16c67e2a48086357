"""The task assistant: a chat about the user's own tasks (SPEC §7)."""
