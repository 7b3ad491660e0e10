"""A result set as a table: CSV (UTF-8 with a byte-order mark, so Excel reads the diacritics) or XLSX.

The columns are COLUMNS, one row per article, in the order of the search. XLSX is written by hand with
the standard library (zipfile and XML, inline strings, one sheet): a spreadsheet of plain text cells
needs no dependency, and the file opens in Excel, LibreOffice and openpyxl (tested).
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from ttdn_search.results import Hit

COLUMNS = ("id", "title", "date", "province", "province_new", "kind", "directives", "url", "snippet")
# The most a spreadsheet cell holds (Excel's limit); a longer value is cut there.
MAX_CELL = 32767
_MARK = re.compile(r"</?mark>")
# Characters XML 1.0 cannot hold (a control character left in a stored field would break the file).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A cell starting with one of these is a formula to a spreadsheet (CSV injection): it is quoted with '.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def result_hits(searcher, query: str, filters, limit: int | None, sort: str) -> list[Hit]:
    """The articles to export: the first `limit`, or (None) the whole result set; every article, copies
    included (a table counts articles; the pages collapse copies)."""
    if limit is None:
        limit = searcher.search(query, filters=filters, limit=0, facets=False).total
    return searcher.search(query, filters=filters, limit=limit, sort=sort, facets=False, collapse=False).hits


def rows(hits: list[Hit]) -> list[list[str]]:
    out = []
    for h in hits:
        snippet = html.unescape(_MARK.sub("", h.snippet or "")).replace("\n", " ")
        values = [h.id, h.title, h.date or "", h.province or "", h.province_new or "", "; ".join(h.kind),
                  "; ".join(h.directives), h.url or "", snippet]
        out.append([_cell(v) for v in values])
    return out


def _cell(value: str) -> str:
    value = _NOT_XML.sub(" ", value)[:MAX_CELL]
    return "'" + value if value.startswith(_FORMULA) else value


def to_csv(hits: list[Hit]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    w.writerows(rows(hits))
    return "\ufeff" + buf.getvalue()


def write_xlsx(hits: list[Hit], path: Path, sheet: str = "Kết quả") -> Path:
    """One sheet: the column names, then one row per article; written to a temporary name, then renamed."""
    path = Path(path)
    table = [list(COLUMNS), *rows(hits)]
    lines = []
    for r, values in enumerate(table, 1):
        style = ' s="1"' if r == 1 else ""  # the column names in bold
        cells = "".join(f'<c r="{_col(c)}{r}" t="inlineStr"{style}><is><t xml:space="preserve">'
                        f"{escape(v)}</t></is></c>" for c, v in enumerate(values))
        lines.append(f'<row r="{r}">{cells}</row>')
    widths = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
                     for i, w in enumerate((22, 60, 12, 18, 18, 20, 24, 40, 80), 1))
    sheet_xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                 f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" state="frozen"/></sheetView></sheetViews>'
                 f"<cols>{widths}</cols><sheetData>{''.join(lines)}</sheetData></worksheet>")
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            "</Relationships>"),
        "xl/styles.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
    tmp.replace(path)
    return path


def _col(i: int) -> str:
    """Column letters of a 0-based index: 0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out
