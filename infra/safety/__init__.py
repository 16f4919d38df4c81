"""Safety adapters: the crisis directory data."""
