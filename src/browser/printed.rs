//! The PDFs Chromium prints, read and stamped: the page each named destination (an element's
//! `id` a link leads to) lands on, for a book's contents; and the document information
//! replaced by the report's own — its title, author and subject, `kpi` as its creator, and dates
//! from the data — so that the same inputs print the same bytes.
//!
//! Chromium's printer (Skia) writes a classic cross-reference table and plain dictionaries for
//! the catalog, the page tree, the destinations and the information; these readers take that
//! form and say so when a PDF has another.

use std::collections::HashMap;

/// What a PDF says of itself: its information dictionary.
pub struct Info<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub subject: &'a str,
    pub creator: &'a str,
    /// `YYYY-MM-DD`: the creation and modification date.
    pub date: &'a str,
}

/// The objects of a PDF by their number: where each starts.
struct Xref {
    offsets: Vec<Option<usize>>,
    /// Where the table starts, and where the `trailer` dictionary ends.
    table: usize,
    trailer: std::ops::Range<usize>,
}

impl Xref {
    fn read(pdf: &[u8]) -> Result<Xref, String> {
        let tail = &pdf[pdf.len().saturating_sub(64)..];
        let at = find(tail, b"startxref").ok_or("no startxref")? + pdf.len() - tail.len();
        let table: usize = number(&pdf[at + 9..]).ok_or("no offset after startxref")?;
        let body = pdf.get(table..).filter(|b| b.starts_with(b"xref")).ok_or("no classic cross-reference table")?;
        let mut lines = body.split(|b| *b == b'\n').skip(1);
        let header = String::from_utf8_lossy(lines.next().ok_or("an empty table")?).to_string();
        let (first, count) = header.trim().split_once(' ').ok_or("a table without its range")?;
        let (first, count): (usize, usize) =
            (first.parse().map_err(|_| "a bad range")?, count.parse().map_err(|_| "a bad range")?);
        let mut offsets = vec![None; first + count];
        for (number, line) in (first..first + count).zip(lines.by_ref()) {
            let line = String::from_utf8_lossy(line);
            let mut fields = line.split_whitespace();
            let (offset, _, kind) = (fields.next(), fields.next(), fields.next());
            if kind == Some("n") {
                offsets[number] = Some(offset.and_then(|o| o.parse().ok()).ok_or("a bad entry")?);
            }
        }
        let start = table + find(body, b"trailer").ok_or("no trailer")?;
        let end = start + find(&pdf[start..], b"startxref").ok_or("no startxref")?;
        Ok(Xref { offsets, table, trailer: start..end })
    }

    /// The text of object `number`, from `N 0 obj` to `endobj`.
    fn object<'a>(&self, pdf: &'a [u8], number: usize) -> Result<&'a [u8], String> {
        let start = self.offsets.get(number).copied().flatten().ok_or(format!("no object {number}"))?;
        let end = find(&pdf[start..], b"endobj").ok_or(format!("object {number} does not end"))?;
        Ok(&pdf[start..start + end + b"endobj".len()])
    }
}

/// The page (from 1) each named destination of `pdf` lands on.
pub fn destinations(pdf: &[u8]) -> Result<HashMap<String, usize>, String> {
    let xref = Xref::read(pdf)?;
    let trailer = &pdf[xref.trailer.clone()];
    let catalog = xref.object(pdf, reference(trailer, b"/Root").ok_or("no catalog")?)?;
    let mut pages = Vec::new();
    collect_pages(pdf, &xref, reference(catalog, b"/Pages").ok_or("no page tree")?, &mut pages, 0)?;
    let Some(dests) = reference(catalog, b"/Dests") else { return Ok(HashMap::new()) };
    let dests = String::from_utf8_lossy(xref.object(pdf, dests)?).to_string();
    let mut found = HashMap::new();
    // Each entry reads `/name [PAGE 0 R /XYZ x y z]`.
    for entry in dests.split('/').skip(1) {
        let Some((name, rest)) = entry.split_once(' ') else { continue };
        let Some(page) = rest.strip_prefix('[').and_then(|r| r.split_whitespace().next()) else { continue };
        let Ok(page) = page.parse::<usize>() else { continue };
        if let Some(index) = pages.iter().position(|p| *p == page) {
            found.insert(name_text(name), index + 1);
        }
    }
    Ok(found)
}

/// The page objects under the page tree node `node`, in order.
fn collect_pages(pdf: &[u8], xref: &Xref, node: usize, pages: &mut Vec<usize>, depth: usize) -> Result<(), String> {
    let object = xref.object(pdf, node)?;
    if depth > 32 {
        return Err("a page tree too deep".into());
    }
    if find(object, b"/Type /Pages").is_none() {
        pages.push(node);
        return Ok(());
    }
    let kids = find(object, b"/Kids [").ok_or("a page tree node without kids")? + 7;
    let end = kids + find(&object[kids..], b"]").ok_or("kids that do not end")?;
    let kids = String::from_utf8_lossy(&object[kids..end]).to_string();
    let numbers: Vec<usize> = kids.split(" R").filter_map(|r| r.split_whitespace().next()?.parse().ok()).collect();
    numbers.into_iter().try_for_each(|kid| collect_pages(pdf, xref, kid, pages, depth + 1))
}

