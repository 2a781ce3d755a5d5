from django.urls import path

from .views import editor, manage, part, respondent

app_name = "surveys"

#: respondents: no login; also resolved on their own (respondent_urls.py, core/lean.py)
respondent_urlpatterns = [
    path("s/", respondent.entry, name="entry"),
    path("s/answer/", respondent.answer, name="answer"),
    path("s/done/", respondent.done, name="done"),
    path("s/<str:code>/", respondent.respond, name="respond"),
]

urlpatterns = respondent_urlpatterns + [
    # waves
    path("p/<slug:slug>/waves/", manage.programme_waves, name="programme_waves"),
    path("p/<slug:slug>/waves/new/", manage.wave_create_programme,
         name="wave_create_programme"),
    path("m/<int:pk>/waves/", manage.municipality_waves, name="municipality_waves"),
    path("m/<int:pk>/waves/new/", manage.wave_create_municipality,
         name="wave_create_municipality"),
    path("waves/<int:pk>/", manage.wave_detail, name="wave"),
    path("waves/<int:pk>/edit/", manage.wave_edit, name="wave_edit"),
    path("waves/<int:pk>/do/<str:action>/", manage.wave_action, name="wave_action"),
    path("waves/<int:pk>/codes/", manage.codes_create, name="codes_create"),
    path("waves/<int:pk>/codes.<str:fmt>", manage.codes_download, name="codes_download"),
    path("waves/<int:pk>/group-code/", manage.group_code, name="group_code"),
    path("waves/<int:pk>/invitations/", manage.invitations_create, name="invitations_create"),
    path("waves/<int:pk>/paper/", manage.paper_entry, name="paper_entry"),
    path("waves/<int:pk>/import/", manage.answers_import, name="answers_import"),
    path("waves/<int:pk>/answers.<str:fmt>", manage.answers_export, name="answers_export"),
    # a municipality's part of a programme- or cluster-wide wave
    path("waves/<int:pk>/m/<int:municipality_pk>/", part.wave_part, name="wave_part"),
    path("waves/<int:pk>/m/<int:municipality_pk>/codes/", part.part_codes_create,
         name="part_codes_create"),
    path("waves/<int:pk>/m/<int:municipality_pk>/group-code/", part.part_group_code,
         name="part_group_code"),
    path("waves/<int:pk>/m/<int:municipality_pk>/codes.<str:fmt>", part.part_codes_download,
         name="part_codes_download"),
    # instruments
    path("p/<slug:slug>/instruments/", editor.instrument_list, name="instruments"),
    path("p/<slug:slug>/instruments/default/", editor.instrument_create_default,
         name="instrument_create_default"),
    path("p/<slug:slug>/instruments/import/", editor.instrument_import,
         name="instrument_import"),
    path("p/<slug:slug>/instruments/import/confirm/", editor.instrument_import_confirm,
         name="instrument_import_confirm"),
    path("instruments/<int:pk>/", editor.instrument_detail, name="instrument"),
    path("instruments/<int:pk>/edit/", editor.instrument_edit, name="instrument_edit"),
    path("instruments/<int:pk>/copy/", editor.instrument_copy, name="instrument_copy"),
    path("instruments/<int:pk>/preview/", editor.instrument_preview, name="instrument_preview"),
    path("instruments/<int:pk>/sections/new/", editor.section_form, name="section_create"),
    path("instruments/<int:pk>/sections/<int:section_pk>/", editor.section_form,
         name="section_edit"),
    path("instruments/<int:pk>/sections/<int:section_pk>/items/new/", editor.item_form,
         name="item_create"),
    path("instruments/<int:pk>/sections/<int:section_pk>/items/<int:item_pk>/",
         editor.item_form, name="item_edit"),
    path("instruments/<int:pk>/<str:kind>/<int:element_pk>/<str:action>/",
         editor.element_action, name="element_action"),
]
