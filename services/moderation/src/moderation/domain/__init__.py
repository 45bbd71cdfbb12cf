"""Stories, listings under review and decisions. Imports nothing that does I/O."""
