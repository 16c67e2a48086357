"""The account page: profile, password, deletion."""
