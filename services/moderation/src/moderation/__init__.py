"""moderation: story submissions, the moderator UI, audit and the live queue; event listings too."""
