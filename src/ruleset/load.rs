//! Reading a ruleset file: YAML with positions, `extends` resolved, the shape checked against
//! the schema, and the result deserialized into the model.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::builtin;
use super::merge::{merge, remove, without_loading_keys};
use super::model::Ruleset;
use super::shape::Shape;
use super::yaml::{self, Node, PathStep, Scalar};
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::location::{Location, SourceFile};

/// A ruleset read from its file, with `extends` applied; not yet validated.
pub struct Loaded {
    pub model: Ruleset,
    pub tree: Node,
    /// Parts that did not fit the format and were left out; reported with validation's findings.
    pub problems: Vec<Error>,
    /// The folder of the ruleset file: where relative source paths start.
    pub base_dir: PathBuf,
}

/// The largest ruleset file read: rulesets are a few tens of kilobytes.
pub const MAX_RULESET_BYTES: u64 = 1024 * 1024;

/// Where ruleset files are read from: the disk, or a git revision (`kpi diff git:REV:PATH`),
/// so that a ruleset and everything it extends come from one place.
pub trait RulesetFiles {
    /// The ruleset file at `path` (a ruleset's own path, or a relative `extends` joined to the
    /// folder of the file that names it), named as the user sees it.
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, Error>;
}

/// Ruleset files on disk.
pub struct Disk;

impl RulesetFiles for Disk {
    fn read(&self, path: &Path) -> Result<Arc<SourceFile>, Error> {
        Ok(SourceFile::new(path, read_ruleset_file(path)?))
    }
}

pub fn load(path: &Path) -> Result<Loaded> {
    load_from(path, &Disk)
}

/// Loads the ruleset at `path` of `files`, with what it extends from the same `files`.
pub fn load_from(path: &Path, files: &dyn RulesetFiles) -> Result<Loaded> {
    let file = files.read(path)?;
    let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    load_text_from(file, base_dir, files)
}

/// Loads a ruleset from text; `base_dir` is where its relative paths start.
pub fn load_text(file: Arc<SourceFile>, base_dir: PathBuf) -> Result<Loaded> {
    load_text_from(file, base_dir, &Disk)
}

fn load_text_from(file: Arc<SourceFile>, base_dir: PathBuf, files: &dyn RulesetFiles) -> Result<Loaded> {
    let mut problems = Vec::new();
    let mut removed = Vec::new();
    let tree = resolve(&file, &base_dir, files, &mut Vec::new(), &mut problems, &mut removed)?;
    let schema = Ruleset::json_schema();
    let (json, mismatches) = Shape::new(&schema).convert(&tree);
    problems.extend(mismatches);
    let model: Ruleset = match serde_path_to_error::deserialize(json) {
        Ok(model) => model,
        // Without a required part, the rest cannot be checked: report what the shape check found.
        Err(_) if !problems.is_empty() => return Err(Errors::from_vec(problems)),
        Err(e) => {
            let location = tree.at(&path_steps(e.path())).map(|n| n.location.clone());
            let kind = ErrorKind::WrongType { expected: "a valid value".into(), found: e.inner().to_string() };
            return Err(Error::new(kind).at_opt(location).into());
        }
    };
    let still_used = super::dependants::still_used(&model, &removed);
    if !still_used.is_empty() {
        return Err(Errors::from_vec(still_used));
    }
    Ok(Loaded { model, tree, problems, base_dir })
}

/// serde's path to a value as steps in the YAML tree: list items by index, map entries by key.
fn path_steps(path: &serde_path_to_error::Path) -> Vec<PathStep<'_>> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(PathStep::Index(*index)),
            Segment::Map { key } => Some(PathStep::Key(key)),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// Parses `file` and everything it extends into one merged tree. `chain` holds the files being
