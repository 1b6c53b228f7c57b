//! What a document says of itself (`docProps/core.xml`, `docProps/app.xml`): its title, author,
//! subject and dates, which Word's and Excel's file information and a file browser show. The
//! dates are the data's, not the clock's, so that the same inputs write the same bytes.

use super::{Package, xml};
use crate::error::Result;

pub struct Properties {
    pub title: String,
    pub author: String,
    pub subject: String,
    /// `YYYY-MM-DD`: created and last modified.
    pub date: String,
    /// The program, with its version: `kpi 0.1.0`.
    pub application: String,
}

/// The relationships of a package's root to its main part (`main_type`, `target`) and to the
/// two property parts.
pub fn root_relationships(main_type: &str, target: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{main_type}" Target="{target}"/><Relationship Id="rIdCore" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rIdApp" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#
    )
}

impl Properties {
    /// Adds the two property parts to `package`.
    pub fn write(&self, package: &mut Package) -> Result<()> {
        let date = format!("{}T00:00:00Z", xml(&self.date));
        let core = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified></cp:coreProperties>"#,
            xml(&self.title),
            xml(&self.subject),
            xml(&self.author),
            xml(&self.author),
        );
        let app = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>{}</Application></Properties>"#,
            xml(&self.application)
        );
        package.part("docProps/core.xml", core.as_bytes())?;
        package.part("docProps/app.xml", app.as_bytes())
    }
}
