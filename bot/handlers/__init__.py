"""Telegram handler modules; each exposes `register(application, services)`."""
