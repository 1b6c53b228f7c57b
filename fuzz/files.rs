//! The file readers under damaged and crafted downloads: workbooks with bytes changed, cut
//! short or claiming huge sizes, workbooks whose inner XML is edited, HTML tables of any shape,
//! NDJSON with many keys and CSV exports edited. Each file is read as the engine reads a
//! source, through `kpi check --data` and `kpi run`'s path: a value or an error of the user's
//! (exit 2), never a panic that escapes, an internal error or a hang.

use std::io::{Read, Write};
use std::path::Path;

use super::targets::{Corpus, Random, mutate, timed};
use kpi::engine::files::DataFile;
use kpi::ruleset::model::Source;

/// A data file to start from: its extension and its bytes.
pub type Seed = (String, Vec<u8>);

/// The data files of the examples and fixtures, of at most 256 KB each.
pub fn seeds(root: &Path) -> Vec<Seed> {
    let mut seeds = Vec::new();
    for folder in ["examples", "tests/fixtures"] {
        collect(&root.join(folder), &mut seeds);
    }
    seeds
}

fn collect(folder: &Path, out: &mut Vec<Seed>) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_lowercase();
        if path.is_dir() {
            collect(&path, out);
        } else if ["xls", "xlsx", "csv", "ndjson"].contains(&extension.as_str()) {
            let bytes = std::fs::read(&path).unwrap_or_default();
            if bytes.len() <= 256 * 1024 {
                out.push((extension, bytes));
            }
        }
    }
}

/// One damaged or crafted file, read as a source's file is.
pub fn files(random: &mut Random, corpus: &Corpus) -> usize {
    let (extension, bytes) = match random.below(5) {
        0 => ("html".to_string(), html_tables(random).into_bytes()),
        1 => ("ndjson".to_string(), ndjson_lines(random).into_bytes()),
        2 => ("csv".to_string(), export_rows(random).into_bytes()),
        _ => {
            let (extension, seed) = random.pick(&corpus.files).clone();
            let edits = 1 + random.below(6);
            let damaged = match extension.as_str() {
                "xlsx" if random.chance(50) => edit_inside_zip(random, &seed),
                "csv" | "ndjson" => mutate(random, &String::from_utf8_lossy(&seed), edits).into_bytes(),
                _ => damage_bytes(random, seed, edits),
            };
            (extension, damaged)
        }
    };
    // Kept where a defect shows, to be read again; removed otherwise.
    let folder = tempfile::tempdir_in(&corpus.dir).expect("a folder for the file").keep();
    let path = folder.join(format!("export.{extension}"));
    std::fs::write(&path, &bytes).expect("write the fuzzed file");
    let described = format!("a .{extension} file of {} bytes, kept at {}", bytes.len(), path.display());
    timed(&described, || read_as_a_source(random, &path));
    std::fs::remove_dir_all(&folder).expect("remove the fuzzed file");
    1
}

