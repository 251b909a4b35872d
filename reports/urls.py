from reports import dashboard, document_check, excel, summary

app_name = "reports"

urlpatterns = [
    *dashboard.urlpatterns,
    *excel.urlpatterns,
    *summary.urlpatterns,
    *document_check.urlpatterns,
]
