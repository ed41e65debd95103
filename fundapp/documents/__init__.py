"""Documents: the files people upload, kept by their content (fundapp/documents/storage.py)."""