/// Reads `path` as the engine does: its headers, then a ruleset whose source maps some of them,
/// checked and evaluated. An error is fine; an internal one (exit 3) is a defect.
fn read_as_a_source(random: &mut Random, path: &Path) {
    let source: Source = serde_json::from_value(serde_json::json!({ "path": path })).expect("a source");
    let Ok(file) = DataFile::open(path.to_path_buf(), &source) else { return };
    let Ok(headers) = file.headers() else { return };
    let usable: Vec<&String> = headers.iter().filter(|h| !h.contains('`') && !h.trim().is_empty()).collect();
    if usable.len() < 2 {
        return;
    }
    let quoted = |header: &str| serde_json::to_string(header).expect("a string");
    let date = quoted(random.pick(&usable).as_str());
    let entity = quoted(random.pick(&usable).as_str());
    let (counted, summed) = (random.pick(&usable), random.pick(&usable));
    let name = path.file_name().and_then(|n| n.to_str()).expect("a file name");
    let text = format!(
        "ruleset: fuzz\ngrain: {{ entity: account, period: month }}\n\
         sources:\n  rows: {{ path: {name}, date: {date}, entity: {entity} }}\n\
         measures:\n  n: count(rows.`{counted}`)\n  total: sum(rows.`{summed}`)\n  top: max(rows.`{counted}`)\n\
         kpis:\n  k: {{ formula: n + total }}\n  t: {{ formula: top }}\n"
    );
    let dir = path.parent().expect("a folder").to_path_buf();
    // Beside the file, so that `kpi run fuzz.yaml` there shows a defect again.
    std::fs::write(dir.join("fuzz.yaml"), &text).expect("write the ruleset");
    let file = kpi::location::SourceFile::new(dir.join("fuzz.yaml"), text.clone());
    let Ok(loaded) = kpi::ruleset::load_text(file, dir.clone()) else { return };
    let Ok(checked) = kpi::ruleset::validate(loaded, dir, &std::collections::HashMap::new()) else { return };
    let outcome = kpi::project::verify_data(&checked).and_then(|_| kpi::engine::evaluate(&checked).map(drop));
    if let Err(errors) = outcome {
        assert!(errors.exit_code() != 3, "an internal error on a data file:\n{errors}");
    }
}

