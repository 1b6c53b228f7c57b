"""Reads a Word document, a workbook or a PDF back as their users' tools do (python-docx,
openpyxl, pypdf) and prints what the tests check, as JSON.

python read.py docx FILE.docx
python read.py xlsx FILE.xlsx
python read.py pdf FILE.pdf
python read.py layout FILE.pdf     (headings that end a page, pages less than half full)
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
        if run.find(W + 't') is None:
            continue
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
        'heading_keep_with_next': [document.styles[f'Heading {n}'].paragraph_format.keep_with_next for n in (1, 2, 3)],
        'default_east_asian_font': default_east_asian(document),
        'properties': properties(document.core_properties),
        'list_items': [[p.style.name, level(p), p.text] for p in document.paragraphs if level(p) is not None],
        'typed_bullets': sum(1 for p in document.paragraphs if p.text.startswith('•')),
        'fields': [t.text.strip() for t in document.element.body.iter(W + 'instrText')],
        'page_breaks': sum(1 for b in document.element.body.iter(W + 'br') if b.get(W + 'type') == 'page'),
        'table_text_pt': document.styles['Table Text'].font.size.pt if 'Table Text' in document.styles else None,
    }


def level(paragraph):
    """The list level of a paragraph in a Word list (a numbering), else None."""
    numbering = paragraph._p.find(W + 'pPr/' + W + 'numPr')
    return None if numbering is None else int(numbering.find(W + 'ilvl').get(W + 'val'))


def default_east_asian(document):
    fonts = document.styles.element.find(W + 'docDefaults/' + W + 'rPrDefault/' + W + 'rPr/' + W + 'rFonts')
    return fonts.get(W + 'eastAsia') if fonts is not None else None


def properties(core):
    return {'title': core.title, 'author': core.author, 'subject': core.subject,
            'created': core.created.isoformat() if core.created else None}


def read_pdf(path):
    import pypdf
    reader = pypdf.PdfReader(path)

    def outline(items, depth=0):
        out = []
        for item in items:
            if isinstance(item, list):
                out.extend(outline(item, depth + 1))
            else:
                out.append([depth, item.title, reader.get_destination_page_number(item) + 1])
        return out

    links = []
    for number, page in enumerate(reader.pages, 1):
        for annotation in page.get('/Annots') or []:
            annotation = annotation.get_object()
            if annotation.get('/Subtype') == '/Link' and '/Dest' in annotation:
                links.append([number, str(annotation['/Dest']).lstrip('/')])
    destinations = {name.lstrip('/'): reader.get_destination_page_number(dest) + 1
                    for name, dest in reader.named_destinations.items()}
    return {'pages': len(reader.pages), 'outline': outline(reader.outline), 'links': links,
            'destinations': destinations, 'metadata': {k: str(v) for k, v in (reader.metadata or {}).items()}}


def read_layout(path):
    """How a PDF's pages are filled: each heading of its outline that ends a page (nothing but
    the foot below it), and each page less than half full before a page that does not start a
    part of its own (a top-level heading: the cover, the summary, an account's report). Words
    are placed by poppler's pdftotext; headings by the outline's destinations."""
    import re
    import subprocess
    import pypdf
    bbox = subprocess.run(['pdftotext', '-bbox', path, '-'], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S):
        words = [(float(y0), float(y1)) for y0, y1 in
                 re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">', page.group(3))]
        pages.append({'height': float(page.group(2)), 'words': words})
    reader = pypdf.PdfReader(path)
    headings = []

    def visit(items, depth=0):
        for item in items:
            if isinstance(item, list):
                visit(item, depth + 1)
            else:
                number = reader.get_destination_page_number(item)
                top = pages[number]['height'] - float(item.top if item.top is not None else pages[number]['height'])
                headings.append((depth, item.title, number, top))
    visit(reader.outline)
    # The foot (the client, the page number) sits in the bottom margin of 0.6 in; the body
    # starts below the top margin of 0.55 in.
    top_margin, bottom_margin = 0.55 * 72, 0.6 * 72

    def body(page):
        return [w for w in page['words'] if w[1] < page['height'] - bottom_margin]

    ending = []
    for depth, title, number, top in headings:
        # The destination is near the heading's top: its first line is the first to end below.
        words = sorted(w for w in body(pages[number]) if w[1] >= top - 2)
        if not words:
            continue
        line_end = words[0][1]
        if not any(w[0] > line_end + 1 for w in words) and number + 1 < len(pages):
            ending.append([number + 1, title])
    # A page whose first heading is a top-level one starts a part (a page break before it).
    first_on_page = {}
    for depth, _, number, _ in headings:
        first_on_page.setdefault(number, depth)
    starts_part = {number for number, depth in first_on_page.items() if depth == 0}
    # A book's cover is a page of its own: the contents follow on the next.
    if len(headings) > 1 and headings[0][:1] == (0,) and headings[0][2] == 0 and headings[1][2] == 1:
        starts_part.add(1)
    underfull = []
    for number, page in enumerate(pages[:-1]):
        words = body(page)
        if not words or number + 1 in starts_part:
            continue
        fill = (max(w[1] for w in words) - top_margin) / (page['height'] - top_margin - bottom_margin)
        if fill < 0.5:
            underfull.append([number + 1, round(fill, 2)])
    return {'pages': len(pages), 'headings': len(headings), 'headings_ending_pages': ending,
            'underfull_pages': underfull}


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
        setup = sheet.page_setup
        fill = sheet['A1'].fill
        sheets[sheet.title] = {
            'freeze_panes': sheet.freeze_panes,
            'filter': sheet.auto_filter.ref,
            'widths': {key: dimension.width for key, dimension in sheet.column_dimensions.items()},
            'print': {'orientation': setup.orientation, 'fit_to_width': setup.fitToWidth,
                      'fit_to_height': setup.fitToHeight, 'fit_to_page': sheet.sheet_properties.pageSetUpPr.fitToPage,
                      'titles': sheet.print_title_rows},
            'header_fill': fill.fgColor.rgb if fill.fill_type == 'solid' else None,
            'rows': rows,
        }
    properties = workbook.properties
    return {'sheets': list(sheets), 'sheet': sheets,
            'properties': {'title': properties.title, 'author': properties.creator,
                           'created': properties.created.isoformat() if properties.created else None}}


if __name__ == '__main__':
    kind, path = sys.argv[1], sys.argv[2]
    read = {'docx': read_docx, 'xlsx': read_xlsx, 'pdf': read_pdf, 'layout': read_layout}[kind]
    print(json.dumps(read(path), ensure_ascii=False, default=str))
