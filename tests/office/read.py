"""Reads a Word document or a workbook back as Word and Excel users' tools do (python-docx,
openpyxl) and prints what the tests check, as JSON.

python read.py docx FILE.docx
python read.py xlsx FILE.xlsx
"""
import json
import sys

W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'


def read_docx(path):
    import docx
    document = docx.Document(path)
    runs = document.element.body.iter(W + 'r')
    east_asian = set()
    for run in runs:
        fonts = run.find(W + 'rPr/' + W + 'rFonts')
        east_asian.add(fonts.get(W + 'eastAsia') if fonts is not None else None)
    section = document.sections[0]
    footer = section.footer.paragraphs[0]
    return {
        'headings': [[p.style.name, p.text] for p in document.paragraphs if p.style.name.startswith('Heading')],
        'tables': [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables],
        'images': len(document.inline_shapes),
        'east_asian_fonts': sorted(f or '' for f in east_asian),
        'page_cm': [round(section.page_width.cm, 1), round(section.page_height.cm, 1)],
        'footer': footer.text,
        'footer_fields': [t.text.strip() for t in footer._p.iter(W + 'instrText')],
        'heading_1_color': color(document.styles['Heading 1']),
    }


def color(style):
    found = style.element.find(W + 'rPr/' + W + 'color')
    return found.get(W + 'val') if found is not None else None


def read_xlsx(path):
    import openpyxl
    workbook = openpyxl.load_workbook(path)
    sheets = {}
    for sheet in workbook.worksheets:
        rows = []
        for row in sheet.iter_rows():
            rows.append([[cell.value, cell.number_format] if cell.data_type == 'n' and cell.value is not None
                         else cell.value for cell in row])
        sheets[sheet.title] = {
            'freeze_panes': sheet.freeze_panes,
            'filter': sheet.auto_filter.ref,
            'widths': [sheet.column_dimensions[c].width for c in 'ABC'],
            'rows': rows,
        }
    return {'sheets': list(sheets), 'sheet': sheets}


if __name__ == '__main__':
    kind, path = sys.argv[1], sys.argv[2]
    print(json.dumps(read_docx(path) if kind == 'docx' else read_xlsx(path), ensure_ascii=False, default=str))
