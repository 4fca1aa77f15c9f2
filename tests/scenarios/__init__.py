"""A small council run end to end through the ``dpaudit`` command, with figures worked by hand."""
