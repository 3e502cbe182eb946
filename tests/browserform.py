"""Read an HTML form as a browser would submit it: every field of it, with its current value."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id_suffix):
        super().__init__(convert_charrefs=True)
        self.suffix = form_id_suffix
        self.depth = 0  # inside the form being read when > 0
        self.fields: list[tuple[str, str]] = []
        self.select = None  # (name, [(value, selected)])
        self.textarea = None  # (name, [text])
        self.option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if self.depth:
                self.depth += 1
            elif (attrs.get("id") or "").endswith(self.suffix):
                self.depth = 1
            return
        if not self.depth:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name and "disabled" not in attrs:
            self.select = (name, [], "multiple" in attrs)
        elif tag == "option" and self.select is not None:
            self.option = [attrs.get("value"), "selected" in attrs, ""]
            self.select[1].append(self.option)
        elif tag == "textarea" and name and "disabled" not in attrs:
            self.textarea = (name, [])

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)
        elif self.option is not None:
            self.option[2] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "select" and self.select is not None:
            name, options, multiple = self.select
            chosen = [option for option in options if option[1]]
            if not chosen and options and not multiple:
                chosen = options[:1]  # a browser submits the first option
            for value, _selected, text in chosen:
                self.fields.append((name, value if value is not None else text.strip()))
            self.select = self.option = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.fields.append((name, "".join(text).removeprefix("\n")))
            self.textarea = None


def submitted(html: str, *, form_id_suffix: str = "_form") -> dict[str, list[str]]:
    """The fields of the form whose id ends with ``form_id_suffix``, as a browser posts them
    (``{name: [values]}``, for the test client)."""
    reader = _FormReader(form_id_suffix)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return data
