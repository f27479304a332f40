"""Code both services use: settings, database, KLUE-RE data."""
