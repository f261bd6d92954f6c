from __future__ import annotations

from django_tasks import task

from beffroi.cooperative.exports_delivery import export_deliver


@task()
def export_municipality(municipality_id: int, requested_by_id: int) -> None:
    export_deliver(municipality_id=municipality_id, requested_by_id=requested_by_id)
