//! The labels a ruleset lacks in the languages its reports are delivered in (`report.languages`,
//! else its `locale`): without one, a report in that language shows an id, or a Chinese name
//! in an English report. `kpi check` warns of each, at the definition that lacks it. A ruleset
//! that does not list its languages is not asked for labels it has none of: only a label
//! written in the other language, or Chinese in an English one, is a warning.

use super::CheckedRuleset;
use super::model::Text;
use super::yaml::PathStep::{self, Index, Key};
use crate::error::{Error, ErrorKind};
use crate::locale::Locale;

/// One warning per thing a client sees (KPI, scorecard, band, source, attribute, diagnosis text)
/// and language it does not read in.
pub fn missing_labels(ruleset: &CheckedRuleset) -> Vec<Error> {
    let model = &ruleset.model;
    let listed = model.report.as_ref().is_some_and(|r| !r.languages.is_empty());
    let mut found = Vec::new();
    for language in model.languages() {
        let mut check = |what: &'static str, name: &str, text: Option<&Text>, at: Vec<PathStep>| {
            if !written_for(text, language, listed) {
                let kind = ErrorKind::MissingLabel { what, name: name.to_string(), language: language.code() };
                let help = "give it a label for each language: `label: { zh-CN: …, en: … }`";
                let error = Error::new(kind).help(help);
                // At the key of the definition (or of its text), where the label goes.
                let (owner, last) = at.split_at(at.len() - 1);
                let key = match last {
                    [Key(key)] => ruleset.tree.at(owner).and_then(|node| node.key(key)),
                    _ => None,
                };
                found.push(match key.map(|node| node.location.clone()).or_else(|| ruleset.locate(&at)) {
                    Some(location) => error.at(location),
                    None => error,
                });
            }
        };
        for (id, kpi) in &model.kpis {
            check("KPI", id, kpi.label.as_ref(), vec![Key("kpis"), Key(id)]);
            for (band, written) in &kpi.bands {
                // A band is shown by its name where it has no label: the name is a word.
                let label = written.label().cloned().unwrap_or_else(|| Text::Plain(band.clone()));
                check("band", band, Some(&label), vec![Key("kpis"), Key(id), Key("bands"), Key(band)]);
            }
        }
        for (id, scorecard) in &model.scorecards {
            check("scorecard", id, scorecard.label.as_ref(), vec![Key("scorecards"), Key(id)]);
        }
        for (id, source) in &model.sources {
            check("source", id, source.label.as_ref(), vec![Key("sources"), Key(id)]);
        }
        for (id, attribute) in &ruleset.attributes {
            let label = model.sources[&attribute.source].labels.get(id).cloned();
            let shown = label.unwrap_or_else(|| Text::Plain(attribute.header.clone()));
            check("attribute", id, Some(&shown), vec![Key("sources"), Key(&attribute.source), Key("columns"), Key(id)]);
        }
        for (index, diagnosis) in model.diagnoses.iter().enumerate() {
            let at = |field| vec![Key("diagnoses"), Index(index), Key(field)];
            check("the finding of diagnosis", &diagnosis.id, Some(&diagnosis.finding), at("finding"));
            if let Some(advice) = &diagnosis.advice {
                check("the advice of diagnosis", &diagnosis.id, Some(advice), at("advice"));
            }
        }
    }
    found
}

/// Whether a report in `language` shows the thing in its words: a label written for it, or a
/// plain one that reads in it. Without a label, a report shows the id: a lack when the ruleset
/// lists the languages it is delivered in.
fn written_for(text: Option<&Text>, language: Locale, listed: bool) -> bool {
    match text {
        Some(Text::Localized(texts)) => language.pick(&texts.zh_cn, &texts.en).is_some(),
        Some(Text::Plain(text)) => language.reads(text),
        None => !listed,
    }
}
