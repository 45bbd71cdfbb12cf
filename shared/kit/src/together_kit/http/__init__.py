"""What every service's HTTP side shares: middleware, load shedding, health routes, rate limits,
idempotency keys, admin keys, `app.state` dependencies and cleaned request text."""
