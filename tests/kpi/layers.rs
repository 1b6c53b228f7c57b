//! The library's modules depend on each other, and on external crates, only as the layer table
//! of docs/design.md says, that table has no cycle, and the files inside a module do not use
//! each other in a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::support::manifest_dir;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The `| module | uses | crates |` table under `## Layers` in docs/design.md: each module's
/// modules, and its external crates.
fn table() -> BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)> {
    let design = std::fs::read_to_string(manifest_dir().join("docs/design.md")).unwrap();
    let section = design.split("## Layers").nth(1).expect("docs/design.md has a `## Layers` section");
    let names = |cell: &str| -> BTreeSet<String> {
        cell.split(',').map(|name| name.trim().trim_matches('`').to_string()).filter(|n| !n.is_empty()).collect()
    };
    section
        .lines()
        .take_while(|line| !line.starts_with("## "))
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
            let [module, uses, crates] = cells.as_slice() else { return None };
            let module = module.trim().trim_matches('`');
            (module != "module" && !module.starts_with("---"))
                .then(|| (module.to_string(), (names(uses), names(crates))))
        })
        .collect()
}

/// The modules each module may use.
fn allowed() -> Graph {
    table().into_iter().map(|(module, (uses, _))| (module, uses)).collect()
}

/// The external crates of Cargo.toml's `[dependencies]`, as code names them (`serde_json`).
fn dependencies() -> Vec<String> {
    let manifest = std::fs::read_to_string(manifest_dir().join("Cargo.toml")).unwrap();
    let section = manifest.split("\n[dependencies]\n").nth(1).unwrap().split("\n[").next().unwrap();
    let names = section.lines().filter_map(|line| line.split_once('=').map(|(name, _)| name.trim()));
    names.filter(|name| !name.is_empty() && !name.starts_with('#')).map(|name| name.replace('-', "_")).collect()
}

/// Whether `code` names the crate `name`: `name::` or `use name` not inside a longer path.
fn names_crate(code: &str, name: &str) -> bool {
    let starts_path =
        |at: usize| at == 0 || !code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
    code.match_indices(&format!("{name}::")).any(|(at, _)| starts_path(at))
}

/// A source file of the library, as the module path it declares (`engine/files/csv.rs` →
/// `engine::files::csv`), and its code without comments and tests.
struct SourceFile {
    path: Vec<String>,
    code: String,
}

fn library_files(dir: &Path, files: &mut Vec<SourceFile>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            library_files(&path, files);
            continue;
        }
        let relative = path.strip_prefix(manifest_dir().join("src")).unwrap().with_extension("");
        let mut module: Vec<String> = relative.iter().map(|part| part.to_string_lossy().to_string()).collect();
        if module.last().is_some_and(|last| last == "mod") {
            module.pop();
        }
        if matches!(module[0].as_str(), "lib" | "main" | "cli") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        let code = code.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        files.push(SourceFile { path: module, code });
    }
}

/// The module paths a file's code names: `crate::a::b`, `super::c` and `use super::{d, e}`,
/// resolved to full paths.
fn uses(file: &SourceFile) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let code = &file.code;
    for (start, _) in code.match_indices("crate::").chain(code.match_indices("super::")) {
        if start > 0 && code[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut base: Vec<String> = Vec::new();
        let mut rest = &code[start..];
        if rest.starts_with("crate::") {
            rest = &rest["crate::".len()..];
        } else {
            base = file.path.clone();
            while let Some(after) = rest.strip_prefix("super::") {
                base.pop();
                rest = after;
            }
        }
        let named: Vec<Vec<&str>> = match rest.strip_prefix('{') {
            Some(group) => group.split('}').next().unwrap().split(',').map(names).collect(),
            None => vec![names(rest)],
        };
        for names in named.into_iter().filter(|n| !n.is_empty() && n[0] != "self") {
            let mut path = base.clone();
            path.extend(names.into_iter().map(str::to_string));
            found.push(path);
        }
    }
    found
}

