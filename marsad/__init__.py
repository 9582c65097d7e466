"""Marsad."""
