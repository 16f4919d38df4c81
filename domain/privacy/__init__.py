"""Data rights: consent to health data, export, account deletion and retention."""
