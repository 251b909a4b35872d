# The English interface writes dates as the Vietnamese one does, day first (dd/mm/yyyy), as
# the pages that give their format explicitly do: Django's English formats put the month
# first, which made "12/06/2026" beside "17/10/2026" on one page. Figures and date input
# keep Django's English settings (the portal's date fields set the formats they read).
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
SHORT_DATETIME_FORMAT = "H:i d/m/Y"
