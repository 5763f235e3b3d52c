// Placeholder; filled in by the c_data work.
