"""No one waits alone: awaiting support, availability, nudge settings, stats, the guide."""
