"""Daily check-ins: when members are reminded to check in."""
