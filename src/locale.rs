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
}
