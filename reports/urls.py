from reports import dashboard, excel, summary

app_name = "reports"

urlpatterns = [
    *dashboard.urlpatterns,
    *excel.urlpatterns,
    *summary.urlpatterns,
]
