"""Safety adapters: data files and their loaders."""
