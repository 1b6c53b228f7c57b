//! Word's numbering part: the bullets of every bulleted list, and one numbering per numbered
//! list (each starts at 1), so that a list is a list in Word and Enter continues it.

/// The numbering of every bulleted list.
pub const BULLETS: u16 = 1;

/// The numbering of the `list`-th numbered list (from 0).
pub fn numbered(list: u16) -> u16 {
    list + 2
}

/// A paragraph's properties naming its numbering and its depth (from 0).
pub fn reference(numbering: u16, depth: u8) -> String {
    format!(r#"<w:numPr><w:ilvl w:val="{}"/><w:numId w:val="{numbering}"/></w:numPr>"#, depth.min(8))
}

/// The numbering part of a document with `lists` numbered lists.
pub fn part(lists: u16) -> String {
    let level = |depth: u8, format: &str, text: &str| {
        let indent = 360 + 360 * u32::from(depth);
        format!(
            r#"<w:lvl w:ilvl="{depth}"><w:start w:val="1"/><w:numFmt w:val="{format}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{indent}" w:hanging="280"/></w:pPr></w:lvl>"#
        )
    };
    let bullets: String = (0..9).map(|d| level(d, "bullet", ["•", "◦", "▪"][usize::from(d % 3)])).collect();
    let numbers: String = (0..9).map(|d| level(d, "decimal", &format!("%{}.", d + 1))).collect();
    let mut out = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>{bullets}</w:abstractNum><w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>{numbers}</w:abstractNum><w:num w:numId="{BULLETS}"><w:abstractNumId w:val="0"/></w:num>"#
    );
    for list in 0..lists {
        out.push_str(&format!(
            r#"<w:num w:numId="{}"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#,
            numbered(list)
        ));
    }
    out.push_str("</w:numbering>");
    out
}
