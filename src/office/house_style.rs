//! A client's house style (`--reference-docx`): the styles part of its Word document, whose
//! styles the reports' paragraphs take by name, as pandoc's `--reference-doc` finds them.
//! Word saves a style under an id of its language (Chinese Word names `heading 1` by the id
//! `1`, `List Paragraph` by `a3`), so an id the shipped styles use may mean nothing there.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// The styles the reports use: their id in the shipped styles, and their name, which Word
/// keeps in every language.
pub const STYLES: [(&str, &str); 8] = [
    ("Normal", "Normal"),
    ("Heading1", "heading 1"),
    ("Heading2", "heading 2"),
    ("Heading3", "heading 3"),
    ("ListParagraph", "List Paragraph"),
    ("TableText", "Table Text"),
    ("Footer", "footer"),
    ("TableGrid", "Table Grid"),
];

/// A reference document's styles, read whole: each of [`STYLES`] by the id it has there.
pub struct HouseStyle {
    xml: Vec<u8>,
    /// The reference's id of each style of [`STYLES`] it has.
    ids: Vec<(&'static str, String)>,
}

impl HouseStyle {
    /// The styles part `xml`, or why it cannot be used: XML that is cut short or damaged
    /// (Word would refuse every document made with it), or not a styles part.
    pub fn read(xml: Vec<u8>) -> Result<HouseStyle, String> {
        let named = names_and_ids(&xml)?;
        let ids = STYLES
            .iter()
            .filter_map(|(ours, name)| {
                let found = named.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
                Some((*ours, found.1.clone()))
            })
            .collect();
        Ok(HouseStyle { xml, ids })
    }

    /// The names of the reports' styles the reference lacks: its paragraphs of those take the
    /// shipped style, added to its styles.
    pub fn missing(&self) -> Vec<&'static str> {
        STYLES.iter().filter(|(ours, _)| !self.ids.iter().any(|(id, _)| id == ours)).map(|(_, name)| *name).collect()
    }

    /// `part` (the document's body or footer) with each style the shipped styles' id names
    /// named by the reference's id.
    pub fn restyled(&self, part: String) -> String {
        self.ids.iter().filter(|(ours, theirs)| ours != theirs).fold(part, |part, (ours, theirs)| {
            let theirs = crate::office::xml(theirs);
            ["pStyle", "tblStyle"].iter().fold(part, |part, element| {
                part.replace(
                    &format!(r#"<w:{element} w:val="{ours}"/>"#),
                    &format!(r#"<w:{element} w:val="{theirs}"/>"#),
                )
            })
        })
    }

    /// The reference's styles part, with the shipped definitions of the styles it lacks
    /// (from `shipped`, the shipped styles part) added before its end.
    pub fn styles(&self, shipped: &str) -> Vec<u8> {
        let lacking = STYLES.iter().filter(|(ours, _)| !self.ids.iter().any(|(id, _)| id == ours));
        let added: String = lacking.filter_map(|(ours, _)| definition(shipped, ours)).collect();
        let text = String::from_utf8_lossy(&self.xml);
        match text.rfind("</w:styles>") {
            Some(end) => format!("{}{added}{}", &text[..end], &text[end..]).into_bytes(),
            None => self.xml.clone(),
        }
    }
}

/// The `<w:style>` element of `shipped` whose id is `id`.
fn definition(shipped: &str, id: &str) -> Option<String> {
    let start = shipped.find(&format!(r#"w:styleId="{id}""#))?;
    let start = shipped[..start].rfind("<w:style ")?;
    let end = start + shipped[start..].find("</w:style>")? + "</w:style>".len();
    Some(shipped[start..end].to_string())
}

/// Each style's name and id, read through the whole part, which must be well formed and end
/// every element it opens.
fn names_and_ids(xml: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut reader = Reader::from_reader(xml);
    let (mut depth, mut root, mut style, mut named) = (0usize, None, None::<String>, Vec::new());
    let damaged = |at: u64, e: &dyn std::fmt::Display| format!("its styles are damaged or cut short at byte {at}: {e}");
    loop {
        let event = reader.read_event().map_err(|e| damaged(reader.buffer_position(), &e))?;
        match &event {
            Event::Start(element) | Event::Empty(element) => {
                root.get_or_insert_with(|| element.name().into_inner().to_string());
                match element.name().into_inner() {
                    "w:style" => style = attribute(element, "w:styleId"),
                    "w:name" => {
                        if let (Some(id), Some(name)) = (&style, attribute(element, "w:val")) {
                            named.push((name, id.clone()));
                        }
                    }
                    _ => {}
                }
                depth += usize::from(matches!(event, Event::Start(_)));
            }
            Event::End(element) => {
                depth = depth.saturating_sub(1);
                if element.name().into_inner() == "w:style" {
                    style = None;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match (depth, root.as_deref()) {
        (0, Some("w:styles")) => Ok(named),
        (0, _) => Err("its styles part is not Word's styles (w:styles)".into()),
        _ => Err("its styles are cut short".into()),
    }
}

fn attribute(element: &BytesStart, name: &str) -> Option<String> {
    let value = element.try_get_attribute(name).ok()??;
    value.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHINESE_WORD: &str = r#"<?xml version="1.0"?><w:styles xmlns:w="w"><w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="a3"><w:name w:val="List Paragraph"/></w:style></w:styles>"#;

    #[test]
    fn styles_are_found_by_their_names_whatever_their_ids() {
        let house = HouseStyle::read(CHINESE_WORD.as_bytes().to_vec()).unwrap();
        let body = r#"<w:pStyle w:val="Heading1"/><w:pStyle w:val="ListParagraph"/><w:pStyle w:val="Heading2"/>"#;
        assert_eq!(
            house.restyled(body.to_string()),
            r#"<w:pStyle w:val="1"/><w:pStyle w:val="a3"/><w:pStyle w:val="Heading2"/>"#
        );
        assert_eq!(house.missing(), ["heading 2", "heading 3", "Table Text", "footer", "Table Grid"]);
        let shipped = r#"<w:styles><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style></w:styles>"#;
        let merged = String::from_utf8(house.styles(shipped)).unwrap();
        assert!(merged.ends_with(
            r#"<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style></w:styles>"#
        ));
    }

    #[test]
    fn styles_cut_short_or_damaged_are_refused() {
        let cut = &CHINESE_WORD[..CHINESE_WORD.find("<w:name w:val=\"heading 1\"/>").unwrap()];
        assert_eq!(HouseStyle::read(cut.as_bytes().to_vec()).err().unwrap(), "its styles are cut short");
        let mid_attribute = &CHINESE_WORD[..CHINESE_WORD.len() / 2];
        assert!(HouseStyle::read(mid_attribute.as_bytes().to_vec()).is_err());
        let damaged = CHINESE_WORD.replace("</w:style><w:style w:type=\"paragraph\" w:styleId=\"1\">", "</w:stile>");
        assert!(
            HouseStyle::read(damaged.into_bytes())
                .err()
                .unwrap()
                .starts_with("its styles are damaged or cut short at byte")
        );
        assert!(HouseStyle::read(b"<w:document/>".to_vec()).is_err());
    }
}
