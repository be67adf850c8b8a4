"""Receivers of conventions.signals and dotations.signals, connected in DotationsConfig.ready()."""
