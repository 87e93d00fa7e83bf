"""CSV for spreadsheets (semicolons, BOM) and for open data (commas, no BOM), both with formulas defused."""
import csv
import io
from datetime import date
from decimal import Decimal

from prizeapp.core.spreadsheet import to_csv, to_open_data_csv


def test_open_data_csv_is_rfc_4180_with_commas_points_and_no_bom():
    text = to_open_data_csv(["name", "amount", "day", "count", "empty"],
                            [["Cantine, « bio »", Decimal("1500.50"), date(2025, 6, 27), 3, None]])
    assert not text.startswith("\ufeff")
    assert text == 'name,amount,day,count,empty\r\n"Cantine, « bio »",1500.50,2025-06-27,3,\r\n'
    assert list(csv.reader(io.StringIO(text, newline="")))[1][0] == "Cantine, « bio »"


def test_open_data_csv_defuses_formulas_like_the_spreadsheets():
    cells = ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tx", "ordinaire"]
    open_row = next(csv.reader(io.StringIO(to_open_data_csv(["c"] * 6, [cells]).splitlines()[1])))
    spreadsheet_row = to_csv(["c"] * 6, [cells]).splitlines()[1].split(";")
    assert open_row == ["'=1+1", "'+33 1 23", "'-2", "'@SUM(A1)", "'\tx", "ordinaire"]
    assert [cell.strip('"') for cell in spreadsheet_row][:4] == open_row[:4]
