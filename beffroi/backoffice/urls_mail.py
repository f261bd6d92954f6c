"""The mail register's screens, under /backoffice/courrier/ (route names start with mail_)."""

from __future__ import annotations

from django.urls import URLPattern, path

from beffroi.backoffice import views_mail, views_mail_actions

urlpatterns: list[URLPattern] = [
    path("", views_mail.mail_home, name="mail_home"),
    path("enregistrer/", views_mail.mail_register_new, name="mail_register_new"),
    path("lot/", views_mail.mail_batch, name="mail_batch"),
    path("registre/<slug:direction>/", views_mail.mail_register_list, name="mail_register_list"),
    path("<int:pk>/", views_mail.mail_item, name="mail_item"),
    path("<int:pk>/fichiers/<int:file_id>/", views_mail.mail_file, name="mail_file"),
    path("<int:pk>/imprimer/", views_mail.mail_print, name="mail_print"),
    path("<int:pk>/corriger/", views_mail_actions.mail_edit, name="mail_edit"),
    path("<int:pk>/ventiler/", views_mail_actions.mail_route, name="mail_route"),
    path(
        "<int:pk>/ventiler/suggestion/",
        views_mail_actions.mail_route_accept,
        name="mail_route_accept",
    ),
    path("<int:pk>/renvoyer/", views_mail_actions.mail_send_back, name="mail_send_back"),
    path("<int:pk>/attribuer/", views_mail_actions.mail_assign, name="mail_assign"),
    path("<int:pk>/statut/", views_mail_actions.mail_status, name="mail_status"),
    path("<int:pk>/notes/", views_mail_actions.mail_note, name="mail_note"),
    path("<int:pk>/repondre/", views_mail_actions.mail_reply, name="mail_reply"),
    path("<int:pk>/reponse/", views_mail_actions.mail_reply_edit, name="mail_reply_edit"),
    path("<int:pk>/reponse/envoyer/", views_mail_actions.mail_reply_send, name="mail_reply_send"),
    path("<int:pk>/lier-demande/", views_mail_actions.mail_link_case, name="mail_link_case"),
    path("<int:pk>/lier-citoyen/", views_mail_actions.mail_link_citizen, name="mail_link_citizen"),
    path(
        "<int:pk>/lier-organisation/",
        views_mail_actions.mail_link_organisation,
        name="mail_link_organisation",
    ),
    path("<int:pk>/ocr/", views_mail_actions.mail_ocr_retry, name="mail_ocr_retry"),
]
