"""Read an admin change form the way a browser submits it, so tests post what an educator
would after changing a few fields."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.textarea: str | None = None
        self.multiple_selected = False
        self.options: list[str] = []
        self.chosen = False

    def _add(self, name: str, value: str) -> None:
        if "__prefix__" not in name:
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = found.get("id") == self.form_id
            return
        if not self.inside or "name" not in found:
            if tag == "option" and self.select:
                self.options.append(found.get("value", ""))
                if "selected" in found:
                    self._add(self.select, found.get("value", ""))
                    self.chosen = True
            return
        name = found["name"]
        if tag == "input":
            kind = found.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in found:
                    self._add(name, found.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self._add(name, found.get("value", ""))
        elif tag == "select":
            self.select, self.options, self.chosen = name, [], False
            self.multiple_selected = "multiple" in found
        elif tag == "textarea":
            self.textarea = name
            self._add(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            if not self.chosen and self.options and not self.multiple_selected:
                self._add(self.select, self.options[0])
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea and self.textarea in self.data:
            values = self.data[self.textarea]
            values[-1] += data.removeprefix("\n") if not values[-1] else data


def form_data(html: str, form_id: str = "case_form") -> dict[str, list[str] | str]:
    """Every field the form would submit, as the test client's post takes them."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}
