"""Hostile query-string values: the classic causes of a 500, shared by the API and site tests.

Each is tried on every query parameter of every list (parametrised from the FilterSets, so a
new filter is covered without touching the tests). Values that are bytes rather than text
(a lone surrogate, invalid UTF-8) are given percent-encoded, as a client would send them.
"""

#: (id, value) pairs, sent URL-encoded.
VALUES = [
    ("nul-byte", "ab\x00cd"),
    ("only-nul", "\x00"),
    ("2^63", str(2**63)),
    ("-2^63-1", str(-(2**63) - 1)),
    ("negative", "-1"),
    ("zero", "0"),
    ("40-digits", "9" * 40),
    ("float", "1.5"),
    ("exponent", "1e308"),
    ("arabic-indic-digit", "\u0661"),
    ("superscript-digit", "\u00b9"),
    ("month-13", "2016-13-45"),
    ("30-february", "2016-02-30"),
    ("seven-digits", "9999999"),
    ("year-zero", "0000-00-00"),
    ("rtl-override", "\u202eYorov"),
    ("emoji", "\U0001f642\U0001f468\u200d\U0001f469\u200d\U0001f467"),
    ("combining-marks", "Yo\u0301\u0302\u0303rov"),
    ("zero-width-joiner", "Yo\u200drov"),
    ("sql-or", "' OR 1=1 --"),
    ("sql-drop", "x'); DROP TABLE cases_person;--"),
    ("percent", "%"),
    ("underscore", "_"),
    ("like-pattern", "%_%"),
    ("backslash", "\\"),
    ("markup", "<script>alert(1)</script>"),
    ("null-word", "null"),
    ("empty", ""),
    ("spaces", "   "),
    ("10000-characters", "x" * 10_000),
    ("5000-words", "a " * 5_000),
]

#: (id, percent-encoded value) pairs, put into the query string as they are.
RAW_VALUES = [
    ("lone-surrogate", "%ED%A0%80"),
    ("invalid-utf8", "%FF%FE"),
    ("overlong-utf8", "%C0%AF"),
]

#: Values no record can match: a filter that accepts one must return nothing ("%" is not a
#: wildcard, "' OR 1=1 --" is not SQL).
MATCH_NOTHING = {"%", "_", "%_%", "\\", "' OR 1=1 --", "x'); DROP TABLE cases_person;--",
                 "<script>alert(1)</script>", "%ED%A0%80", "%FF%FE", "%C0%AF"}

#: Values that mean "no value": the list must be what it is without the parameter.
NO_VALUE = {""}

ALL = [*VALUES, *RAW_VALUES]
RAW_IDS = {value_id for value_id, _value in RAW_VALUES}
