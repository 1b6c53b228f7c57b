//! A workbook of plain tables: each sheet a header row, frozen and filtered, over rows of text,
//! numbers and dates, and set up to print (landscape, as wide as the page, the header row on
//! every page). Numbers stay numbers, shown through an Excel number format; dates are Excel's;
//! text is written as inline strings, which Excel never reads as a formula. What Excel cannot
//! open is never written: a table longer than a sheet continues on the next (`Results (2)`), and
//! a text longer than a cell holds is cut, its end marked.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

use super::properties::{self, Properties};
use super::{Package, xml};
use crate::error::Result;

pub struct Sheet {
    /// At most 31 characters, none of `[]:*?/\` (Excel's rule); longer names are cut.
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

pub enum Cell {
    Empty,
    Text(String),
    /// A number shown through an Excel number format code, like `0.0%` or `#,##0`.
    Number(f64, String),
    /// A day, `YYYY-MM-DD`: a date Excel sorts and filters by, shown as written.
    Date(String),
}

/// How the workbook looks and what it says of itself.
pub struct Look {
    /// The header row's fill, `RRGGBB` (its text white); else the header is bold on white.
    pub header_fill: Option<String>,
    /// The font of every cell; else Calibri.
    pub font: Option<String>,
    pub properties: Properties,
}

/// The number format of dates.
const DATE_CODE: &str = "yyyy-mm-dd";

/// The widest a column is sized to, in characters: longer texts wrap in Excel's formula bar.
const MAX_WIDTH: usize = 60;

/// The rows of a sheet Excel opens, the header's included: past them it drops the rest.
const SHEET_ROWS: usize = 1_048_576;

/// The characters (UTF-16 units, as Excel counts) a cell holds.
const CELL_CHARACTERS: usize = 32_767;

/// The workbook's bytes.
pub fn workbook(sheets: &[Sheet], look: &Look) -> Result<Vec<u8>> {
    paged(sheets, look, SHEET_ROWS - 1)
}

/// A sheet of the workbook as written: a table, or the part of one that a sheet holds.
struct Page<'a> {
    name: String,
    headers: &'a [String],
    rows: &'a [Vec<Cell>],
}

/// The workbook of `sheets`, each continued on sheets of its own after `rows` rows.
fn paged(sheets: &[Sheet], look: &Look, rows: usize) -> Result<Vec<u8>> {
    let mut pages: Vec<Page> = Vec::new();
    for sheet in sheets {
        let parts: Vec<&[Vec<Cell>]> = match sheet.rows.is_empty() {
            true => vec![&sheet.rows[..]],
            false => sheet.rows.chunks(rows).collect(),
        };
        for (part, rows) in parts.into_iter().enumerate() {
            let named = match part {
                0 => sheet.name.clone(),
                n => format!("{} ({})", sheet.name, n + 1),
            };
            let taken: Vec<String> = pages.iter().map(|p| p.name.clone()).collect();
            pages.push(Page { name: sheet_name(&named, &taken), headers: &sheet.headers, rows });
        }
    }
    let formats = Formats::of(sheets);
    let mut package = Package::new();
    package.part("[Content_Types].xml", content_types(pages.len()).as_bytes())?;
    let main = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
    package.part("_rels/.rels", properties::root_relationships(main, "xl/workbook.xml").as_bytes())?;
    look.properties.write(&mut package)?;
    package.part("xl/workbook.xml", workbook_part(&pages).as_bytes())?;
    package.part("xl/_rels/workbook.xml.rels", workbook_rels(pages.len()).as_bytes())?;
    package.part("xl/styles.xml", formats.styles(look).as_bytes())?;
    for (index, page) in pages.iter().enumerate() {
        package
            .part_written(&format!("xl/worksheets/sheet{}.xml", index + 1), |out| sheet_part(page, &formats, out))?;
    }
    package.finish()
}

/// `text` as a cell holds it: cut to [`CELL_CHARACTERS`], its last one `…` where it was cut.
fn in_a_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= CELL_CHARACTERS {
        return text.into();
    }
    let mut units = 0;
    let end = text.char_indices().find(|(_, c)| {
        units += c.len_utf16();
        units > CELL_CHARACTERS - 1
    });
    match end {
        Some((end, _)) => format!("{}…", &text[..end]).into(),
        None => text.into(),
    }
}

