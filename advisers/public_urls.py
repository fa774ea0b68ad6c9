from django.urls import path

from advisers import public_views

app_name = "public_observatory"

urlpatterns = [
    path("", public_views.page, name="page"),
    path("observatoire.csv", public_views.csv_file, name="csv"),
    # The schema's version is in its address: a later one gets its own.
    path("schema-v1.json", public_views.schema, name="schema"),
    path("datapackage.json", public_views.datapackage, name="datapackage"),
]
