//! `kpi show --sources`: every source a ruleset reads, in the words of the person who downloads
//! the exports: where each comes from, which files it looks for (and how many are there), and the
//! headers it needs in them.

use crate::engine::files;
use crate::locale::Locale;
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::{ENTITY_PLACEHOLDER, SourceRole};
use crate::words::printable;

pub fn sources(ruleset: &CheckedRuleset, locale: Locale) -> String {
    let words = locale.pick(&ZH, &EN);
    let mut out = String::new();
    for (name, source) in &ruleset.model.sources {
        let role = match ruleset.model.source_role(name) {
            SourceRole::Rows => words.rows,
            SourceRole::Attributes => words.attributes,
            SourceRole::Targets => words.targets,
        };
        out.push_str(&format!("{name} ({role})\n"));
        if let Some(description) = source.description.as_ref().and_then(|d| d.get(locale)) {
            out.push_str(&format!("  {description}\n"));
        }
        // Each export the source reads: itself, or each of its parts.
        for part in source.parts() {
            let source = &part;
            let found = match files::find(source, &ruleset.base_dir) {
                Ok(found) => format!("{} {}", found.len(), words.found),
                Err(_) => words.none_found.to_string(),
            };
            out.push_str(&format!("  {} {} ({found})\n", padded(words.files), source.path));
            if let Some(date) = &source.date {
                let format = source.date_format.as_ref().map(|f| format!(" ({f})")).unwrap_or_default();
                out.push_str(&format!("  {} {date}{format}\n", padded(words.date)));
            }
            let entity = match (&source.entity, &source.entity_value) {
                (Some(column), _) => column.clone(),
                (None, Some(value)) => format!("{} `{value}`", words.every_row),
                (None, None) if source.path.contains(ENTITY_PLACEHOLDER) => words.from_path.to_string(),
                (None, None) => "—".to_string(),
            };
            out.push_str(&format!("  {} {entity}\n", padded(words.entity)));
            if !source.columns.is_empty() {
                let columns: Vec<String> =
                    source.columns.iter().map(|(name, header)| format!("{header} ({name})")).collect();
                out.push_str(&format!("  {} {}\n", padded(words.columns), columns.join(", ")));
            }
            if source.header_row > 1 {
                out.push_str(&format!("  {} {}\n", padded(words.headers), words.header_row(source.header_row)));
            }
        }
        out.push('\n');
    }
    printable(&out)
}

/// A label padded to 10 columns on a terminal, where a Chinese character takes two.
fn padded(label: &str) -> String {
    let width = unicode_width::UnicodeWidthStr::width(label);
    format!("{label}{}", " ".repeat(10usize.saturating_sub(width)))
}

struct Words {
    rows: &'static str,
    attributes: &'static str,
    targets: &'static str,
    files: &'static str,
    found: &'static str,
    none_found: &'static str,
    date: &'static str,
    entity: &'static str,
    every_row: &'static str,
    from_path: &'static str,
    columns: &'static str,
    headers: &'static str,
    header_row: fn(u32) -> String,
}

impl Words {
    fn header_row(&self, row: u32) -> String {
        (self.header_row)(row)
    }
}

const EN: Words = Words {
    rows: "rows by date",
    attributes: "one row per entity",
    targets: "targets",
    files: "files",
    found: "found",
    none_found: "none found",
    date: "date",
    entity: "entity",
    every_row: "every row is",
    from_path: "the part of each file's path at {entity}",
    columns: "columns",
    headers: "headers",
    header_row: |row| format!("on row {row}; the rows above are skipped"),
};

const ZH: Words = Words {
    rows: "按日期的明细",
    attributes: "每个对象一行",
    targets: "目标表",
    files: "文件",
    found: "个已找到",
    none_found: "未找到",
    date: "日期列",
    entity: "对象",
    every_row: "全部行属于",
    from_path: "取自文件路径中 {entity} 的部分",
    columns: "所需列",
    headers: "表头",
    header_row: |row| format!("在第 {row} 行，其上各行跳过"),
};
