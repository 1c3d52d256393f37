"""Signals of the units app.

`lineage_imported` is sent by `units.lineage.lineage_import` inside its transaction, once the new
reorganisation links are written: `sender=None`, `links` (the new `LineageLink` rows, with their
event, predecessor and successor loaded) and `actor`. A receiver runs in the same transaction: a
refusal it raises (a DomainError) cancels the whole import. Inspections hands the open
shortcomings of closed units to their successors this way.
"""

from django.dispatch import Signal

lineage_imported = Signal()
