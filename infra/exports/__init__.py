"""Data exports: the per-area sections of the document, the worker's builder and
the signed download links."""
