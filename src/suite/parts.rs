//! Fixture files of a source read in parts (one platform's layout each): each file goes to the
//! part whose file name it matches and is read in that part's layout, so a platform's download
//! is a fixture as it comes.

use std::path::{Path, PathBuf};

use glob::Pattern;

use super::case_files;
use super::file::{CaseData, Given};
use crate::error::{Error, ErrorKind};
use crate::ruleset::model::{ENTITY_PLACEHOLDER, Source};

/// The fixture files the case gives a source, each with the entity it is given for; `None`
/// where any rows are inline (in the source's own terms, they replace its parts).
pub fn fixture_files(given: &Given) -> Option<Vec<(Option<&str>, &PathBuf)>> {
    match given {
        Given::Inline(_) => None,
        Given::File(path) => Some(vec![(None, path)]),
        Given::PerEntity(entities) => entities
            .iter()
            .map(|(entity, given)| match given {
                Given::File(path) => Some((Some(entity.as_str()), path)),
                _ => None,
            })
            .collect(),
    }
}

/// Points each part of `source` at the `files` that match its file name, copied under `folder`;
/// a part no file matches reads nothing.
pub fn route(
    data: &CaseData,
    files: Vec<(Option<&str>, &PathBuf)>,
    source: &mut Source,
    fixtures: &Path,
    folder: &Path,
) -> Result<(), Error> {
    let invalid = |message: String| {
        Error::new(ErrorKind::InvalidTestData { source_name: data.source.clone(), message }).at(data.location.clone())
    };
    let names: Vec<String> = source.parts.iter().map(|part| file_name(&part.path)).collect();
    let mut used = vec![false; names.len()];
    for (entity, relative) in files {
        let name = relative.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let Some(index) = names.iter().position(|pattern| Pattern::new(pattern).is_ok_and(|p| p.matches(&name))) else {
            return Err(invalid(format!("`{name}` matches none of the parts' file names ({})", names.join(", "))));
        };
        let per_entity = source.parts[index].path.contains(ENTITY_PLACEHOLDER);
        let into = match (entity, per_entity) {
            (Some(entity), true) => folder.join(format!("part{index}")).join(entity),
            (None, false) => folder.join(format!("part{index}")),
            (None, true) => {
                return Err(invalid(format!(
                    "the part read from `{}` takes one file per entity: give the files of each, `{}: {{ main: {name} }}`",
                    names[index], data.source
                )));
            }
            (Some(_), false) => {
                return Err(invalid(format!(
                    "the part read from `{}` names the entity of each row: give its file alone",
                    names[index]
                )));
            }
        };
        std::fs::create_dir_all(&into).map_err(|e| case_files::unwritable(&into, e))?;
        case_files::copy_fixture(&fixtures.join(relative), &into.join(&name))
            .map_err(|e| e.at(data.location.clone()))?;
        used[index] = true;
    }
    for (index, part) in source.parts.iter_mut().enumerate() {
        // The scratch folder's path as a pattern that matches it alone.
        let read = Pattern::escape(&folder.join(format!("part{index}")).display().to_string());
        part.path = match (used[index], part.path.contains(ENTITY_PLACEHOLDER)) {
            (false, _) => Pattern::escape(&folder.join("none").display().to_string()),
            (true, true) => format!("{read}/{ENTITY_PLACEHOLDER}/*"),
            (true, false) => format!("{read}/*"),
        };
    }
    Ok(())
}

/// The last part of a path pattern, which names the export's file.
fn file_name(pattern: &str) -> String {
    pattern.rsplit(['/', '\\']).next().unwrap_or(pattern).replace(ENTITY_PLACEHOLDER, "*")
}
