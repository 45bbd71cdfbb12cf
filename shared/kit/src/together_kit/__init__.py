"""Service kit: the plumbing every together service shares, and none of their business rules.

- `runtime`: what a service's composition root builds (store, broker, relay, consumers, its app);
  `serve` runs it; `cli` holds the operator commands (`together`).
- `messaging/`: events between services: topology, outbox and relay, consumer guard and inbox,
  subscription tables, dead letters, the event catalogue.
- `http/`: middleware, load shedding, health routes, rate limits, idempotency and admin keys.
- `web/`: server-rendered bilingual pages: rendering, templates, forms, navigation, error pages.
- `dev/`: local stand-ins for production infrastructure (embedded store, mail sink).
- `testing/`: the pytest plugin and helpers the services' tests share.
- At the top, what all of them use: settings, logs, metrics, keys and signing, the store (mongo,
  stored, retention, schedule), answers about personal data (access, erasure, mail_quota), dates
  and the postcode districts.
"""
