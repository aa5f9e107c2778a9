"""Service providers: legal aid, rehabilitation, interpreters; their capacity and reservations."""