/// `bytes` with a few edits a damaged download shows: bytes changed, a length or count field
/// set to a huge or zero value, a run cut out or repeated, the file cut short.
fn damage_bytes(random: &mut Random, mut bytes: Vec<u8>, edits: usize) -> Vec<u8> {
    for _ in 0..edits {
        let at = random.below(bytes.len());
        match random.below(5) {
            0 if at < bytes.len() => bytes[at] = random.below(256) as u8,
            1 => {
                let value = *random.pick(&[0u32, 1, 0x7FFF, 0xFFFF, 0x0010_0000, 0x7FFF_FFFF, 0xFFFF_FFFF]);
                let end = (at + 4).min(bytes.len());
                bytes[at..end].copy_from_slice(&value.to_le_bytes()[..end - at]);
            }
            2 => {
                let end = (at + random.below(512)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + random.below(512)).min(bytes.len());
                let run = bytes[at..end].to_vec();
                bytes.splice(at..at, run);
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

/// An `.xlsx` whose zip stays whole while one of its XML parts is edited as text: a sheet,
/// the shared strings, the workbook, the styles.
fn edit_inside_zip(random: &mut Random, seed: &[u8]) -> Vec<u8> {
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(seed)) else { return seed.to_vec() };
    let edited = random.below(archive.len().max(1));
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(index) else { return seed.to_vec() };
        let Ok(name) = entry.name().map(|name| name.to_string()) else { return seed.to_vec() };
        let mut content = Vec::new();
        if entry.read_to_end(&mut content).is_err() {
            return seed.to_vec();
        }
        if index == edited {
            let edits = 1 + random.below(8);
            content = mutate(random, &String::from_utf8_lossy(&content), edits).into_bytes();
        }
        let options = zip::write::SimpleFileOptions::default();
        if out.start_file(name, options).and_then(|()| Ok(out.write_all(&content)?)).is_err() {
            return seed.to_vec();
        }
    }
    out.finish().map(|cursor| cursor.into_inner()).unwrap_or_else(|_| seed.to_vec())
}

const CELL_TEXT: [&str; 16] = [
    "日期",
    "账号",
    "阅读",
    "2026-10-01",
    "2026/10/02",
    "1,234",
    "3.5万",
    "-",
    "&amp;",
    "&#x4e2d;",
    "&#99999999;",
    "<br>",
    "",
    " ",
    "<b>12</b>",
    "\u{3000}",
];
const CELL_OPEN: [&str; 8] = [
    "<td>",
    "<th>",
    "<TD>",
    "<td colspan=\"2\">",
    "<td rowspan=\"3\">",
    "<td colspan=\"99999999\">",
    "<td rowspan=0>",
    "<td\n>",
];
const CELL_CLOSE: [&str; 4] = ["</td>", "</th>", "", "</tr>"];

/// HTML as platforms export "Excel" files: one or more tables, header rows repeated, closing
/// tags left out, spans of any size, entities and tags inside cells.
fn html_tables(random: &mut Random) -> String {
    let mut html = String::from("<html><head><meta charset=\"utf-8\"></head><body>");
    for _ in 0..1 + random.below(3) {
        html.push_str(if random.chance(90) { "<table>" } else { "<table><table>" });
        let rows = if random.chance(5) { 2_000 } else { random.below(40) };
        let width = 1 + random.below(8);
        for _ in 0..rows {
            html.push_str(if random.chance(80) { "<tr>" } else { "<tr class=x>" });
            for _ in 0..random.below(width + 2) {
                let (open, text, close) =
                    (*random.pick(&CELL_OPEN), *random.pick(&CELL_TEXT), *random.pick(&CELL_CLOSE));
                html.extend([open, text, close]);
            }
            if random.chance(50) {
                html.push_str("</tr>\n");
            }
        }
        if random.chance(70) {
            html.push_str("</table>");
        }
    }
    html
}

const JSON_VALUES: [&str; 12] = [
    "1",
    "-2.5",
    "1e400",
    "\"2026-10-01\"",
    "\"a\"",
    "null",
    "true",
    "{}",
    "[1,2]",
    "\"\\u0000\"",
    "\"1,234\"",
    "{\"x\":{\"y\":1}}",
];

/// NDJSON lines whose keys come and go: many distinct keys, nested values, broken lines.
fn ndjson_lines(random: &mut Random) -> String {
    let most = if random.chance(5) { 5_000 } else { 50 };
    let lines = 1 + random.below(most);
    let mut out = String::new();
    for line in 0..lines {
        out.push('{');
        out.push_str("\"day\":\"2026-10-01\",\"account\":\"a\"");
        for _ in 0..random.below(6) {
            let key = if random.chance(30) { format!("k{line}") } else { format!("k{}", random.below(5)) };
            out.push_str(&format!(",\"{key}\":{}", random.pick(&JSON_VALUES)));
        }
        out.push_str(if random.chance(95) { "}\n" } else { "\n" });
    }
    out
}

/// Headers of a crafted export: one written twice, as WeChat's two-row downloads do.
const EXPORT_HEADERS: [&str; 5] = ["日期", "账号", "人数", "人数", "rate"];

/// Cells of a crafted export: numbers with either decimal mark or misgrouped, names composed,
/// decomposed or with invisible characters, total labels with white space inside.
const EXPORT_CELLS: [&str; 20] = [
    "2026-10-01",
    "9999-12-31",
    "0206-01-08",
    "café",
    "cafe\u{301}",
    "晨光\u{200B}咖啡",
    "\u{202E}晨光",
    "合\u{3000}计",
    "小计",
    "0,35",
    "1.234,5",
    "1,234.5",
    "1,23",
    "12,5%",
    "1 234,5",
    "-",
    "",
    "\"1,200\"",
    "\u{a0}",
    "NaN",
];

/// A CSV as exports come: separated by commas, semicolons or tabs, its lines ended by LF, CRLF
/// or CR alone, its cells from [`EXPORT_CELLS`] under [`EXPORT_HEADERS`].
fn export_rows(random: &mut Random) -> String {
    let separator = *random.pick(&[",", ";", "\t"]);
    let line_end = *random.pick(&["\n", "\r\n", "\r"]);
    let mut text = EXPORT_HEADERS.join(separator) + line_end;
    for _ in 0..1 + random.below(300) {
        let cells: Vec<&str> = EXPORT_HEADERS.iter().map(|_| *random.pick(&EXPORT_CELLS)).collect();
        text.push_str(&cells.join(separator));
        text.push_str(line_end);
    }
    text
}
