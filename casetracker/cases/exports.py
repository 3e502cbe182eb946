"""Cells for files meant to be opened in a spreadsheet."""

# A cell starting with one of these is a formula to a spreadsheet ("=HYPERLINK(...)"):
# prefix it with an apostrophe, as OWASP advises for CSV meant to be opened in Excel.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """``value`` as CSV cell text that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text
