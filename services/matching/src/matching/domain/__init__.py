"""Events, volunteer profiles (no personal data) and matches. Imports nothing that does I/O."""
