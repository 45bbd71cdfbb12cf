"""The published structure of UK postcodes, shared by every service that reads them.

Outward codes are A9, A99, AA9, AA99, A9A or AA9A and inward codes 9AA, with the letters each
position may hold. These patterns check structure only, not that a postcode is in use.
"""

OUTWARD_PATTERN = (
    "[A-PR-UWYZ][0-9]{1,2}"
    "|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
    "|[A-PR-UWYZ][0-9][ABCDEFGHJKPSTUW]"
    "|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]"
)
INWARD_PATTERN = "[0-9][ABD-HJLNP-UW-Z]{2}"
