//! Word documents: the Markdown report, rendered for `docx` (its charts as SVG in data URLs),
//! read with pulldown-cmark into the blocks of an office document; the browser draws each
//! chart as a PNG. A client's reference document gives the styles.

use std::io::Read;
use std::path::Path;

use base64::Engine;
use pulldown_cmark::{Alignment, Event, Options, Parser, Tag, TagEnd};

use super::context::Report;
use crate::browser::Browser;
use crate::error::{Error, ErrorKind, Result};
use crate::office::document::{self, Align, Block, Document, Image, Inline, Paragraph, Run, Style, Table};
use crate::office::house_style::HouseStyle;
use crate::office::properties::Properties;

/// The largest styles part read from a reference document: Word's own are about 40 KB.
const MAX_STYLES_BYTES: u64 = 16 * 1024 * 1024;
/// The largest reference document opened.
const MAX_REFERENCE_BYTES: u64 = 256 * 1024 * 1024;

/// The house style of a client's Word document (`--reference-docx`): its styles, and a
/// warning naming each style of the reports it lacks.
pub struct Reference {
    styles: HouseStyle,
    pub warnings: Vec<Error>,
}

impl Reference {
    pub fn read(path: &Path) -> Result<Reference> {
        let unreadable = |message: String| {
            let kind = ErrorKind::UnreadableFile { path: path.display().to_string(), message };
            Error::new(kind).help("give a Word document (.docx) whose styles the reports should take")
        };
        let bytes = crate::read::bytes(path, MAX_REFERENCE_BYTES).map_err(|e| unreadable(e.to_string()))?;
        let styles = crate::contain::contain(|| -> Result<Vec<u8>, String> {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
            let part =
                archive.by_name("word/styles.xml").map_err(|_| "it has no styles (word/styles.xml)".to_string())?;
            let mut styles = Vec::new();
            part.take(MAX_STYLES_BYTES + 1).read_to_end(&mut styles).map_err(|e| e.to_string())?;
            match styles.len() as u64 > MAX_STYLES_BYTES {
                true => Err(format!("its styles are larger than {} MB", MAX_STYLES_BYTES / 1024 / 1024)),
                false => Ok(styles),
            }
        });
        let styles = HouseStyle::read(styles.and_then(|s| s).map_err(unreadable)?).map_err(unreadable)?;
        let warnings = styles
            .missing()
            .into_iter()
            .map(|style| {
                let kind = ErrorKind::ReferenceLacksStyle { style: style.to_string(), path: path.display().to_string() };
                Error::new(kind).help("its paragraphs take the shipped style; add a style of that name to the document to choose its look")
            })
            .collect();
        Ok(Reference { styles, warnings })
    }
}

/// The East-Asian font of the shipped styles: Word's Chinese font on every Windows.
const EAST_ASIAN_FONT: &str = "Microsoft YaHei";

/// The Word document of a report's Markdown. A book's Markdown marks its cover
/// (`<!-- kpi:cover -->`, where the brand's logo goes), its contents and its page breaks.
pub fn document(
    markdown: &str,
    report: &Report,
    title: &str,
    browser: &mut Browser,
    reference: Option<&Reference>,
) -> Result<Vec<u8>> {
    let mut converter = Converter {
        browser,
        report,
        contents: String::new(),
        blocks: Vec::new(),
        paragraph: None,
        table: None,
        image: None,
        lists: Vec::new(),
        numbered: 0,
        run: Run::default(),
    };
    converter.contents = crate::report::templates::word("contents", report.locale);
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        converter.event(event)?;
    }
    converter.flush();
    let doc = Document {
        blocks: converter.blocks,
        footer: footer_line(report),
        styles: reference.map(|r| &r.styles),
        east_asian_font: EAST_ASIAN_FONT.to_string(),
        font: report.brand.font.clone(),
        heading_colour: report.brand.primary.trim_start_matches('#').to_string(),
        language: report.locale.code().to_string(),
        properties: Properties {
            title: title.to_string(),
            author: super::meta::author(report),
            subject: super::meta::subject(report),
            date: super::meta::dated(report),
            application: super::meta::CREATOR.to_string(),
        },
        page: report.paper.twips(),
    };
    document::document(&doc)
}

