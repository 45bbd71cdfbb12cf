"""Test harness every service's tests share: a real broker, a real wire-protocol store, services as processes."""