/// loaded, to report a ruleset that extends itself. A `remove` of something not inherited goes
/// to `problems`, to be reported with the rest of the ruleset's.
/// The file's tree with what it extends merged in; the entries of every `remove` go to
/// `removed`, to tell what still uses them.
fn resolve(
    file: &Arc<SourceFile>,
    dir: &Path,
    files: &dyn RulesetFiles,
    chain: &mut Vec<String>,
    problems: &mut Vec<Error>,
    removed: &mut Vec<(String, Location)>,
) -> Result<Node> {
    let tree = yaml::parse(file)?;
    let Some(extends) = tree.get("extends") else {
        if let Some(removed) = tree.get("remove") {
            // Nothing is inherited, so nothing can be removed: each entry is reported.
            remove(Node::empty_map(tree.location.clone()), removed, problems);
        }
        return Ok(tree);
    };
    chain.push(file.path().display().to_string());
    let parents: Vec<&Node> = if extends.items().is_empty() { vec![extends] } else { extends.items().iter().collect() };
    let mut base: Option<Node> = None;
    let mut errors = Vec::new();
    for parent in parents {
        let Some(reference) = parent.text().filter(|_| parent.scalar().is_some_and(|s| s != Scalar::Null)) else {
            let kind = ErrorKind::WrongType {
                expected: "a ruleset path or `builtin:NAME`".into(),
                found: parent.kind_name().into(),
            };
            errors.push(Error::new(kind).at(parent.location.clone()));
            continue;
        };
        match parent_file(reference, dir, files) {
            Ok((parent_file, parent_dir)) => {
                let name = parent_file.path().display().to_string();
                if chain.contains(&name) {
                    let mut path = chain.clone();
                    path.push(name);
                    errors.push(Error::new(ErrorKind::ExtendsCycle { path }).at(parent.location.clone()));
                    continue;
                }
                match resolve(&parent_file, &parent_dir, files, chain, problems, removed) {
                    Ok(parent_tree) if parent_tree.get("ruleset").is_none() => {
                        let kind = ErrorKind::NotARuleset { path: name, reason: "it has no `ruleset:` key" };
                        errors.push(Error::new(kind).at(parent.location.clone()));
                    }
                    Ok(parent_tree) => {
                        base = Some(match base {
                            None => parent_tree,
                            Some(base) => merge(base, without_loading_keys(parent_tree)),
                        })
                    }
                    Err(found) => errors.extend(found.into_vec()),
                }
            }
            Err(error) => errors.push(error.at(parent.location.clone())),
        }
    }
    chain.pop();
    Errors::check(errors, ())?;
    let mut base = without_loading_keys(base.expect("each entry of `extends` is merged or reported"));
    if let Some(removing) = tree.get("remove") {
        let entries = removing.items().iter().filter_map(|i| Some((i.text()?.to_string(), i.location.clone())));
        removed.extend(entries);
        base = remove(base, removing, problems);
    }
    Ok(merge(base, without_loading_keys(tree)))
}

/// The text of a ruleset file: a regular file (not a device or a pipe, which could be read
/// forever) of at most [`MAX_RULESET_BYTES`]. Nothing of a file refused here is shown.
fn read_ruleset_file(path: &Path) -> Result<String, Error> {
    let refused = |reason| Error::new(ErrorKind::NotARuleset { path: path.display().to_string(), reason });
    let unreadable = |e: std::io::Error| {
        Error::new(ErrorKind::UnreadableFile { path: path.display().to_string(), message: e.to_string() })
    };
    match crate::read::bytes(path, MAX_RULESET_BYTES) {
        Ok(bytes) => match crate::read::decode(&bytes) {
            Ok(text) => Ok(text.into_owned()),
            Err(_) => Err(refused("it is not text (UTF-8, UTF-16 or GBK)")),
        },
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput && !path.is_file() => {
            Err(refused("it is not a regular file"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => Err(refused("it is larger than 1 MiB")),
        Err(e) => Err(unreadable(e)),
    }
}

fn parent_file(reference: &str, dir: &Path, files: &dyn RulesetFiles) -> Result<(Arc<SourceFile>, PathBuf), Error> {
    if let Some(name) = reference.strip_prefix("builtin:") {
        let text = builtin::text(name).ok_or_else(|| {
            Error::new(ErrorKind::UnknownBuiltin { name: name.to_string() })
                .note("built-in rulesets are in the `rulesets/` folder of kpi")
                .suggest(name, builtin::NAMES.iter().copied())
        })?;
        return Ok((SourceFile::new(reference, text), dir.to_path_buf()));
    }
    let path = dir.join(reference);
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    if !matches!(extension.as_str(), "yaml" | "yml") {
        let reason = "`extends` names a `.yaml` or `.yml` file, or `builtin:NAME`";
        return Err(Error::new(ErrorKind::NotARuleset { path: path.display().to_string(), reason }));
    }
    let file = files.read(&path)?;
    let parent_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok((file, parent_dir))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn a_list_item_is_addressed_by_its_index() {
        let json = serde_json::json!({ "items": [1, "two"] });
        let error = serde_path_to_error::deserialize::<_, BTreeMap<String, Vec<u32>>>(json).unwrap_err();
        let steps: Vec<String> = path_steps(error.path()).iter().map(|step| format!("{step:?}")).collect();
        assert_eq!(steps, ["Key(\"items\")", "Index(1)"]);
    }
}