/// The first two names of a path: `model::Better` of `model::Better;`.
fn names(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text.trim();
    while names.len() < 2 {
        let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        names.push(&rest[..end]);
        match rest[end..].strip_prefix("::") {
            Some(after) => rest = after,
            None => break,
        }
    }
    names
}

/// A cycle in `graph`, as the nodes it runs through.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(node: &str, graph: &Graph, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_layer_table_of_the_design_has_no_cycle() {
    let table = allowed();
    assert!(table.len() > 10, "the table is read: {table:?}");
    assert_eq!(cycle(&table), None, "an arrow of docs/design.md points upward");
}

#[test]
fn modules_use_only_the_modules_their_layer_row_names() {
    let table = allowed();
    let mut files = Vec::new();
    library_files(&manifest_dir().join("src"), &mut files);
    let modules: BTreeSet<&String> = files.iter().map(|f| &f.path[0]).collect();
    let mut problems = Vec::new();
    for module in &modules {
        if !table.contains_key(*module) {
            problems.push(format!("`{module}` has no row in the layer table of docs/design.md"));
        }
    }
    for file in &files {
        let own = &file.path[0];
        for used in uses(file) {
            let other = &used[0];
            let declared = table.get(own).is_some_and(|uses| uses.contains(other));
            if other != own && modules.contains(other) && !declared {
                problems.push(format!("`{}` uses `{other}`, which its row does not name", file.path.join("::")));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn modules_use_only_the_external_crates_their_layer_row_names() {
    let table = table();
    let crates = dependencies();
    assert!(crates.len() > 10 && crates.contains(&"polars".to_string()), "the dependencies are read: {crates:?}");
    let mut files = Vec::new();
    library_files(&manifest_dir().join("src"), &mut files);
    let mut problems = BTreeSet::new();
    for file in &files {
        let own = &file.path[0];
        let declared = table.get(own).map(|(_, crates)| crates.clone()).unwrap_or_default();
        for name in crates.iter().filter(|name| names_crate(&file.code, name) && !declared.contains(*name)) {
            problems.insert(format!("`{}` uses the crate `{name}`, which its row does not name", file.path.join("::")));
        }
    }
    assert!(problems.is_empty(), "{}", problems.into_iter().collect::<Vec<_>>().join("\n"));
}

#[test]
fn a_crate_named_in_a_path_is_found() {
    assert!(names_crate("use polars::prelude::*;", "polars"));
    assert!(names_crate("let f = polars::lazy::dsl::col(x);", "polars"));
    assert!(!names_crate("use crate::engine::polars::x;", "polars"), "a module of the same name");
    assert!(!names_crate("use serde_json::Value;", "serde"), "a longer crate name");
}

#[test]
fn the_files_of_a_module_do_not_use_each_other_in_a_cycle() {
    let mut files = Vec::new();
    library_files(&manifest_dir().join("src"), &mut files);
    let mut graph = Graph::new();
    for file in files.iter().filter(|f| f.path.len() > 1) {
        let node = file.path[..2].join("::");
        for used in uses(file).into_iter().filter(|used| used.len() > 1 && used[0] == file.path[0]) {
            let target = used[..2].join("::");
            let is_file = files.iter().any(|f| f.path.len() > 1 && f.path[..2] == used[..2]);
            if target != node && is_file {
                graph.entry(node.clone()).or_default().insert(target);
            }
        }
    }
    assert!(graph.len() > 10, "the files are read: {graph:?}");
    assert_eq!(cycle(&graph), None);
}

#[test]
fn an_upward_arrow_is_found() {
    let file = SourceFile {
        path: vec!["compile".into(), "functions".into()],
        code: "use crate::ruleset::model::Better;\nuse super::{columns, divide};".into(),
    };
    let used: Vec<String> = uses(&file).iter().map(|path| path.join("::")).collect();
    assert_eq!(used, ["ruleset::model", "compile::columns", "compile::divide"]);
    assert!(!allowed()["compile"].contains("ruleset"), "compile does not use the ruleset");
}
