"""The command-line interface (thin layer over the service functions)."""
