//! The findings and advice of a ruleset's diagnoses, compiled once per language and rendered
//! over a cell's values.

use minijinja::{Environment, Value};

use crate::locale::Locale;
use crate::ruleset::model::Diagnosis;
use crate::texts;

pub struct DiagnosisTexts {
    env: Environment<'static>,
}

impl DiagnosisTexts {
    /// The texts of `diagnoses` in `locale` (falling back to the other locale, then to the id).
    pub fn new(diagnoses: &[Diagnosis], locale: Locale) -> Result<DiagnosisTexts, minijinja::Error> {
        let mut env = texts::environment(locale);
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
