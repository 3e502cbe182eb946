"""Plain text out of an uploaded article: text, HTML (the standard library's parser) or PDF
(pypdf). Scripts, styles and navigation are dropped; block elements become line breaks so
sentences and paragraphs stay apart."""

import io
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

SKIPPED = {"script", "style", "noscript", "template", "nav", "footer", "header", "aside",
           "form", "svg", "head"}
BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
          "section", "article", "figcaption", "pre", "hr", "dd", "dt", "title"}


class DocumentError(ValueError):
    """The upload holds no text casetracker can read; the message says why."""


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def tidy(text: str) -> str:
    lines = (" ".join(line.replace("\u00a0", " ").split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def html_to_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return tidy("".join(parser.parts))


def pdf_to_text(content: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(content))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as error:
        raise DocumentError(f"The PDF could not be read ({error}).") from error
    text = tidy("\n".join(pages))
    if not text:
        raise DocumentError("The PDF holds no text (it may be a scan): paste the text instead.")
    return text


def document_text(*, content: bytes, file_name: str) -> str:
    """The plain text of an uploaded .txt, .html/.htm or .pdf file."""
    suffix = Path(file_name).suffix.lower()
    if suffix == ".pdf":
        return pdf_to_text(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("The file is not UTF-8 text: save it as UTF-8 or paste the text.") \
            from None
    if suffix in (".html", ".htm") or text.lstrip().lower().startswith(("<!doctype", "<html")):
        return html_to_text(text)
    if suffix not in ("", ".txt", ".text", ".md"):
        raise DocumentError(f"“{file_name}” is not a text, HTML or PDF file.")
    return tidy(text)
