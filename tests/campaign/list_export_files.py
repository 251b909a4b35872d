"""The list downloads' tests' shared reader: a list's .xlsx fetched as a user, and its table
read back as the header row's names and the rows below it."""

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from campaign.spreadsheets import XLSX

# Three lines above the table: what the list is, its filters, when it was exported.
HEADER_ROW = 4


def download(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def sheet_of(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(BytesIO(response.content)).active


def rows_of(sheet) -> list[dict]:
    """The table's rows, each as {header: value}."""
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    return [
        dict(zip(headers, values, strict=True))
        for values in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    ]


def exported(client, user, name, **params) -> list[dict]:
    return rows_of(sheet_of(download(client, user, name, **params)))
