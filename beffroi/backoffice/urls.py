from __future__ import annotations

from django.urls import include, path

from beffroi.backoffice import (
    views,
    views_cases,
    views_college,
    views_finance,
    views_inbox,
    views_opinions,
    views_payment_requests,
    views_payments,
    views_people,
    views_receipt,
    views_settings,
    views_templates,
    views_zone,
)

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.login_view, name="login"),
    path("dossiers/", views_inbox.inbox, name="inbox"),
    path("dossiers/service/<slug:scope>/", views_inbox.inbox, name="service_inbox"),
    path("dossiers/actions/", views_inbox.bulk_action, name="bulk_action"),
    path("dossiers/<str:reference>/", views_cases.case_detail, name="case_detail"),
    path(
        "dossiers/<str:reference>/statut/", views_cases.case_transition_view, name="case_transition"
    ),
    path("dossiers/<str:reference>/attribution/", views_cases.case_assign_view, name="case_assign"),
    path(
        "dossiers/<str:reference>/echeance/", views_cases.case_deadline_view, name="case_deadline"
    ),
    path("dossiers/<str:reference>/note/", views_cases.case_note_view, name="case_note"),
    path(
        "dossiers/<str:reference>/demander-un-paiement/",
        views_payment_requests.case_payment_request_view,
        name="case_payment_request",
    ),
    path(
        "dossiers/<str:reference>/remboursement/",
        views_payments.case_refund_view,
        name="case_refund",
    ),
    path("dossiers/<str:reference>/message/", views_cases.case_message_view, name="case_message"),
    path(
        "dossiers/<str:reference>/fichiers/<int:attachment_id>/",
        views_cases.case_file,
        name="case_file",
    ),
    path(
        "dossiers/<str:reference>/documents/<str:code>/",
        views_cases.case_document,
        name="case_document",
    ),
    path(
        "dossiers/<str:reference>/avis/",
        views_opinions.opinion_request_view,
        name="opinion_request",
    ),
    path("avis/", views_opinions.opinion_inbox, name="opinion_inbox"),
    path("avis/<int:pk>/", views_opinions.opinion_detail, name="opinion_detail"),
    path(
        "avis/<int:pk>/fichiers/<int:attachment_id>/",
        views_opinions.opinion_file,
        name="opinion_file",
    ),
    path("zone/avis/", views_zone.zone_opinions, name="zone_opinions"),
    path(
        "zone/avis/<int:commune_id>/<int:pk>/",
        views_zone.zone_opinion_detail,
        name="zone_opinion_detail",
    ),
    path(
        "zone/avis/<int:commune_id>/<int:pk>/fichiers/<int:attachment_id>/",
        views_zone.zone_opinion_file,
        name="zone_opinion_file",
    ),
    path("personnes/<int:pk>/", views_people.citizen_360, name="citizen_360"),
    path("organisations/<int:pk>/", views_people.organisation_360, name="organisation_360"),
    path("college/", views_college.meetings, name="college_meetings"),
    path("college/<int:pk>/", views_college.meeting, name="college_meeting"),
    path("college/<int:pk>/ordre-du-jour/", views_college.meeting_agenda, name="college_agenda"),
    path(
        "college/<int:pk>/points/<int:item_id>/decision/",
        views_college.item_decide,
        name="college_decide",
    ),
    path("college/<int:pk>/cloturer/", views_college.meeting_close, name="college_close"),
    path("courrier/", include("beffroi.backoffice.urls_mail")),
    path("finances/", views_finance.finance_home, name="finance_home"),
    path("finances/export.<str:fmt>", views_finance.finance_export, name="finance_export"),
    path("finances/coda/", views_finance.coda_upload, name="coda_upload"),
    path("finances/credits/", views_finance.finance_credits, name="finance_credits"),
    path("recus/texte/", views_receipt.receipt_text_edit, name="receipt_text"),
    path(
        "commune/parametres/",
        views_settings.municipality_settings_edit,
        name="municipality_settings",
    ),
    path("commune/modeles/", views_templates.template_list, name="template_list"),
    path(
        "commune/modeles/<slug:slug>/adopter/",
        views_templates.template_adopt_view,
        name="template_adopt",
    ),
    path(
        "commune/modeles/<slug:slug>/adapter/",
        views_templates.template_adapt_view,
        name="template_adapt",
    ),
    path(
        "commune/modeles/<slug:slug>/nouvelle-version/",
        views_templates.template_update_view,
        name="template_update",
    ),
    path(
        "commune/modeles/<slug:slug>/mettre-a-jour/",
        views_templates.template_update_apply,
        name="template_update_apply",
    ),
    path(
        "finances/credits/<int:pk>/rapprocher/",
        views_finance.credit_match,
        name="finance_credit_match",
    ),
    path(
        "finances/credits/<int:pk>/ecarter/",
        views_finance.credit_dismiss,
        name="finance_credit_dismiss",
    ),
]
