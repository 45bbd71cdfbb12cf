"""signups: join forms and API for volunteers, community groups and organisations."""
