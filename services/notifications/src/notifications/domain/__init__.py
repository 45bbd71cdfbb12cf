"""Contacts, messages and suppressions, and the rules about them. Imports nothing that does I/O."""
