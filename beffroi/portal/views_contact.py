"""Writing to the city: the message lands in the mail register like a letter."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from beffroi.core.throttle import throttle_count, throttle_reached
from beffroi.mail.intake import web_form_register
from beffroi.portal.forms_contact import ContactForm

# Messages per client address and hour: enough for a family behind one box,
# too few for a spammer.
RATE = "5/h"
_SESSION_KEY = "contact_number"


@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"name": user.full_name, "email": user.email} if user.is_authenticated else {}
    if request.method != "POST":
        return render(
            request,
            "portal/contact/form.html",
            {"form": ContactForm(initial=initial), "nav": "contact"},
        )
    form = ContactForm(request.POST, request.FILES)
    if throttle_reached(request, group="contact-form", rate=RATE):
        form.is_valid()
        return render(
            request,
            "portal/contact/form.html",
            {
                "form": form,
                "nav": "contact",
                "throttled": True,
                "files_posted": bool(request.FILES),
            },
            status=429,
        )
    if not form.is_valid():
        return render(
            request,
            "portal/contact/form.html",
            {"form": form, "nav": "contact", "files_posted": bool(request.FILES)},
        )
    throttle_count(request, group="contact-form", rate=RATE)
    data = form.cleaned_data
    item = web_form_register(
        actor=user,
        name=data["name"],
        email=data["email"],
        subject=data["subject"],
        message=data["message"],
        files=data["attachments"],
    )
    request.session[_SESSION_KEY] = item.number
    return redirect("portal:contact_thanks")


@require_safe
def contact_thanks(request: HttpRequest) -> HttpResponse:
    number = request.session.get(_SESSION_KEY)
    if not number:
        return redirect("portal:contact")
    return render(request, "portal/contact/thanks.html", {"number": number, "nav": "contact"})
