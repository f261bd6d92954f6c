"""The admin's « Voir sur le site » (``admin:view_on_site``), scoped.

Django's own (``contenttypes.views.shortcut``) reads the object through the
model's base manager, which no municipality scopes: a staff member of one
municipality, typing another's ids, was redirected to that object's page,
learning that it exists and where (core/tests/test_isolation.py). This one
reads it through the default manager, scoped to the request's municipality.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponseRedirect


def view_on_site(
    request: HttpRequest, content_type_id: str, object_id: str
) -> HttpResponseRedirect:
    try:
        content_type = ContentType.objects.get(pk=content_type_id)
        model = content_type.model_class()
        manager = None if model is None else model._meta.default_manager
        found = None if manager is None else manager.filter(pk=object_id).first()
    except (ContentType.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    url = getattr(found, "get_absolute_url", None)
    if url is None:
        raise Http404
    return HttpResponseRedirect(url())
