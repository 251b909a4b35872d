from reports import attachment_check, dashboard, document_check, excel, summary

app_name = "reports"

urlpatterns = [
    *dashboard.urlpatterns,
    *excel.urlpatterns,
    *summary.urlpatterns,
    *document_check.urlpatterns,
    *attachment_check.urlpatterns,
]
