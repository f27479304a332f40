"""Database models, sessions and migrations shared by every service."""
