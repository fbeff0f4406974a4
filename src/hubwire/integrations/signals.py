"""What the framework tells features about connections. A feature subscribes in its own module, so
the framework never imports the features built on it (the registry used to call into meetings)."""

from django.dispatch import Signal

# A connection has just become active (connected or reconnected, after its account was read): work
# that waited for it can go on. Sent by Provider.connected with sender=the Provider's class and the
# keyword arguments provider= (the registered Provider) and connection= (the Connection).
connection_activated = Signal()
