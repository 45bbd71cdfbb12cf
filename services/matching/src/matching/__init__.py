"""matching: community event listings, volunteer matching by distance, interests and availability."""
