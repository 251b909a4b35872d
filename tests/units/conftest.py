import datetime

JULY = datetime.date(2025, 7, 1)
