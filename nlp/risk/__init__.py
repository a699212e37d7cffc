"""Risk detection: reviewed phrase lists plus a small learned model."""
