"""Taskwise: a self-hostable, server-rendered task manager."""
