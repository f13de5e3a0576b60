"""Health engine: battery model, connectivity state machine and procedure catalog.

Plain Python: no Home Assistant import, no I/O. It consumes the client's snapshots and
answers questions about them; the Home Assistant glue turns the answers into entities.
"""
