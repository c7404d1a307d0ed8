"""skill package."""
