from django.urls import include, path

from bench.django_peer import views

task_patterns = [
    path("tasks", views.task_list, name="list"),
    path("tasks/", views.task_list),
    path("tasks/bulk", views.not_served, name="bulk"),
    path("tasks/<uuid:task_id>", views.not_served, name="detail"),
    path("tasks/<uuid:task_id>/edit", views.not_served, name="edit"),
    path("tasks/<uuid:task_id>/toggle", views.not_served, name="toggle"),
    path("tasks/<uuid:task_id>/delete", views.not_served, name="delete"),
]

urlpatterns = [
    path("", include((task_patterns, "tasks"))),
    path("signout", views.not_served, name="signout"),
    path("health/db", views.health, name="health"),
]
