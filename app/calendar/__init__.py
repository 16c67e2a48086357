"""The private iCalendar feed of a user's dated pending tasks."""
