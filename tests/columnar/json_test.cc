// Placeholder; filled in by the json work.
