"""What the mail register tells the rest of the app, without knowing who listens.

The services announce that an item needs OCR; ``tasks.py`` (imported once the
apps are loaded) listens and queues the job. The services thus never import
the tasks, which import the services to run them.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that made the item pending, with ``item_id``.
ocr_requested = Signal()
