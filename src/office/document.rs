//! A Word document of headings, paragraphs, bulleted and numbered lists (Word's own, from a
//! numbering part: Enter continues them), tables, images, page breaks and a contents field, on
//! A4 with the page number at the foot of each page. The shipped styles name an East-Asian font,
//! so that Word and LibreOffice never fall back to a font without Chinese; a client's reference
//! document gives the styles (its `word/styles.xml`), as pandoc's `--reference-doc` does, and its
//! fonts with them; a brand's font is named on every run.

use unicode_width::UnicodeWidthStr;

use super::house_style::HouseStyle;
use super::properties::{self, Properties};
use super::{Package, numbering, xml};
use crate::error::Result;

pub struct Document<'a> {
    pub blocks: Vec<Block>,
    /// At the foot of every page, before the page number: the client's name.
    pub footer: String,
    /// The styles of a client's reference document, else the shipped styles.
    pub styles: Option<&'a HouseStyle>,
    /// The font of Chinese text in the shipped styles.
    pub east_asian_font: String,
    /// The brand's font: every run is set in it, Latin and Chinese alike.
    pub font: Option<String>,
    /// The headings' colour, `RRGGBB`.
    pub heading_colour: String,
    /// `zh-CN` or `en`: spelling and the East-Asian language of the text.
    pub language: String,
    pub properties: Properties,
    /// The page's width and height, in twentieths of a point.
    pub page: (u32, u32),
}

pub enum Block {
    Paragraph(Paragraph),
    Table(Table),
    Image(Image),
    /// The next block starts a page.
    PageBreak,
    /// A contents field Word fills in with the headings and their pages (`TOC`), shown until
    /// then with the first-level headings that follow it.
    Contents {
        title: String,
    },
}

pub struct Paragraph {
    pub style: Style,
    pub content: Vec<Inline>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Normal,
    /// 1 to 3.
    Heading(u8),
    /// A bullet list item, at a depth from 0.
    Bullet(u8),
    /// An item of the `list`-th numbered list (from 0), at a depth from 0.
    Numbered {
        depth: u8,
        list: u16,
    },
}

pub enum Inline {
    Text(Run),
    Break,
}

#[derive(Clone, Default)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    pub code: bool,
}

pub struct Table {
    pub align: Vec<Align>,
    /// The first row is the header, repeated on every page the table spans.
    pub rows: Vec<Vec<Vec<Inline>>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

pub struct Image {
    pub png: Vec<u8>,
    /// The size it is shown at, in CSS pixels (96 to the inch).
    pub width: u32,
    pub height: u32,
    pub description: String,
}

/// Margins of 1.8 cm at the sides, in twentieths of a point.
const SIDE_MARGIN: u32 = 1021;
/// EMU, the unit of drawings, per twentieth of a point and per CSS pixel.
const EMU_PER_TWIP: u64 = 635;
const EMU_PER_PIXEL: u64 = 9525;

pub fn document(doc: &Document) -> Result<Vec<u8>> {
    let mut package = Package::new();
    let images: Vec<&Image> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Image(image) => Some(image),
            _ => None,
        })
        .collect();
    package.part("[Content_Types].xml", CONTENT_TYPES.as_bytes())?;
    let main = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
    package.part("_rels/.rels", properties::root_relationships(main, "word/document.xml").as_bytes())?;
    doc.properties.write(&mut package)?;
    let (body, footer) = match doc.styles {
        Some(house) => (house.restyled(body(doc)), house.restyled(footer(doc))),
        None => (body(doc), footer(doc)),
    };
    package.part("word/document.xml", body.as_bytes())?;
    package.part("word/_rels/document.xml.rels", relationships(images.len()).as_bytes())?;
    match doc.styles {
        Some(house) => package.part("word/styles.xml", &house.styles(&styles(doc)))?,
        None => package.part("word/styles.xml", styles(doc).as_bytes())?,
    }
    package.part("word/footer1.xml", footer.as_bytes())?;
    package.part("word/numbering.xml", numbering::part(lists(doc)).as_bytes())?;
    package.part("word/settings.xml", SETTINGS.as_bytes())?;
    for (index, image) in images.iter().enumerate() {
        package.part(&format!("word/media/chart{}.png", index + 1), &image.png)?;
    }
    package.finish()
}

