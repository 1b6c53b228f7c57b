//! Diagnosis findings and advice: minijinja templates over one cell's KPI values, measures and
//! attributes, compiled once per language.

use minijinja::{Environment, UndefinedBehavior, Value};

use super::filters;
use crate::ruleset::model::{Diagnosis, Locale, Text};

/// The variables a diagnosis text can use besides the ruleset's names.
pub const CELL_VARIABLES: [&str; 2] = ["entity", "period"];

pub struct DiagnosisTexts {
    env: Environment<'static>,
}

impl DiagnosisTexts {
    /// The texts of `diagnoses` in `locale` (falling back to the other locale, then to the id).
    pub fn new(diagnoses: &[Diagnosis], locale: Locale) -> Result<DiagnosisTexts, minijinja::Error> {
        let mut env = new_environment(locale);
        for diagnosis in diagnoses {
            let finding = diagnosis.finding.get(locale).unwrap_or(&diagnosis.id);
            env.add_template_owned(name(&diagnosis.id, "finding"), finding.to_string())?;
            if let Some(advice) = diagnosis.advice.as_ref().and_then(|a| a.get(locale)) {
                env.add_template_owned(name(&diagnosis.id, "advice"), advice.to_string())?;
            }
        }
        Ok(DiagnosisTexts { env })
    }

    /// The finding and advice of a diagnosis, rendered over a cell's values.
    pub fn render(&self, id: &str, cell: &Value) -> Result<(String, Option<String>), minijinja::Error> {
        let finding = self.env.get_template(&name(id, "finding"))?.render(cell)?;
        let advice = match self.env.get_template(&name(id, "advice")) {
            Ok(template) => Some(template.render(cell)?),
            Err(_) => None,
        };
        Ok((finding, advice))
    }
}

fn name(id: &str, field: &str) -> String {
    format!("{id}.{field}")
}

/// An environment for texts: the number filters, and a missing variable is an error rather
/// than an empty string, so that a typo cannot go unnoticed.
pub fn new_environment(locale: Locale) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    filters::register(&mut env, locale);
    env
}

/// Every variant of a text with the key path under which it is written (`finding` or
/// `finding.zh-CN`).
pub fn variants(text: &Text) -> Vec<(Option<&'static str>, &str)> {
    text.variants().into_iter().map(|(locale, text)| (locale.map(Locale::code), text)).collect()
}
