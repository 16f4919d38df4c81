"""Devices, notification preferences and the in-app inbox."""
