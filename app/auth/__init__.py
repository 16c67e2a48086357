"""Accounts: sign-up, sign-in, sessions, CSRF and the login guard."""