/// `pdf` with its information dictionary replaced by `info`, and the cross-reference table
/// moved to match.
pub fn stamp(pdf: &[u8], info: &Info) -> Result<Vec<u8>, String> {
    let xref = Xref::read(pdf)?;
    let number = reference(&pdf[xref.trailer.clone()], b"/Info").ok_or("no information dictionary")?;
    let start = xref.offsets.get(number).copied().flatten().ok_or("no information dictionary")?;
    let old = xref.object(pdf, number)?.len();
    let date = format!("D:{}000000Z", info.date.replace('-', ""));
    let fresh = format!(
        "{number} 0 obj\n<</Title {}\n/Author {}\n/Subject {}\n/Creator {}\n/Producer {}\n/CreationDate ({date})\n/ModDate ({date})>>\nendobj",
        text(info.title),
        text(info.author),
        text(info.subject),
        text(info.creator),
        text(info.creator)
    );
    let moved = |offset: usize| if offset > start { offset + fresh.len() - old } else { offset };
    let mut out = Vec::with_capacity(pdf.len() + fresh.len());
    out.extend_from_slice(&pdf[..start]);
    out.extend_from_slice(fresh.as_bytes());
    out.extend_from_slice(&pdf[start + old..xref.table]);
    out.extend_from_slice(format!("xref\n0 {}\n", xref.offsets.len()).as_bytes());
    for (index, offset) in xref.offsets.iter().enumerate() {
        let entry = match offset {
            Some(offset) => format!("{:010} 00000 n \n", moved(*offset)),
            None if index == 0 => "0000000000 65535 f \n".to_string(),
            None => "0000000000 00000 f \n".to_string(),
        };
        out.extend_from_slice(entry.as_bytes());
    }
    out.extend_from_slice(&pdf[xref.trailer.clone()]);
    out.extend_from_slice(format!("startxref\n{}\n%%EOF\n", moved(xref.table)).as_bytes());
    Ok(out)
}

/// A text string as PDF writes one that may hold any character: UTF-16BE with its mark, in hex.
fn text(value: &str) -> String {
    let hex: String = value.encode_utf16().map(|unit| format!("{unit:04X}")).collect();
    format!("<FEFF{hex}>")
}

/// A PDF name's text, its `#xx` escapes read.
fn name_text(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], name.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'#', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The object `key N 0 R` names in `dictionary`.
fn reference(dictionary: &[u8], key: &[u8]) -> Option<usize> {
    let at = find(dictionary, key)? + key.len();
    number(&dictionary[at..])
}

/// The whole number that starts `bytes`, after spaces.
fn number(bytes: &[u8]) -> Option<usize> {
    let digits: String = bytes
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|b| *b as char)
        .collect();
    digits.parse().ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF as Skia writes one: the information first, two pages, two destinations.
    fn sample() -> Vec<u8> {
        let objects = [
            "1 0 obj\n<</Creator (HeadlessChrome)\n/CreationDate (D:20261207174535+00'00')>>\nendobj\n",
            "2 0 obj\n<</Type /Page\n/Parent 4 0 R>>\nendobj\n",
            "3 0 obj\n<</Type /Page\n/Parent 4 0 R>>\nendobj\n",
            "4 0 obj\n<</Type /Pages\n/Count 2\n/Kids [2 0 R 3 0 R]>>\nendobj\n",
            "5 0 obj\n<</account-1 [3 0 R /XYZ 6 776.25 0]\n/summary [2 0 R /XYZ 6 776.25 0]>>\nendobj\n",
            "6 0 obj\n<</Type /Catalog\n/Pages 4 0 R\n/Dests 5 0 R>>\nendobj\n",
        ];
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for object in objects {
            offsets.push(pdf.len());
            pdf.extend_from_slice(object.as_bytes());
        }
        let table = pdf.len();
        pdf.extend_from_slice(b"xref\n0 7\n0000000000 65535 f \n");
        for offset in offsets {
            pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
        }
        pdf.extend_from_slice(
            format!("trailer\n<</Size 7\n/Root 6 0 R\n/Info 1 0 R>>\nstartxref\n{table}\n%%EOF\n").as_bytes(),
        );
        pdf
    }

    #[test]
    fn destinations_are_found_on_their_pages() {
        let found = destinations(&sample()).unwrap();
        assert_eq!(found.get("summary"), Some(&1));
        assert_eq!(found.get("account-1"), Some(&2));
    }

    #[test]
    fn a_stamped_pdf_keeps_its_objects_where_its_table_says() {
        let info = Info { title: "晨光", author: "A", subject: "S", creator: "kpi", date: "2026-10-31" };
        let stamped = stamp(&sample(), &info).unwrap();
        let text = String::from_utf8_lossy(&stamped);
        assert!(text.contains("/CreationDate (D:20261031000000Z)") && !text.contains("HeadlessChrome"));
        assert!(text.contains("/Title <FEFF66685149>"));
        // The destinations still read through the moved table: every offset points at its object.
        assert_eq!(destinations(&stamped).unwrap().get("account-1"), Some(&2));
        let xref = Xref::read(&stamped).unwrap();
        for (number, offset) in xref.offsets.iter().enumerate().skip(1) {
            assert!(stamped[offset.unwrap()..].starts_with(format!("{number} 0 obj").as_bytes()));
        }
    }
}
