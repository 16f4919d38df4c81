"""Safety adapters: the crisis directory and trusted-information data, and their loaders."""
