"""The Trash: deleted tasks, restorable for 30 days."""
