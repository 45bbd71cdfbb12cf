"""People, organisations and pledges, and the rules about them. Imports nothing that does I/O."""