/// The foot of every page: the client, and the brand's confidentiality line.
fn footer_line(report: &Report) -> String {
    match &report.brand.confidentiality {
        Some(line) => format!("{} · {line}", report.client),
        None => report.client.clone(),
    }
}

/// Reads Markdown events into blocks, keeping the paragraph, table cell or image being read.
struct Converter<'a> {
    browser: &'a mut Browser,
    report: &'a Report,
    /// The contents' title in the report's language.
    contents: String,
    blocks: Vec<Block>,
    paragraph: Option<Paragraph>,
    table: Option<Table>,
    /// The image being read: its URL, and its description (the text inside it).
    image: Option<(String, String)>,
    /// The lists being read, innermost last: the number of a numbered one, `None` for bullets.
    lists: Vec<Option<u16>>,
    /// How many numbered lists have been read.
    numbered: u16,
    /// The emphasis of the text being read.
    run: Run,
}

impl Converter<'_> {
    fn event(&mut self, event: Event) -> Result<()> {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => return self.end(tag),
            Event::Text(text) => self.text(&text, false),
            Event::Code(text) => self.text(&text, true),
            Event::SoftBreak => self.text(" ", false),
            Event::HardBreak => self.inline(Inline::Break),
            Event::InlineHtml(html) if is_line_break(&html) => self.inline(Inline::Break),
            Event::Html(html) if html.trim().starts_with("<!-- kpi:") => return self.marker(html.trim()),
            Event::InlineHtml(html) | Event::Html(html) => self.text(&html, false),
            Event::Rule => self.flush(),
            Event::FootnoteReference(text) | Event::InlineMath(text) | Event::DisplayMath(text) => {
                self.text(&text, false)
            }
            Event::TaskListMarker(done) => self.text(if done { "☑ " } else { "☐ " }, false),
        }
        Ok(())
    }

    fn start(&mut self, tag: Tag) {
        match tag {
            Tag::Heading { level, .. } => self.open(Style::Heading(level as u8)),
            Tag::Paragraph if self.paragraph.is_none() => self.open(self.style()),
            Tag::Item => self.open(self.item()),
            Tag::List(start) => {
                self.flush();
                let number = start.map(|_| {
                    self.numbered = self.numbered.saturating_add(1);
                    self.numbered - 1
                });
                self.lists.push(number);
            }
            Tag::Table(align) => {
                self.flush();
                self.table = Some(Table { align: align.iter().map(|a| aligned(*a)).collect(), rows: Vec::new() });
            }
            Tag::TableHead | Tag::TableRow => self.table.iter_mut().for_each(|t| t.rows.push(Vec::new())),
            Tag::TableCell => {
                self.table.iter_mut().for_each(|t| t.rows.last_mut().into_iter().for_each(|r| r.push(Vec::new())))
            }
            Tag::Strong => self.run.bold = true,
            Tag::Emphasis => self.run.italic = true,
            Tag::Strikethrough => self.run.strike = true,
            Tag::Image { dest_url, .. } => self.image = Some((dest_url.to_string(), String::new())),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) -> Result<()> {
        match tag {
            TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item => self.flush(),
            TagEnd::List(_) => {
                self.lists.pop();
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.blocks.push(Block::Table(table));
                }
            }
            TagEnd::Strong => self.run.bold = false,
            TagEnd::Emphasis => self.run.italic = false,
            TagEnd::Strikethrough => self.run.strike = false,
            TagEnd::Image => {
                if let Some((url, description)) = self.image.take() {
                    self.image(&url, description)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A chart drawn as an image in a paragraph of its own; another image is its description.
    fn image(&mut self, url: &str, description: String) -> Result<()> {
        let svg = url
            .strip_prefix("data:image/svg+xml;base64,")
            .and_then(|data| base64::engine::general_purpose::STANDARD.decode(data).ok())
            .and_then(|bytes| String::from_utf8(bytes).ok());
        let Some((svg, (width, height))) = svg.and_then(|svg| size(&svg).map(|size| (svg, size))) else {
            self.text(&description, false);
            return Ok(());
        };
        let page = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>html, body {{ margin: 0; background: #fff; }} \
             svg {{ display: block; width: {width}px; height: {height}px; }}</style></head><body>{svg}</body></html>"
        );
        let png = self.browser.png(&page, width, height)?;
        self.flush();
        self.blocks.push(Block::Image(Image { png, width, height, description }));
        Ok(())
    }

    /// The style of a paragraph opened here: a list item's, else a plain one.
    fn style(&self) -> Style {
        match self.lists.is_empty() {
            true => Style::Normal,
            false => self.item(),
        }
    }

    /// The style of an item of the innermost list.
    fn item(&self) -> Style {
        let depth = u8::try_from(self.lists.len().saturating_sub(1)).unwrap_or(u8::MAX);
        match self.lists.last().copied().flatten() {
            Some(list) => Style::Numbered { depth, list },
            None => Style::Bullet(depth),
        }
    }

    /// A book's marks: its cover (the brand's logo), its contents, a page break.
    fn marker(&mut self, marker: &str) -> Result<()> {
        self.flush();
        match marker {
            "<!-- kpi:cover -->" => self.logo()?,
            "<!-- kpi:contents -->" => {
                self.blocks.push(Block::PageBreak);
                self.blocks.push(Block::Contents { title: self.contents.clone() });
            }
            "<!-- kpi:page-break -->" => self.blocks.push(Block::PageBreak),
            _ => {}
        }
        Ok(())
    }

    /// The brand's logo, drawn by the browser as a PNG whatever its format, at most 240 × 64.
    fn logo(&mut self) -> Result<()> {
        let Some(logo) = &self.report.brand.logo else { return Ok(()) };
        let (width, height) = (240, 64);
        let page = format!(
            "<!DOCTYPE html><html><head><style>html, body {{ margin: 0; background: #fff; }} img {{ display: block; \
             width: {width}px; height: {height}px; object-fit: contain; object-position: left center; }}</style></head>\
             <body><img src=\"{}\" alt=\"\"></body></html>",
            super::escape::html(logo)
        );
        let png = self.browser.png(&page, width, height)?;
        self.blocks.push(Block::Image(Image { png, width, height, description: self.report.client.clone() }));
        Ok(())
    }

    fn open(&mut self, style: Style) {
        self.flush();
        self.paragraph = Some(Paragraph { style, content: Vec::new() });
    }

    fn text(&mut self, text: &str, code: bool) {
        if let Some((_, description)) = &mut self.image {
            description.push_str(text);
            return;
        }
        self.inline(Inline::Text(Run { text: text.to_string(), code, ..self.run.clone() }));
    }

    /// Inline content, into the table cell or the paragraph being read (a new one if none is).
    fn inline(&mut self, inline: Inline) {
        if let Some(cell) = self.table.as_mut().and_then(|t| t.rows.last_mut()).and_then(|r| r.last_mut()) {
            cell.push(inline);
            return;
        }
        if self.paragraph.is_none() {
            self.open(self.style());
        }
        if let Some(paragraph) = &mut self.paragraph {
            paragraph.content.push(inline);
        }
    }

    fn flush(&mut self) {
        if let Some(paragraph) = self.paragraph.take()
            && !paragraph.content.is_empty()
        {
            self.blocks.push(Block::Paragraph(paragraph));
        }
    }
}

fn aligned(alignment: Alignment) -> Align {
    match alignment {
        Alignment::Right => Align::Right,
        Alignment::Center => Align::Center,
        Alignment::Left | Alignment::None => Align::Left,
    }
}

/// `<br>`, as the Markdown reports break a line inside a list item or a cell.
fn is_line_break(html: &str) -> bool {
    matches!(html.trim().to_ascii_lowercase().as_str(), "<br>" | "<br/>" | "<br />")
}

/// The width and height of an SVG chart, from its `viewBox`.
fn size(svg: &str) -> Option<(u32, u32)> {
    let root = &svg[..svg.find('>')?];
    let view_box = root.split("viewBox=\"").nth(1)?.split('"').next()?;
    let numbers: Vec<f64> = view_box.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    match numbers[..] {
        [_, _, width, height] if (1.0..=4000.0).contains(&width) && (1.0..=4000.0).contains(&height) => {
            Some((width.round() as u32, height.round() as u32))
        }
        _ => None,
    }
}
