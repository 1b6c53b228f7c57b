//! The file name of each entity's report. An entity is named as it is where that name can be a
//! file name on every system; otherwise (`a/b`, `..`, a name too long for a file system, two
//! names that differ only in letter case) it gets a safe form of its name and a short suffix
//! computed from the name, so that no report overwrites another and a name keeps its file from
//! run to run.

use std::collections::{HashMap, HashSet};

/// The folder of entity reports, beside the portfolio.
pub const ENTITY_FOLDER: &str = "entities";

/// The longest a name is kept, in bytes; file systems allow 255 for the whole file name.
const MAX_STEM_BYTES: usize = 120;

/// One file stem per entity, in the order given, no two alike even in a file system that
/// ignores letter case.
pub fn file_stems(entities: &[String]) -> Vec<String> {
    let safe: Vec<String> = entities.iter().map(|entity| safe_form(entity)).collect();
    let unchanged = |index: usize| safe[index] == entities[index];
    // How many names, as they are, make each file name: two that differ in case make one.
    let mut uses: HashMap<String, usize> = HashMap::new();
    for index in (0..entities.len()).filter(|i| unchanged(*i)) {
        *uses.entry(safe[index].to_lowercase()).or_default() += 1;
    }
    let plain = |index: usize| unchanged(index) && uses[&safe[index].to_lowercase()] == 1;
    let mut taken: HashSet<String> =
        (0..entities.len()).filter(|i| plain(*i)).map(|i| safe[i].to_lowercase()).collect();
    (0..entities.len())
        .map(|index| {
            if plain(index) {
                return safe[index].clone();
            }
            let hash = crate::fingerprint::of(entities[index].as_bytes());
            let mut stem = format!("{}-{:08x}", safe[index], hash >> 32);
            if !taken.insert(stem.to_lowercase()) {
                stem = format!("{}-{hash:016x}", safe[index]);
                taken.insert(stem.to_lowercase());
            }
            stem
        })
        .collect()
}

/// The name with what paths, URLs or file systems do not take replaced by `_`, at most
/// [`MAX_STEM_BYTES`] long.
fn safe_form(entity: &str) -> String {
    let replaced: String = entity
        .trim()
        .chars()
        .map(|c| {
            let unsafe_char = matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' | '#' | '%');
            if unsafe_char || c.is_control() { '_' } else { c }
        })
        .collect();
    let replaced = match replaced.strip_prefix('.') {
        Some(rest) => format!("_{rest}"),
        None => replaced,
    };
    let mut end = replaced.len().min(MAX_STEM_BYTES);
    while !replaced.is_char_boundary(end) {
        end -= 1;
    }
    // Windows ends no file name in a dot or a space.
    let stem = replaced[..end].trim_end_matches(['.', ' ']);
    match stem {
        "" => "_".to_string(),
        stem if is_reserved_on_windows(stem) => format!("{stem}_"),
        stem => stem.to_string(),
    }
}

/// Whether Windows refuses `stem` as a file name whatever follows it (`AUX.html`, `con.md`):
/// the names of its devices. 奥克斯's romanised name is AUX.
fn is_reserved_on_windows(stem: &str) -> bool {
    let name = stem.split('.').next().unwrap_or_default().trim_end().to_ascii_uppercase();
    let numbered = |prefix: &str| {
        name.strip_prefix(prefix)
            .is_some_and(|n| matches!(n, "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"))
    };
    matches!(name.as_str(), "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$") || numbered("COM") || numbered("LPT")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(names: &[&str]) -> Vec<String> {
        file_stems(&names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn names_that_collide_or_cannot_be_file_names_get_a_stable_suffix() {
        let found = stems(&["a/b", "a_b", "a\\b", ".", "..", "晨光咖啡"]);
        assert_eq!(found[1], "a_b");
        assert_eq!(found[5], "晨光咖啡");
        assert!(found[0].starts_with("a_b-") && found[2].starts_with("a_b-"), "{found:?}");
        let unique: HashSet<String> = found.iter().map(|s| s.to_lowercase()).collect();
        assert_eq!(unique.len(), found.len(), "{found:?}");
        assert!(found.iter().all(|s| !s.starts_with('.')), "{found:?}");
        // The same name gets the same file, whatever else is in the run.
        assert_eq!(stems(&["a/b"])[0], found[0]);
    }

    /// Windows cannot create or unzip `AUX.html`, `con.md` or `COM1.pdf`, nor a name ending in
    /// a dot: such a name gets a file of its own that it can.
    #[test]
    fn names_windows_reserves_get_a_file_name_it_takes() {
        let found = stems(&["AUX", "con", "Com1", "lpt9.x", "NUL ", "a.", "AUXILIARY", "COM10"]);
        assert!(
            found[0].starts_with("AUX_") && found[1].starts_with("con_") && found[2].starts_with("Com1_"),
            "{found:?}"
        );
        assert!(
            found[3].starts_with("lpt9.x_") && found[4].starts_with("NUL_") && found[5].starts_with("a-"),
            "{found:?}"
        );
        assert_eq!(&found[6..], ["AUXILIARY", "COM10"]);
    }

    #[test]
    fn names_differing_only_in_case_and_long_names_are_kept_apart() {
        let found = stems(&["Acme", "acme"]);
        assert_ne!(found[0].to_lowercase(), found[1].to_lowercase());
        let long = "晨".repeat(88);
        let stem = &stems(&[long.as_str()])[0];
        assert!(stem.len() <= MAX_STEM_BYTES + 9, "{} bytes", stem.len());
    }
}
