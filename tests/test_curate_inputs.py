"""Reading users' inputs: quotes found in their source, texts from every format, sheets from
every reader, and every bad input refused with its place (curate.anchor/extract/sheets)."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnai_kg.curate.anchor import Ambiguous, Anchor, NotFound, SourceText, normalize
from cnai_kg.curate.encoding import decode
from cnai_kg.curate.extract import extract
from cnai_kg.curate.layouts import kind_of_header, normalize_header
from cnai_kg.curate.sheets import read_tables
from cnai_kg.errors import CnaiKgError

NOTE = Path(__file__).resolve().parent.parent / "examples" / "second-source" / "note.md"


# -- quotes in their source ---------------------------------------------------------------


def test_a_quote_is_found_across_line_breaks_and_composed_forms():
    text = SourceText("first line\n  second\tline, 한빛비전은 로봇에")
    found = text.resolve("line second line")
    assert isinstance(found, Anchor)
    assert text.text[found.start : found.end] == "line\n  second\tline"
    decomposed = unicodedata.normalize("NFD", "한빛비전은")
    assert isinstance(text.resolve(decomposed), Anchor)


def test_a_quote_found_twice_needs_its_prefix_or_suffix():
    text = SourceText("CATL builds cells. BYD builds cells. CATL builds cells too.")
    assert isinstance(text.resolve("CATL builds cells"), Ambiguous)
    chosen = text.resolve("CATL builds cells", suffix="too")
    assert isinstance(chosen, Anchor) and chosen.start == text.text.rindex("CATL")
    chosen = text.resolve("builds cells", prefix="BYD")
    assert isinstance(chosen, Anchor) and chosen.start == text.text.index("builds", 20)


def test_a_quote_not_found_shows_the_closest_passage():
    text = SourceText(NOTE.read_text(encoding="utf-8"))
    missing = text.resolve("한빛비전은 산업용 로봇에 들어가는 비젼 카메라")
    assert isinstance(missing, NotFound)
    assert "비전 카메라" in text.closest("한빛비전은 산업용 로봇에 들어가는 비젼 카메라")


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_every_passage_of_a_text_is_found_where_it_is(text):
    # a registered text is stored in NFC (sources.add_source)
    source = unicodedata.normalize("NFC", "서울 " * 10 + text + " 上海 end")
    st_ = SourceText(source)
    quote = normalize(text)
    if not quote:
        return
    found = st_.resolve(quote)
    if isinstance(found, Anchor):
        assert normalize(source[found.start : found.end]) == quote
    else:
        assert isinstance(found, Ambiguous)


# -- texts from every format ----------------------------------------------------------------


def test_cp949_and_euc_kr_are_detected_and_never_mojibake():
    korean = "한빛비전은 산업용 로봇에 들어가는 비전 카메라를 만듭니다."
    for encoding in ("cp949", "euc-kr"):
        text, used = decode(korean.encode(encoding), "note.txt")
        assert text == korean and used in {"cp949", "euc-kr"}
    assert decode(korean.encode("cp949"), "x.csv", "cp949")[0] == korean


def test_a_wrong_encoding_given_is_one_line():
    with pytest.raises(CnaiKgError) as e:
        decode("한빛".encode(), "note.txt", "ascii")
    assert "note.txt" in str(e.value) and "\n" not in str(e.value)
    with pytest.raises(CnaiKgError, match="unknown encoding"):
        decode(b"abc", "note.txt", "klingon-8")


def test_html_text_is_extracted_without_markup(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Robot parts</title><script>var x = 1;</script></head>"
        "<body><h1>Robot parts</h1><p>Hanbit <b>Vision</b> makes cameras.</p></body></html>",
        encoding="utf-8",
    )
    got = extract(page)
    assert "Hanbit Vision makes cameras." in got.text
    assert "var x" not in got.text and "<b>" not in got.text
    assert got.title == "Robot parts" and got.media_type == "text/html"


def _pdf(tmp_path: Path, pages: list[str], *, encrypt: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 10, text)
    path = tmp_path / "report.pdf"
    pdf.output(str(path))
    if encrypt is not None:
        from pypdf import PdfReader, PdfWriter

        writer = PdfWriter(clone_from=PdfReader(path))
        writer.encrypt(user_password=encrypt, owner_password="owner", algorithm="AES-128")
        with path.open("wb") as f:
            writer.write(f)
    return path


def test_a_pdf_keeps_its_page_numbers(tmp_path):
    got = extract(_pdf(tmp_path, ["Robotaxis in Wuhan.", "Lighthouse factories in Ningde."]))
    assert got.media_type == "application/pdf" and len(got.pages) == 2
    text = SourceText(got.text, pages=got.pages)
    found = text.resolve("Lighthouse factories")
    assert isinstance(found, Anchor) and (found.page_start, found.page_end) == (2, 2)
    assert text.page_of(got.text.index("Robotaxis")) == 1


def test_a_pdf_without_a_text_layer_is_refused(tmp_path):
    with pytest.raises(CnaiKgError) as e:
        extract(_pdf(tmp_path, ["", ""]))
    assert "without a text layer" in str(e.value) and "OCR" in str(e.value)


def test_an_encrypted_pdf_is_refused(tmp_path):
    with pytest.raises(CnaiKgError) as e:
        extract(_pdf(tmp_path, ["secret"], encrypt="user-password"))
    assert "encrypted" in str(e.value) and "\n" not in str(e.value)


def test_a_corrupt_pdf_is_one_line(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    with pytest.raises(CnaiKgError) as e:
        extract(bad)
    assert str(e.value).startswith(str(bad)) and "\n" not in str(e.value)


def test_an_unknown_format_is_refused(tmp_path):
    doc = tmp_path / "note.docx"
    doc.write_bytes(b"PK\x03\x04")
    with pytest.raises(CnaiKgError, match="note.docx"):
        extract(doc)


# -- sheets -----------------------------------------------------------------------------------


def test_korean_headers_name_the_same_columns():
    assert kind_of_header(["주어", "관계", "목적어", "인용문", "출처"]) == "relations"
    assert normalize_header(" Label_EN ") == normalize_header("label en")


def _xlsx(path: Path, build) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    build(book)
    book.close()
    return path


def test_formulas_are_read_as_values_hidden_sheets_and_empty_rows_skipped(tmp_path):
    def build(book):
        sheet = book.add_worksheet("figures")
        sheet.write_row(0, 0, ["indicator", "value", "unit", "year", "status", "quote", "source"])
        sheet.write_row(3, 0, ["Revenue", None, "KRW", 2025, "reported", "약 35억 원", "note"])
        sheet.write_formula(3, 1, "=35*100000000", None, 3500000000)
        hidden = book.add_worksheet("scratch")
        hidden.write_row(0, 0, ["subject", "relation", "object", "quote", "source"])
        hidden.hide()

    path = _xlsx(tmp_path / "book.xlsx", build)
    tables, problems = read_tables([path])
    assert problems == []
    assert [t.kind for t in tables] == ["figures"]
    (row,) = tables[0].rows
    assert row.cells["value"] == "3500000000" and row.number == 4


def test_merged_cells_across_columns_are_a_problem_with_their_place(tmp_path):
    def build(book):
        sheet = book.add_worksheet("relations")
        sheet.write_row(0, 0, ["subject", "relation", "object", "quote", "source"])
        sheet.merge_range(1, 0, 1, 2, "Hanbit Vision")
        sheet.write_row(1, 3, ["quote", "note"])

    tables, problems = read_tables([_xlsx(tmp_path / "m.xlsx", build)])
    assert any(p[1] == "relations" and p[2] == 2 and "merged" in p[4] for p in problems)


def test_vertical_merges_are_filled_down(tmp_path):
    def build(book):
        sheet = book.add_worksheet("relations")
        sheet.write_row(0, 0, ["subject", "relation", "object", "quote", "source"])
        sheet.merge_range(1, 0, 2, 0, "Hanbit Vision")
        sheet.write_row(1, 1, ["basedIn", "South Korea", "q1", "note"])
        sheet.write_row(2, 1, ["inGroup", "Korean makers", "q2", "note"])

    tables, problems = read_tables([_xlsx(tmp_path / "v.xlsx", build)])
    assert problems == []
    assert [r.cells["subject"] for r in tables[0].rows] == ["Hanbit Vision"] * 2


def test_ods_is_read(tmp_path):
    pytest.importorskip("odf")
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="entities")
    for values in (["id", "class", "label_en"], ["HanbitVision", "Company", "Hanbit Vision"]):
        tr = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    path = tmp_path / "book.ods"
    doc.save(str(path))
    tables, problems = read_tables([path])
    assert problems == [] and tables[0].kind == "entities"
    assert tables[0].rows[0].cells["label_en"] == "Hanbit Vision"


def test_a_zip_bomb_dressed_as_xlsx_is_refused_by_its_size(tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\x00" * (8 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    monkeypatch.setenv("CNAI_KG_MAX_SHEET_BYTES", str(1024 * 1024))
    with pytest.raises(CnaiKgError) as e:
        read_tables([path])
    assert "bomb.xlsx" in str(e.value) and "CNAI_KG_MAX_SHEET_BYTES" in str(e.value)


def test_a_file_that_is_not_a_workbook_is_one_line(tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("subject,relation\n", encoding="utf-8")
    with pytest.raises(CnaiKgError) as e:
        read_tables([path])
    assert "fake.xlsx" in str(e.value) and "\n" not in str(e.value)


def test_a_million_rows_stop_at_the_cap(tmp_path, monkeypatch):
    path = tmp_path / "relations.csv"
    row = "Hanbit Vision,basedIn,South Korea,q,note\n"
    path.write_text("subject,relation,object,quote,source\n" + row * 1_000_000, encoding="utf-8")
    monkeypatch.delenv("CNAI_KG_MAX_IMPORT_ROWS", raising=False)
    with pytest.raises(CnaiKgError) as e:
        read_tables([path])
    assert "100,000" in str(e.value) and "CNAI_KG_MAX_IMPORT_ROWS" in str(e.value)


def test_a_csv_in_cp949_reads_as_korean(tmp_path):
    path = tmp_path / "entities.csv"
    body = "id,class,label_en,label_ko\nHanbitVision,Company,Hanbit Vision,한빛비전\n"
    path.write_bytes(body.encode("cp949"))
    tables, problems = read_tables([path])
    assert problems == [] and tables[0].rows[0].cells["label_ko"] == "한빛비전"
    latin = read_tables([path], encoding="latin-1")[0][0].rows[0].cells["label_ko"]
    assert latin != "한빛비전"  # --encoding is obeyed, even when wrong


def test_a_csv_with_a_bom_and_semicolons(tmp_path):
    path = tmp_path / "relations.csv"
    path.write_bytes(
        "\ufeffsubject;relation;object;quote;source\nA;basedIn;B;q;note\n".encode("utf-8")
    )
    tables, problems = read_tables([path])
    assert problems == [] and tables[0].rows[0].cells["subject"] == "A"


def test_an_unknown_kind_of_sheet_is_named(tmp_path):
    path = tmp_path / "stuff.csv"
    path.write_text("colour,size\nred,3\n", encoding="utf-8")
    tables, problems = read_tables([path])
    assert tables == [] and "stuff.csv" in problems[0][0]


def test_sheets_read_from_a_memory_file_are_the_same(tmp_path):
    def build(book):
        sheet = book.add_worksheet("entities")
        sheet.write_row(0, 0, ["id", "class", "label_en"])
        sheet.write_row(1, 0, ["X", "Company", "X Corp"])

    path = _xlsx(tmp_path / "a.xlsx", build)
    data = io.BytesIO(path.read_bytes())
    assert zipfile.is_zipfile(data)
    assert read_tables([path])[0][0].rows[0].cells == {
        "id": "X",
        "class": "Company",
        "label_en": "X Corp",
    }
