from django.urls import path

from . import views, views_events

app_name = "processes"

urlpatterns = [
    path("m/<int:pk>/processes/", views.process_list, name="list"),
    path("m/<int:pk>/processes/new/", views.process_create, name="create"),
    path("c/<int:pk>/processes/", views.cluster_process_list, name="cluster_list"),
    path("c/<int:pk>/processes/new/", views.cluster_process_create, name="cluster_create"),
    path("processes/<int:pk>/", views.process_detail, name="detail"),
    path("processes/<int:pk>/edit/", views.process_edit, name="edit"),
    path("processes/<int:pk>/profile/", views.profile, name="profile"),
    path("processes/<int:pk>/profile.pdf", views.profile, {"fmt": "pdf"}, name="profile_pdf"),
    path("processes/<int:pk>/phases/new/", views.phase_form, name="phase_create"),
    path("processes/<int:pk>/phases/<int:phase_pk>/", views.phase_form, name="phase_edit"),
    path("processes/<int:pk>/phases/<int:phase_pk>/delete/", views.phase_delete,
         name="phase_delete"),
    path("processes/<int:pk>/groups/new/", views.group_form, name="group_create"),
    path("processes/<int:pk>/groups/<int:group_pk>/", views.group_form, name="group_edit"),
    path("processes/<int:pk>/groups/<int:group_pk>/members/", views.member_add,
         name="member_add"),
    path("processes/<int:pk>/groups/<int:group_pk>/members/<int:member_pk>/remove/",
         views.member_remove, name="member_remove"),
    path("processes/<int:pk>/events/new/", views_events.event_form, name="event_create"),
    path("events/<int:pk>/", views_events.event_detail, name="event"),
    path("events/<int:event_pk>/edit/", views_events.event_form, name="event_edit"),
    path("events/<int:pk>/agenda/", views_events.agenda_add, name="agenda_add"),
    path("events/<int:pk>/invite/", views_events.invite, name="invite"),
    path("events/<int:pk>/attendance/", views_events.attendance, name="attendance"),
    path("events/<int:pk>/attendance-list/", views_events.attendance_list,
         name="attendance_list"),
    path("events/<int:pk>/minutes/", views_events.minutes, name="minutes"),
    path("events/<int:pk>/decisions/", views_events.decision_add, name="decision_add"),
    path("events/<int:pk>/event.ics", views_events.ical, name="ical"),
    path("events/<int:pk>/files/", views_events.file_add, name="file_add"),
    path("events/<int:pk>/files/<int:file_pk>/", views_events.file_download,
         name="file_download"),
    path("events/<int:pk>/files/<int:file_pk>/delete/", views_events.file_delete,
         name="file_delete"),
    path("calendar/<str:token>.ics", views_events.feed, name="feed"),
]
