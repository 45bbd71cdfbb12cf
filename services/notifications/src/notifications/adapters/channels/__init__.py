"""Delivery channels: email over SMTP (`smtp`) and webhooks (`webhook`); others plug in here.

Each is a `handlers.ports.Channel` and keeps the contract of `domain.channels`: what it is given,
what it may raise, and its point of no return.
"""