fn body(doc: &Document) -> String {
    let mut out = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>"#,
    );
    let mut images = 0;
    for (index, block) in doc.blocks.iter().enumerate() {
        match block {
            Block::Paragraph(paragraph) => out.push_str(&self::paragraph(doc, paragraph.style, &paragraph.content)),
            Block::Table(table) => out.push_str(&self::table(doc, table)),
            Block::Image(image) => {
                images += 1;
                out.push_str(&self::image(doc, image, images, &run_properties(doc, &Run::default())));
            }
            Block::PageBreak => out.push_str(r#"<w:p><w:r><w:br w:type="page"/></w:r></w:p>"#),
            Block::Contents { title } => out.push_str(&contents(doc, title, &doc.blocks[index + 1..])),
        }
    }
    out.push_str(&format!(
        r#"<w:p/><w:sectPr><w:footerReference w:type="default" r:id="rIdFooter"/><w:pgSz w:w="{}" w:h="{}"/><w:pgMar w:top="1134" w:right="{SIDE_MARGIN}" w:bottom="1134" w:left="{SIDE_MARGIN}" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>"#,
        doc.page.0, doc.page.1
    ));
    out
}

/// A paragraph of the body in `style`; a bullet item starts with its bullet.
fn paragraph(doc: &Document, style: Style, content: &[Inline]) -> String {
    let properties = match style {
        Style::Normal => String::new(),
        Style::Heading(level) => format!(r#"<w:pStyle w:val="Heading{}"/>"#, level.clamp(1, 3)),
        Style::Bullet(depth) => {
            format!(r#"<w:pStyle w:val="ListParagraph"/>{}"#, numbering::reference(numbering::BULLETS, depth))
        }
        Style::Numbered { depth, list } => {
            format!(r#"<w:pStyle w:val="ListParagraph"/>{}"#, numbering::reference(numbering::numbered(list), depth))
        }
    };
    paragraph_with(doc, &properties, None, content)
}

/// How many numbered lists the document has.
fn lists(doc: &Document) -> u16 {
    let list = |block: &Block| match block {
        Block::Paragraph(Paragraph { style: Style::Numbered { list, .. }, .. }) => Some(*list + 1),
        _ => None,
    };
    doc.blocks.iter().filter_map(list).max().unwrap_or(0)
}

/// The contents: its title, then a `TOC` field of the first two heading levels whose text,
/// until Word updates it on opening, lists the first-level headings of `rest`.
fn contents(doc: &Document, title: &str, rest: &[Block]) -> String {
    let title = Run { text: title.to_string(), bold: true, ..Run::default() };
    let mut out = paragraph_with(doc, r#"<w:pStyle w:val="TOCHeading"/>"#, None, &[Inline::Text(title)]);
    let field = r#"<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-2" \h \z \u </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>"#;
    let headings: Vec<&Vec<Inline>> = rest
        .iter()
        .filter_map(|block| match block {
            Block::Paragraph(Paragraph { style: Style::Heading(1), content }) => Some(content),
            _ => None,
        })
        .collect();
    for (index, heading) in headings.iter().enumerate() {
        let mut paragraph = paragraph_with(doc, r#"<w:pStyle w:val="TOC1"/>"#, None, heading);
        if index == 0 {
            paragraph = paragraph.replacen("</w:pPr>", &format!("</w:pPr>{field}"), 1);
        }
        if index + 1 == headings.len() {
            paragraph = paragraph.replacen("</w:p>", r#"<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#, 1);
        }
        out.push_str(&paragraph);
    }
    if headings.is_empty() {
        out.push_str(&format!(r#"<w:p>{field}<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>"#));
    }
    out
}

/// The paragraph of a table cell: the table's text style, no spacing, aligned as its column.
fn cell_paragraph(doc: &Document, align: Align, content: &[Inline]) -> String {
    let value = match align {
        Align::Left => "left",
        Align::Center => "center",
        Align::Right => "right",
    };
    let properties =
        format!(r#"<w:pStyle w:val="TableText"/><w:spacing w:before="0" w:after="0"/><w:jc w:val="{value}"/>"#);
    paragraph_with(doc, &properties, None, content)
}

fn paragraph_with(doc: &Document, properties: &str, lead: Option<&Run>, content: &[Inline]) -> String {
    let mut out = format!("<w:p><w:pPr>{properties}</w:pPr>");
    if let Some(lead) = lead {
        out.push_str(&run(doc, lead));
    }
    for inline in content {
        match inline {
            Inline::Text(text) => out.push_str(&run(doc, text)),
            Inline::Break => out.push_str(&format!("<w:r>{}<w:br/></w:r>", run_properties(doc, &Run::default()))),
        }
    }
    out.push_str("</w:p>");
    out
}

fn run(doc: &Document, run: &Run) -> String {
    format!(r#"<w:r>{}<w:t xml:space="preserve">{}</w:t></w:r>"#, run_properties(doc, run), xml(&run.text))
}

/// A run's font (code's, else the brand's when it names one; else the style's), emphasis and
/// language.
fn run_properties(doc: &Document, run: &Run) -> String {
    let mut properties = match (run.code, &doc.font) {
        (true, _) => r#"<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas"/>"#.to_string(),
        (false, Some(font)) => {
            let font = xml(font);
            format!(r#"<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:cs="{font}"/>"#)
        }
        (false, None) => String::new(),
    };
    for (on, tag) in [(run.bold, "<w:b/>"), (run.italic, "<w:i/>"), (run.strike, "<w:strike/>")] {
        if on {
            properties.push_str(tag);
        }
    }
    properties.push_str(&format!(r#"<w:lang w:val="{0}" w:eastAsia="zh-CN"/>"#, xml(&doc.language)));
    format!("<w:rPr>{properties}</w:rPr>")
}

fn table(doc: &Document, table: &Table) -> String {
    let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let grid: String =
        widths(table, columns, text_width(doc)).iter().map(|w| format!(r#"<w:gridCol w:w="{w}"/>"#)).collect();
    let border = r#"w:val="single" w:sz="4" w:space="0" w:color="D0D5DD""#;
    let mut out = format!(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="5000" w:type="pct"/><w:tblBorders><w:top {border}/><w:bottom {border}/><w:insideH {border}/></w:tblBorders><w:tblCellMar><w:left w:w="60" w:type="dxa"/><w:right w:w="60" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>"#
    );
    for (index, row) in table.rows.iter().enumerate() {
        let header = index == 0;
        out.push_str(match header {
            true => "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>",
            false => "<w:tr><w:trPr><w:cantSplit/></w:trPr>",
        });
        for column in 0..columns {
            let shade = if header { r#"<w:shd w:val="clear" w:color="auto" w:fill="F2F4F7"/>"# } else { "" };
            out.push_str(&format!("<w:tc><w:tcPr>{shade}</w:tcPr>"));
            let align = table.align.get(column).copied().unwrap_or(Align::Left);
            let cell = row.get(column).map(Vec::as_slice).unwrap_or_default();
            let bold: Vec<Inline>;
            let cell = match header {
                true => {
                    bold = cell.iter().map(emboldened).collect();
                    &bold[..]
                }
                false => cell,
            };
            out.push_str(&cell_paragraph(doc, align, cell));
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl><w:p/>");
    out
}

/// The columns' widths, sharing the text's width by the longest line of each column's cells
/// (up to 16 characters; in the header, which wraps, the longest word) and two for the cell's
/// margins: a KPI's name gets room, a weight little.
fn widths(table: &Table, columns: usize, text_width: u32) -> Vec<u32> {
    let mut longest = vec![3usize; columns];
    for (index, row) in table.rows.iter().enumerate() {
        for (column, cell) in row.iter().enumerate() {
            let mut line = 0;
            for inline in cell {
                match inline {
                    Inline::Text(run) if index == 0 => {
                        line = run.text.split_whitespace().map(|w| w.width()).max().unwrap_or(0).max(line)
                    }
                    Inline::Text(run) => line += run.text.width(),
                    Inline::Break => line = 0,
                }
                longest[column] = longest[column].max(line.min(16));
            }
        }
    }
    let longest: Vec<usize> = longest.iter().map(|l| l + 2).collect();
    let total: usize = longest.iter().sum();
    longest.iter().map(|l| (text_width as usize * l / total) as u32).collect()
}

/// The width between the side margins, in twentieths of a point.
fn text_width(doc: &Document) -> u32 {
    doc.page.0 - 2 * SIDE_MARGIN
}

fn emboldened(inline: &Inline) -> Inline {
    match inline {
        Inline::Text(run) => Inline::Text(Run { bold: true, ..run.clone() }),
        Inline::Break => Inline::Break,
    }
}

/// An image inline in a paragraph of its own, no wider than the text.
fn image(doc: &Document, image: &Image, number: usize, properties: &str) -> String {
    let widest = u64::from(text_width(doc)) * EMU_PER_TWIP;
    let (mut width, mut height) = (u64::from(image.width) * EMU_PER_PIXEL, u64::from(image.height) * EMU_PER_PIXEL);
    if width > widest {
        height = height * widest / width;
        width = widest;
    }
    let description = xml(&image.description);
    format!(
        r#"<w:p><w:pPr><w:keepLines/></w:pPr><w:r>{properties}<w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{width}" cy="{height}"/><wp:docPr id="{number}" name="Chart {number}" descr="{description}"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="{number}" name="chart{number}.png"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdChart{number}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
    )
}

fn footer(doc: &Document) -> String {
    let field = |name: &str| {
        format!(
            r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {name} </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
        )
    };
    let text = |text: &str| run(doc, &Run { text: text.to_string(), ..Run::default() });
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:tabs><w:tab w:val="right" w:pos="{}"/></w:tabs></w:pPr>{}<w:r><w:tab/></w:r>{}{}{}</w:p></w:ftr>"#,
        text_width(doc),
        text(&doc.footer),
        field("PAGE"),
        text(" / "),
        field("NUMPAGES"),
    )
}

fn relationships(images: usize) -> String {
    let mut rels = String::from(
        r#"<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#,
    );
    for i in 1..=images {
        rels.push_str(&format!(
            r#"<Relationship Id="rIdChart{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/chart{i}.png"/>"#
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    )
}

/// The shipped styles: the report's look in Word's terms.
fn styles(doc: &Document) -> String {
    let font = xml(&doc.east_asian_font);
    let heading = |level: u8, size: u8, before: u16| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading {level}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="{before}" w:after="120"/><w:outlineLvl w:val="{}"/></w:pPr><w:rPr><w:b/><w:color w:val="{colour}"/><w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr></w:style>"#,
            level - 1,
            colour = xml(&doc.heading_colour),
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="{font}" w:cs="Calibri"/><w:color w:val="1F2937"/><w:sz w:val="21"/><w:szCs w:val="21"/><w:lang w:val="{}" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="300" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>{}{}{}<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="60"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TOCHeading"><w:name w:val="TOC Heading"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:after="240"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9864"/></w:tabs><w:spacing w:after="80"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="TOC2"><w:name w:val="toc 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="9864"/></w:tabs><w:spacing w:after="60"/><w:ind w:left="240"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:rPr><w:color w:val="667085"/><w:sz w:val="16"/></w:rPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#,
        xml(&doc.language),
        heading(1, 36, 0),
        heading(2, 28, 360),
        heading(3, 24, 240),
    )
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

/// Word updates the fields (the contents, the page count) when it opens the document.
const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:updateFields w:val="true"/></w:settings>"#;
