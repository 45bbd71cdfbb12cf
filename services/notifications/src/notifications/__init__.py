"""notifications: email and webhooks to volunteers and authors, in English and Welsh."""
