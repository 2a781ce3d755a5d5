"""Signals of the surveys app, for apps above it (surveys imports none of them)."""

from django.dispatch import Signal

#: sent after a wave's close is committed; kwargs: wave
wave_closed = Signal()
