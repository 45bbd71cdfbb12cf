"""Events between services: the topology, the outbox and its relay, the consumer guard and inbox,
subscription tables, dead letters and the event catalogue."""
