//! The house's brand (`report.brand`) as every report takes it: the logo read once from the
//! ruleset's folder, the colours and font with the shipped ones where the brand says nothing,
//! and the cover's lines in the report's language.

use base64::Engine;
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::Brand;
use crate::ruleset::yaml::PathStep::Key;

/// The shipped colours: a near-black slate for headings and rules, a blue for highlights.
const PRIMARY: &str = "#111827";
const ACCENT: &str = "#2563EB";

/// The largest logo read: a logo is tens of kilobytes; every report carries it.
const MAX_LOGO_BYTES: u64 = 2 * 1024 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct BrandReport {
    /// The logo as a `data:` URI an `<img>` shows with no file beside the report.
    pub logo: Option<String>,
    /// `#RRGGBB`: headings, rules and table heads.
    pub primary: String,
    /// `#RRGGBB`: links and highlights.
    pub accent: String,
    /// The font family every text is set in first, when the brand names one.
    pub font: Option<String>,
    pub prepared_by: Option<String>,
    pub confidentiality: Option<String>,
    /// The logo as Word documents and workbooks embed it.
    #[serde(skip)]
    pub logo_file: Option<Logo>,
}

/// A logo as Word and the workbook embed it: its bytes and media type.
#[derive(Debug, Clone)]
pub struct Logo {
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
}

impl BrandReport {
    /// The ruleset's brand in `locale`, its logo read from inside the ruleset's folder.
    pub fn new(ruleset: &CheckedRuleset, locale: Locale) -> Result<BrandReport> {
        let brand = ruleset.model.report.as_ref().and_then(|r| r.brand.clone()).unwrap_or_default();
        let colours = brand.colours.clone().unwrap_or_default();
        let logo_file = read_logo(ruleset)?;
        let logo = logo_file.as_ref().map(|logo| {
            let data = base64::engine::general_purpose::STANDARD.encode(&logo.bytes);
            format!("data:{};base64,{data}", logo.media_type)
        });
        Ok(BrandReport {
            logo,
            primary: colours.primary.unwrap_or_else(|| PRIMARY.to_string()).to_ascii_uppercase(),
            accent: colours.accent.unwrap_or_else(|| ACCENT.to_string()).to_ascii_uppercase(),
            font: brand.font.clone(),
            prepared_by: brand.prepared_by.as_ref().and_then(|t| t.get(locale)).map(str::to_string),
            confidentiality: brand.confidentiality.as_ref().and_then(|t| t.get(locale)).map(str::to_string),
            logo_file,
        })
    }
}

/// The brand's logo file, which must be inside the ruleset's folder: a link leading out of it
/// or a file that cannot be read is an error at the `logo` key.
fn read_logo(ruleset: &CheckedRuleset) -> Result<Option<Logo>> {
    let Some(named) = ruleset.model.report.as_ref().and_then(|r| r.brand.as_ref()).and_then(|b| b.logo.clone()) else {
        return Ok(None);
    };
    let location = ruleset.tree.at(&[Key("report"), Key("brand"), Key("logo")]).map(|node| node.location.clone());
    let at = |error: Error| match &location {
        Some(location) => error.at(location.clone()),
        None => error,
    };
    let path = ruleset.home.join(&named);
    let outside = std::path::Path::new(&named).components().any(|c| !matches!(c, std::path::Component::Normal(_)));
    if outside || crate::read::leads_out(&ruleset.home, &path) {
        let kind = ErrorKind::LinkLeadsOut { path: named.clone() };
        return Err(at(Error::new(kind).help("put the logo in the ruleset's folder and name it from there")).into());
    }
    let media_type =
        Brand::logo_type(&named).ok_or_else(|| Error::internal("a logo the ruleset's check let through"))?;
    let bytes = crate::read::bytes(&path, MAX_LOGO_BYTES).map_err(|e| {
        at(Error::new(ErrorKind::UnreadableFile { path: named.clone(), message: e.to_string() })
            .help("`report.brand.logo` names a PNG, JPEG or SVG file beside the ruleset"))
    })?;
    Ok(Some(Logo { bytes, media_type }))
}
