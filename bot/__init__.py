"""The Telegram front end: flows, handlers, catalogue, reminders, outbox, console, CLI."""
