"""The public catalogue: home, categories, procedure pages and search."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from beffroi.catalogue.models import Category
from beffroi.catalogue.selectors import (
    categories_with_procedures,
    organisation_mode,
    procedure_published,
    procedures_search,
)
from beffroi.core.pagecache import cache_public_page
from beffroi.core.revisions import CATALOGUE, content_revisions
from beffroi.organisations.selectors import organisations_of
from beffroi.portal.forms import SearchForm


@require_safe
@cache_public_page()
def home(request: HttpRequest) -> HttpResponse:
    # The catalogue itself is rendered by a cached fragment in the template;
    # the lazy callable runs only when the cache misses.
    return render(
        request,
        "portal/home.html",
        {"nav": "home", "categories": categories_with_procedures, "search_form": SearchForm()},
    )


@require_safe
@cache_public_page()
def category(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    categories = [c for c in categories_with_procedures() if c.pk == category.pk]
    if not categories:
        raise Http404
    return render(request, "portal/category.html", {"nav": "home", "category": categories[0]})


@require_safe
@cache_public_page()
def procedure(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = procedure_published(slug=slug, revision=content_revisions(request)[CATALOGUE])
    if procedure is None:
        raise Http404
    mode = organisation_mode(procedure)
    represented = (
        list(organisations_of(request.user, representative=True))
        if mode and request.user.is_authenticated
        else []
    )
    return render(
        request,
        "portal/procedure.html",
        {
            "nav": "home",
            "procedure": procedure,
            "organisation_mode": mode,
            "organisations": represented,
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = procedures_search(query=form.cleaned_data["q"])
    return render(
        request,
        "portal/search.html",
        {"nav": "home", "search_form": form, "results": results},
    )
