//! The languages of labels, texts and reports.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A report language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Locale {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The one of two values written for this language.
    pub fn pick<T>(self, zh_cn: T, en: T) -> T {
        match self {
            Locale::ZhCn => zh_cn,
            Locale::En => en,
        }
    }

    /// Whether a text written for no language in particular (a plain label, an id, a file's
    /// header) reads in this one: anything reads in Chinese, where ids and product names are
    /// often Latin; English has no Chinese characters.
    pub fn reads(self, text: &str) -> bool {
        self == Locale::ZhCn || !has_cjk(text)
    }
}

/// Whether the text holds a Chinese, Japanese or Korean character (ideographs, kana, hangul, and
/// the full-width punctuation that comes with them).
pub fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(c as u32,
            0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3100..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
            | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFF60 | 0x20000..=0x3134F)
    })
}