/// The number formats the sheets use, each a cell style after the header's.
struct Formats(Vec<String>);

impl Formats {
    fn of(sheets: &[Sheet]) -> Formats {
        let mut codes: Vec<String> = Vec::new();
        for cell in sheets.iter().flat_map(|s| s.rows.iter().flatten()) {
            let code = match cell {
                Cell::Number(_, code) => code.as_str(),
                Cell::Date(_) => DATE_CODE,
                Cell::Empty | Cell::Text(_) => continue,
            };
            if !codes.iter().any(|c| c == code) {
                codes.push(code.to_string());
            }
        }
        Formats(codes)
    }

    /// The style of a number in `code`: 0 is the default, 1 the header's.
    fn style(&self, code: &str) -> usize {
        self.0.iter().position(|c| c == code).map_or(0, |i| i + 2)
    }

    fn styles(&self, look: &Look) -> String {
        let formats: String = self
            .0
            .iter()
            .enumerate()
            .map(|(i, code)| format!(r#"<numFmt numFmtId="{}" formatCode="{}"/>"#, 164 + i, xml(code)))
            .collect();
        let formats = match self.0.is_empty() {
            true => String::new(),
            false => format!(r#"<numFmts count="{}">{formats}</numFmts>"#, self.0.len()),
        };
        let styles: String = (0..self.0.len())
            .map(|i| {
                format!(r#"<xf numFmtId="{}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>"#, 164 + i)
            })
            .collect();
        let font = xml(look.font.as_deref().unwrap_or("Calibri"));
        let (header_colour, header_fill, fill_id) = match &look.header_fill {
            Some(fill) => (
                r#"<color rgb="FFFFFFFF"/>"#.to_string(),
                format!(
                    r#"<fill><patternFill patternType="solid"><fgColor rgb="FF{}"/><bgColor indexed="64"/></patternFill></fill>"#,
                    xml(fill)
                ),
                2,
            ),
            None => (String::new(), String::new(), 0),
        };
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{formats}<fonts count="2"><font><sz val="11"/><name val="{font}"/></font><font><b/><sz val="11"/>{header_colour}<name val="{font}"/></font></fonts><fills count="{}"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>{header_fill}</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="{}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/><xf numFmtId="0" fontId="1" fillId="{fill_id}" borderId="0" applyFont="1" applyFill="1"/>{styles}</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#,
            if look.header_fill.is_some() { 3 } else { 2 },
            self.0.len() + 2
        )
    }
}

/// Each column's width in characters: its longest text, or its widest number as its format
/// shows it (`35.4%`, not the 17 digits the number has).
fn widths(sheet: &Page, columns: usize) -> Vec<usize> {
    let mut widths: Vec<usize> = sheet.headers.iter().map(|h| h.width()).collect();
    widths.resize(columns, 0);
    for row in sheet.rows {
        for (c, cell) in row.iter().enumerate() {
            let width = match cell {
                Cell::Empty => 0,
                Cell::Text(text) => text.width(),
                Cell::Number(value, code) => shown_width(*value, code),
                Cell::Date(day) => day.len(),
            };
            widths[c] = widths[c].max(width);
        }
    }
    widths
}

/// How many characters `value` takes shown through the number format `code`: its digits to
/// the code's decimals, its thousands separators, a percent sign and the code's literal text.
fn shown_width(value: f64, code: &str) -> usize {
    let section = code.split(';').next().unwrap_or(code);
    let decimals = section.split_once('.').map_or(0, |(_, rest)| rest.chars().take_while(|c| *c == '0').count());
    let percent = section.contains('%');
    let shown = if percent { value * 100.0 } else { value };
    let digits = format!("{:.*}", decimals, shown.abs());
    let whole = digits.split('.').next().map_or(1, str::len);
    let grouping = if section.contains(',') { whole.saturating_sub(1) / 3 } else { 0 };
    let literal = section.chars().filter(|c| !"0#,.%?\"_;- ".contains(*c)).count();
    digits.len() + grouping + usize::from(percent) + usize::from(value < 0.0) + literal
}

/// `YYYY-MM-DD` as Excel's serial date: days since 30 December 1899.
fn serial(day: &str) -> Option<i64> {
    let mut parts = day.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from the civil calendar (Howard Hinnant's algorithm), then from Excel's epoch.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468 + 25_569)
}

fn sheet_part(sheet: &Page, formats: &Formats, out: &mut dyn Write) -> io::Result<()> {
    let columns = sheet.headers.len().max(sheet.rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
    let last = format!("{}{}", column(columns - 1), sheet.rows.len() + 1);
    write!(
        out,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:{last}"/><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>"#
    )?;
    for (c, width) in widths(sheet, columns).iter().enumerate() {
        let width = (*width).clamp(6, MAX_WIDTH) + 2;
        write!(out, r#"<col min="{0}" max="{0}" width="{width}" customWidth="1"/>"#, c + 1)?;
    }
    out.write_all(br#"</cols><sheetData><row r="1">"#)?;
    for (c, header) in sheet.headers.iter().enumerate() {
        write!(out, r#"<c r="{}1" s="1" t="inlineStr"><is><t>{}</t></is></c>"#, column(c), xml(header))?;
    }
    out.write_all(b"</row>")?;
    for (r, row) in sheet.rows.iter().enumerate() {
        let at = r + 2;
        write!(out, r#"<row r="{at}">"#)?;
        for (c, cell) in row.iter().enumerate() {
            let place = column(c);
            match cell {
                Cell::Empty => {}
                Cell::Text(text) => write!(
                    out,
                    r#"<c r="{place}{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                    xml(&in_a_cell(text))
                )?,
                Cell::Number(value, code) if value.is_finite() => {
                    write!(out, r#"<c r="{place}{at}" s="{}"><v>{value}</v></c>"#, formats.style(code))?
                }
                Cell::Number(value, _) => {
                    write!(out, r#"<c r="{place}{at}" t="inlineStr"><is><t>{value}</t></is></c>"#)?
                }
                Cell::Date(day) => match serial(day) {
                    Some(serial) => {
                        write!(out, r#"<c r="{place}{at}" s="{}"><v>{serial}</v></c>"#, formats.style(DATE_CODE))?
                    }
                    None => write!(out, r#"<c r="{place}{at}" t="inlineStr"><is><t>{}</t></is></c>"#, xml(day))?,
                },
            }
        }
        out.write_all(b"</row>")?;
    }
    // Printed landscape, as wide as one page and as long as it takes.
    write!(
        out,
        r#"</sheetData><autoFilter ref="A1:{last}"/><pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>"#
    )
}

/// `0` → `A`, `26` → `AA`.
fn column(index: usize) -> String {
    let mut name = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        name.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// A sheet's name as Excel allows it: without `[]:*?/\`, at most 31 characters, unique.
fn sheet_name(name: &str, taken: &[String]) -> String {
    let clean: String = name.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).take(31).collect();
    let mut candidate = clean.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&candidate)) {
        let suffix = format!(" {n}");
        candidate = clean.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
        n += 1;
    }
    candidate
}

fn workbook_part(pages: &[Page]) -> String {
    let mut entries = String::new();
    let mut filters = String::new();
    for (index, sheet) in pages.iter().enumerate() {
        let name = &sheet.name;
        let columns = sheet.headers.len().max(1);
        entries.push_str(&format!(r#"<sheet name="{}" sheetId="{}" r:id="rId{}"/>"#, xml(name), index + 1, index + 1));
        // Excel keeps a sheet's filter range as a hidden name too; the header row is printed
        // on every page.
        let quoted = xml(&name.replace('\'', "''"));
        filters.push_str(&format!(
            r#"<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'{quoted}'!$A$1:${}${}</definedName><definedName name="_xlnm.Print_Titles" localSheetId="{index}">'{quoted}'!$1:$1</definedName>"#,
            column(columns - 1),
            sheet.rows.len() + 1
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{entries}</sheets><definedNames>{filters}</definedNames></workbook>"#
    )
}

fn workbook_rels(sheets: usize) -> String {
    let mut rels: String = (1..=sheets)
        .map(|i| format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
        .collect();
    rels.push_str(&format!(
        r#"<Relationship Id="rId{}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
        sheets + 1
    ));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    )
}

fn content_types(sheets: usize) -> String {
    let overrides: String = (1..=sheets)
        .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>{overrides}</Types>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn look() -> Look {
        let properties = Properties {
            title: "t".into(),
            author: "a".into(),
            subject: "s".into(),
            date: "2026-10-31".into(),
            application: "kpi".into(),
        };
        Look { header_fill: None, font: None, properties }
    }

    #[test]
    fn numbers_are_as_wide_as_their_format_shows_them_and_days_are_excels_dates() {
        assert_eq!(shown_width(0.354_321_987_654_321, "0.0%"), "35.4%".len());
        assert_eq!(shown_width(1_234_567.891, "#,##0"), "1,234,568".len());
        assert_eq!(shown_width(-2.5, "\"¥\"#,##0.00"), "-¥2.50".chars().count());
        assert_eq!([serial("1900-03-01"), serial("2026-10-01"), serial("2026-13-01")], [Some(61), Some(46296), None]);
    }

    #[test]
    fn columns_are_lettered_as_excel_does_and_sheet_names_are_made_valid_and_unique() {
        assert_eq!([column(0), column(25), column(26), column(701)], ["A", "Z", "AA", "ZZ"]);
        assert_eq!(sheet_name("a/b:c", &[]), "a_b_c");
        assert_eq!(sheet_name("Results", &["results".to_string()]), "Results 2");
        assert_eq!(sheet_name(&"x".repeat(40), &[]).len(), 31);
    }

    #[test]
    fn text_that_looks_like_a_formula_stays_text_and_a_number_keeps_its_format() {
        let cells = vec![Cell::Text("=HYPERLINK(\"x\")".into()), Cell::Number(0.354, "0.0%".into()), Cell::Empty];
        let sheet = Sheet { name: "s".into(), headers: vec!["a".into(), "b".into(), "c".into()], rows: vec![cells] };
        let page = Page { name: "s".into(), headers: &sheet.headers, rows: &sheet.rows };
        let mut part = Vec::new();
        sheet_part(&page, &Formats::of(std::slice::from_ref(&sheet)), &mut part).unwrap();
        let part = String::from_utf8(part).unwrap();
        let text = r#"<c r="A2" t="inlineStr"><is><t xml:space="preserve">=HYPERLINK(&quot;x&quot;)</t></is></c>"#;
        assert!(part.contains(text), "{part}");
        assert!(part.contains(r#"<c r="B2" s="2"><v>0.354</v></c>"#), "{part}");
        assert!(!part.contains("<f>") && !part.contains(r#"r="C2""#));
        assert!(part.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#));
        assert!(part.contains(r#"<autoFilter ref="A1:C2"/>"#));
    }

    #[test]
    fn a_table_longer_than_a_sheet_continues_and_a_text_longer_than_a_cell_is_cut() {
        let row = |n: usize| vec![Cell::Number(n as f64, "0".into())];
        let sheet = Sheet { name: "Results".into(), headers: vec!["n".into()], rows: (0..7).map(row).collect() };
        let bytes = paged(&[sheet], &look(), 3).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut part = |name: &str| {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
            text
        };
        let workbook = part("xl/workbook.xml");
        for name in ["Results", "Results (2)", "Results (3)"] {
            assert!(workbook.contains(&format!(r#"<sheet name="{name}""#)), "{workbook}");
        }
        assert!(part("xl/worksheets/sheet3.xml").contains(r#"<c r="A2" s="2"><v>6</v></c>"#));
        assert!(part("xl/worksheets/sheet2.xml").contains(r#"<autoFilter ref="A1:A4"/>"#));
        let long = "长".repeat(40_000);
        let cut = in_a_cell(&long);
        assert_eq!((cut.chars().count(), cut.ends_with('…')), (CELL_CHARACTERS, true));
        assert_eq!(in_a_cell("short"), "short");
    }
}
