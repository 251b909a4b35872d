from reports import dashboard, excel, summary

urlpatterns = [
    *dashboard.urlpatterns,
    *excel.urlpatterns,
    *summary.urlpatterns,
]
