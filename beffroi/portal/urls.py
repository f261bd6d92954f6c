from __future__ import annotations

from django.urls import include, path

from beffroi.portal import (
    views_account,
    views_amounts_due,
    views_cases,
    views_catalogue,
    views_filing,
    views_organisations,
    views_payments,
    views_site,
    views_tracking,
)

app_name = "portal"

urlpatterns = [
    path("", views_catalogue.home, name="home"),
    path("recherche/", views_catalogue.search, name="search"),
    path("categories/<slug:slug>/", views_catalogue.category, name="category"),
    path("demarches/<slug:slug>/", views_catalogue.procedure, name="procedure"),
    # Filing a request
    path("demarches/<slug:slug>/commencer/", views_filing.start, name="start"),
    path("brouillons/<uuid:draft_id>/", views_filing.resume, name="draft_resume"),
    path("brouillons/<uuid:draft_id>/etape/<str:page_id>/", views_filing.page, name="draft_page"),
    path("brouillons/<uuid:draft_id>/verifier/", views_filing.check, name="draft_check"),
    path("brouillons/<uuid:draft_id>/supprimer/", views_filing.delete, name="draft_delete"),
    path(
        "brouillons/<uuid:draft_id>/fichiers/<int:attachment_id>/",
        views_filing.draft_file,
        name="draft_file",
    ),
    path("demande-envoyee/<str:code>/", views_filing.confirmation, name="confirmation"),
    path("demande-envoyee/<str:code>/payer/", views_payments.case_pay, name="case_pay"),
    # Following it
    path("suivi/", views_tracking.tracking, name="tracking"),
    path("suivi/<str:code>/", views_tracking.tracking_detail, name="tracking_detail"),
    path("suivi/<str:code>/details/", views_tracking.tracking_details, name="tracking_details"),
    path(
        "demandes/<str:reference>/fichiers/<int:attachment_id>/",
        views_cases.case_file,
        name="case_file",
    ),
    path(
        "demandes/<str:reference>/documents/<str:code>/",
        views_cases.issued_document,
        name="issued_document",
    ),
    # Mon tableau de bord
    path("mon-compte/", views_account.dashboard, name="dashboard"),
    path("mon-compte/profil/", views_account.profile, name="profile"),
    path("mon-compte/profil/modifier/", views_account.profile_edit, name="profile_edit"),
    path("mon-compte/demarches/", views_cases.my_cases, name="my_cases"),
    path("mon-compte/demarches/<str:reference>/", views_cases.case_detail, name="case_detail"),
    path(
        "mon-compte/organisations/", views_organisations.my_organisations, name="my_organisations"
    ),
    path(
        "mon-compte/organisations/<int:pk>/",
        views_organisations.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "mon-compte/organisations/<int:pk>/membres/<int:member_id>/retirer/",
        views_organisations.organisation_member_remove_view,
        name="organisation_member_remove",
    ),
    path("mon-compte/paiements/", views_payments.my_payments, name="my_payments"),
    path(
        "mon-compte/paiements/<uuid:key>/recu/",
        views_payments.payment_receipt,
        name="payment_receipt",
    ),
    path("paiement/<uuid:key>/retour/", views_payments.payment_return, name="payment_return"),
    path("paiement/<uuid:key>/payer/", views_payments.payment_pay_again, name="payment_pay_again"),
    path("paiement/demande/<str:token>/", views_amounts_due.amount_due_page, name="amount_due"),
    path(
        "paiement/demande/<str:token>/recu/",
        views_amounts_due.amount_due_receipt,
        name="amount_due_receipt",
    ),
    path("mon-compte/documents/", views_account.my_documents, name="my_documents"),
    # The site
    path("", include("beffroi.portal.urls_agenda")),
    path("verifier/", include("beffroi.portal.urls_verification")),
    path("contact/", include("beffroi.portal.urls_contact")),
    path("pages/<slug:slug>/", views_site.page, name="page"),
    path("theme.css", views_site.theme_css, name="theme_css"),
    path("logo", views_site.logo, name="logo"),
    path("_health", views_site.health, name="health"),
    path("demo/courriels/", views_site.demo_mailbox, name="demo_mailbox"),
    path("demo/courriels/<int:pk>/", views_site.demo_email, name="demo_email"),
]
