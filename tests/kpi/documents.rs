//! The files a client receives, opened as the client's tools open them: the PDF through
//! poppler (its pages, fonts, images and text; the first page compared with a reviewed image),
//! the Word document in LibreOffice and, with the workbook, read back with python-docx and
//! openpyxl (tests/office/read.py). scripts/test installs poppler-utils, LibreOffice Writer and
//! those libraries.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::manifest_dir;

/// The share of pixels of a page image that may differ from its baseline.
const TOLERANCE: f64 = 0.01;

/// `kpi ARGS -o OUT` in the project's folder, which must succeed.
pub fn kpi(args: &[&str], out: &Path) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .current_dir(manifest_dir())
        .args(args)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output
}

/// A poppler tool's output (pdftotext's text, written to standard output).
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let to_stdout: &[&str] = if tool == "pdftotext" { &["-"] } else { &[] };
    let output = Command::new(tool).args(args).arg(pdf).args(to_stdout).output();
    let output = output.unwrap_or_else(|e| panic!("{tool} runs ({e}): run scripts/test, which installs poppler-utils"));
    assert!(output.status.success(), "{tool}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// What tests/office/read.py reads from a Word document, a workbook or a PDF.
pub fn read_back(kind: &str, file: &Path) -> serde_json::Value {
    let python = manifest_dir().join("target/test-venv/bin/python");
    assert!(
        python.exists(),
        "the office tests need python-docx, openpyxl and pypdf: run scripts/test, which installs them"
    );
    let output =
        Command::new(python).arg(manifest_dir().join("tests/office/read.py")).arg(kind).arg(file).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn entity_report(dir: &Path, extension: &str) -> PathBuf {
    dir.join(format!("2026-10/entities/晨光咖啡.{extension}"))
}

#[test]
fn a_pdf_report_is_a4_with_its_fonts_embedded_its_charts_as_vectors_and_the_client_and_page_at_each_foot() {
    let out = tempfile::tempdir().unwrap();
    kpi(&["report", "examples/wechat/ruleset.yaml", "--per-entity", "--format", "pdf"], out.path());
    let pdf = entity_report(out.path(), "pdf");
    let info = poppler("pdfinfo", &[], &pdf);
    assert!(info.contains("Page size:       595.92 x 841.92 pts (A4)"), "{info}");
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!(pages >= 2, "{pages} pages");

    // Every font is embedded and maps its glyphs to Unicode (the text can be searched and copied).
    let fonts = poppler("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for row in &rows {
        let columns: Vec<&str> = row.split_whitespace().collect();
        let (embedded, unicode) = (columns[columns.len() - 5], columns[columns.len() - 3]);
        assert_eq!((embedded, unicode), ("yes", "yes"), "{row}");
    }
    // Charts are drawn, not pasted: the report holds no image at all.
    let images = poppler("pdfimages", &["-list"], &pdf);
    assert_eq!(images.lines().count(), 2, "only the header of the list:\n{images}");

    let text = poppler("pdftotext", &["-layout"], &pdf);
    let text_pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert_eq!(text_pages.len(), pages);
    assert!(text_pages[0].contains("晨光咖啡 · 月度考核报告") && text_pages[0].contains("诊断与建议"));
    // The trends start a page of their own, under their heading.
    let trends = text_pages.iter().position(|p| p.contains("指标趋势")).unwrap();
    assert!(text_pages[trends].trim_start().starts_with("指标趋势"), "{}", text_pages[trends]);
    for (index, page) in text_pages.iter().enumerate() {
        let foot = page.trim_end().lines().last().unwrap();
        let page_number = format!("{}/{pages}", index + 1);
        assert!(foot.starts_with("晨光咖啡") && foot.replace(' ', "").ends_with(&page_number), "{foot}");
    }
}

#[test]
fn the_first_page_of_a_pdf_report_looks_as_reviewed_in_both_languages() {
    let script = manifest_dir().join("tests/browser/screenshot.mjs");
    let out = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    for language in ["zh-CN", "en"] {
        let dir = out.path().join(language);
        kpi(&["report", "examples/wechat/ruleset.yaml", "--per-entity", "--format", "pdf", "--lang", language], &dir);
        let prefix = out.path().join(format!("{language}-page"));
        let status = Command::new("pdftoppm")
            .args(["-r", "40", "-f", "1", "-l", "1", "-png", "-singlefile"])
            .arg(entity_report(&dir, "pdf"))
            .arg(&prefix)
            .status()
            .unwrap();
        assert!(status.success());
        let image = prefix.with_extension("png");
        let baseline = manifest_dir().join(format!("tests/screenshots/pdf-{language}-entity-1.png"));
        if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
            std::fs::copy(&image, &baseline).unwrap();
            continue;
        }
        let output = Command::new("node").arg(&script).arg("--compare").arg(&baseline).arg(&image).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let difference: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        match difference["ratio"].as_f64() {
            Some(ratio) if ratio <= TOLERANCE => {}
            _ => {
                let kept = baseline.with_extension("new.png");
                std::fs::copy(&image, &kept).unwrap();
                problems.push(format!("{language}: {difference} from the baseline; the page is at {}", kept.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn without_chromium_a_pdf_is_a_clear_error_with_the_command_that_installs_it_and_nothing_is_written() {
    let out = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .current_dir(manifest_dir())
        .args(["report", "examples/wechat/ruleset.yaml", "--format", "html,pdf", "-o"])
        .arg(out.path().join("reports"))
        .env("PATH", empty.path())
        .env_remove("KPI_CHROMIUM")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error = stderr.lines().skip_while(|l| !l.starts_with("error")).collect::<Vec<_>>().join("\n");
    assert_eq!(
        error,
        "error[E605]: PDF needs Chromium, which is not installed\n \
         = help: install Chromium and Chinese fonts: `sudo apt-get install chromium fonts-noto-cjk` (Debian, Ubuntu) \
         or `brew install --cask chromium` (macOS); or set KPI_CHROMIUM to a Chrome or Chromium"
    );
    assert!(!out.path().join("reports").exists(), "not even the HTML is written");
}

/// Ctrl-C while the PDFs print stops the browsers and leaves neither their profiles nor a
/// report behind.
#[test]
fn ctrl_c_while_printing_leaves_nothing_behind() {
    let temp = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .current_dir(manifest_dir())
        .args(["report", "examples/wechat/ruleset.yaml", "--per-entity", "--format", "pdf", "-o"])
        .arg(out.path().join("reports"))
        .env("TMPDIR", temp.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Once the reports are being written, however long a busy machine takes to get there.
    while !out.path().join("reports/2026-10").exists() {
        assert!(child.try_wait().unwrap().is_none(), "the run ended before a browser started");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    // SAFETY: a signal to the child this test started.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(std::fs::read_dir(temp.path()).unwrap().count(), 0, "no browser profile left");
    assert!(std::fs::read_dir(out.path()).unwrap().next().is_none(), "no report, no staging folder, no folder");
}

#[test]
fn a_word_report_has_real_headings_tables_charts_an_east_asian_font_in_its_styles_and_page_numbers() {
    let out = tempfile::tempdir().unwrap();
    kpi(&["report", "examples/wechat/ruleset.yaml", "--per-entity", "--format", "docx,md"], out.path());
    let doc = read_back("docx", &entity_report(out.path(), "docx"));
    assert_eq!(doc["headings"][0], serde_json::json!(["Heading 1", "晨光咖啡 · 月度考核报告"]));
    // The PDF's order: the headline scorecard with its findings under it, then the trends.
    assert_eq!(
        doc["headings"].as_array().unwrap()[1..4],
        [
            serde_json::json!(["Heading 2", "品牌曝光型 · 总分 107.7（A）"]),
            serde_json::json!(["Heading 3", "诊断与建议"]),
            serde_json::json!(["Heading 2", "指标趋势"]),
        ]
    );
    // The first scorecard's table, cell by cell as the Markdown report has it.
    let table = &doc["tables"][1];
    assert_eq!(table[0][0], "指标");
    assert_eq!(table[1].as_array().unwrap()[..5], ["阅读率", "35.4%", "30.0%", "118%", "118.2"]);
    let markdown = std::fs::read_to_string(entity_report(out.path(), "md")).unwrap();
    assert!(markdown.contains("| 阅读率 | 35.4% | 30.0% | 118% | 118.2 |"));
    // The radar of the headline scorecard and one trend chart per KPI.
    let trends = markdown.lines().filter(|l| l.starts_with("| ") && l.contains("个百分点")).count();
    assert!(doc["images"].as_u64().unwrap() >= 7, "{} images, {trends} trend rows", doc["images"]);
    assert_eq!(doc["default_east_asian_font"], "Microsoft YaHei");
    // No run names a font of its own, so a house style's or a brand's applies to every one.
    assert_eq!(doc["east_asian_fonts"], serde_json::json!([""]));
    assert_eq!(doc["page_cm"], serde_json::json!([21.0, 29.7]));
    assert_eq!(doc["footer"], "晨光咖啡\t1 / 1");
    assert_eq!(doc["footer_fields"], serde_json::json!(["PAGE", "NUMPAGES"]));
}

/// LibreOffice opens the Word document and lays it out: its text, tables and charts are there.
#[test]
fn a_word_report_opens_in_libreoffice() {
    let out = tempfile::tempdir().unwrap();
    kpi(&["report", "examples/wechat/ruleset.yaml", "--per-entity", "--format", "docx", "--lang", "en"], out.path());
    // A profile of its own, so that tests running side by side do not wait on each other's lock.
    let profile = format!("-env:UserInstallation=file://{}", out.path().join("profile").display());
    let status = Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
        .arg(out.path())
        .arg(entity_report(out.path(), "docx"))
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("soffice runs ({e}): run scripts/test, which installs libreoffice-writer-nogui"));
    assert!(status.success());
    let pdf = out.path().join("晨光咖啡.pdf");
    let text = poppler("pdftotext", &[], &pdf);
    for expected in ["晨光咖啡 · Monthly appraisal", "Findings and advice", "Trends", "Read rate", "35.4%"] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    let images = poppler("pdfimages", &["-list"], &pdf);
    assert!(images.lines().count() - 2 >= 7, "the radar and the trend charts:\n{images}");
}

#[test]
fn a_reference_docx_gives_word_reports_the_clients_styles_and_a_broken_one_is_reported() {
    let out = tempfile::tempdir().unwrap();
    kpi(&["report", "examples/wechat/ruleset.yaml", "--format", "docx"], &out.path().join("plain"));
    let plain = out.path().join("plain/2026-10/portfolio.docx");
    assert_eq!(read_back("docx", &plain)["heading_1_color"], "111827");
    // The client's house style: the shipped document, with red level-one headings.
    let reference = out.path().join("house.docx");
    rewrite_part(&plain, &reference, "word/styles.xml", |styles| styles.replacen("111827", "C00000", 1));
    let styled = out.path().join("styled");
    let args = ["report", "examples/wechat/ruleset.yaml", "--format", "docx", "--reference-docx"];
    kpi(&[&args[..], &[reference.to_str().unwrap()]].concat(), &styled);
    assert_eq!(read_back("docx", &styled.join("2026-10/portfolio.docx"))["heading_1_color"], "C00000");
    // Given once in the ruleset, beside it.
    let ruleset = out.path().join("house.yaml");
    let example = manifest_dir().join("examples/wechat/ruleset.yaml");
    let text = format!("ruleset: house\nextends: {}\nreport:\n  reference_docx: house.docx\n", example.display());
    std::fs::write(&ruleset, text).unwrap();
    let keyed = out.path().join("keyed");
    kpi(&["report", ruleset.to_str().unwrap(), "--data", "examples/wechat", "--format", "docx"], &keyed);
    assert_eq!(read_back("docx", &keyed.join("2026-10/portfolio.docx"))["heading_1_color"], "C00000");

    std::fs::write(out.path().join("broken.docx"), "not a zip").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kpi"))
        .current_dir(manifest_dir())
        .args(["report", "examples/wechat/ruleset.yaml", "--format", "docx", "--reference-docx"])
        .arg(out.path().join("broken.docx"))
        .arg("-o")
        .arg(out.path().join("never"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[E506]: cannot read `") && stderr.contains("broken.docx`"), "{stderr}");
    assert!(!out.path().join("never").exists());
    // Named by a ruleset, through a link that leads out of its folder: not read.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(&reference, elsewhere.path().join("secret.docx")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path().join("secret.docx"), out.path().join("linked.docx")).unwrap();
    let example = manifest_dir().join("examples/wechat/ruleset.yaml");
    let text = format!("ruleset: linked\nextends: {}\nreport:\n  reference_docx: linked.docx\n", example.display());
    std::fs::write(out.path().join("linked.yaml"), text).unwrap();
    let ruleset = out.path().join("linked.yaml");
    let linked = kpi(
        &["report", ruleset.to_str().unwrap(), "--data", "examples/wechat", "--format", "docx"],
        &out.path().join("linked"),
    );
    let stderr = String::from_utf8_lossy(&linked.stderr);
    assert!(stderr.contains("warning[E538]") && stderr.contains("linked.docx"), "{stderr}");
    assert_eq!(read_back("docx", &out.path().join("linked/2026-10/portfolio.docx"))["heading_1_color"], "111827");
}

/// `kpi report` of the example in Word with `reference` as the house style, into `out`.
fn report_styled_by(reference: &Path, out: &Path) -> Output {
    let args = ["report", "examples/wechat/ruleset.yaml", "--format", "docx", "--reference-docx"];
    Command::new(env!("CARGO_BIN_EXE_kpi"))
        .current_dir(manifest_dir())
        .args(args)
        .arg(reference)
        .arg("-o")
        .arg(out)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn a_house_style_saved_by_chinese_word_is_found_by_its_names_and_a_damaged_one_is_refused() {
    let out = tempfile::tempdir().unwrap();
    kpi(&["report", "examples/wechat/ruleset.yaml", "--format", "docx"], &out.path().join("plain"));
    let plain = out.path().join("plain/2026-10/portfolio.docx");
    // Chinese Word's ids (`1` for heading 1, `a3` for List Paragraph), red headings, and no
    // style for table text.
    let chinese = out.path().join("chinese.docx");
    rewrite_part(&plain, &chinese, "word/styles.xml", |styles| {
        let styles = styles.replacen("111827", "C00000", 1);
        let styles =
            (1..=3).fold(styles, |s, n| s.replace(&format!("w:styleId=\"Heading{n}\""), &format!("w:styleId=\"{n}\"")));
        let table_text = styles.find(r#"<w:style w:type="paragraph" w:styleId="TableText">"#).unwrap();
        let end = table_text + styles[table_text..].find("</w:style>").unwrap() + "</w:style>".len();
        format!("{}{}", &styles[..table_text], &styles[end..]).replace("ListParagraph", "a3")
    });
    let styled = report_styled_by(&chinese, &out.path().join("styled"));
    let stderr = String::from_utf8_lossy(&styled.stderr);
    assert!(styled.status.success(), "{stderr}");
    insta::assert_snapshot!("house_style_lacks_a_style", stderr.replace(&out.path().display().to_string(), "<out>"));
    let read = read_back("docx", &out.path().join("styled/2026-10/portfolio.docx"));
    assert_eq!(read["heading_1_color"], "C00000");
    let headings = read["headings"].as_array().unwrap();
    assert!(headings.len() >= 3 && headings[0][0] == "Heading 1", "{headings:?}");
    // Cut short, as a download that stopped: refused before anything is written.
    let cut = out.path().join("cut.docx");
    rewrite_part(&plain, &cut, "word/styles.xml", |styles| styles[..styles.len() / 2].to_string());
    let refused = report_styled_by(&cut, &out.path().join("never"));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cut.docx`: its styles are damaged or cut short at byte"), "{stderr}");
    assert!(!out.path().join("never").exists());
}

/// A copy of the package `from` at `to`, one part of it changed.
fn rewrite_part(from: &Path, to: &Path, name: &str, change: impl Fn(&str) -> String) {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).unwrap();
        let part_name = part.name().unwrap().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        if part_name == name {
            bytes = change(&String::from_utf8(bytes).unwrap()).into_bytes();
        }
        writer.start_file(part_name, zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(&bytes).unwrap();
    }
    writer.finish().unwrap();
}

/// A sheet's rows as maps from its header to each cell.
fn records(sheet: &serde_json::Value) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let rows = sheet["rows"].as_array().unwrap();
    let headers: Vec<String> = rows[0].as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_string()).collect();
    let record =
        |row: &serde_json::Value| headers.iter().cloned().zip(row.as_array().unwrap().iter().cloned()).collect();
    rows[1..].iter().map(record).collect()
}

#[test]
fn a_workbook_has_a_sheet_each_for_results_scorecards_findings_and_quality_with_numbers_in_their_formats() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("appraisal.xlsx");
    kpi(&["run", "examples/wechat/ruleset.yaml", "--format", "xlsx", "--period", "2026-10"], &file);
    let book = read_back("xlsx", &file);
    assert_eq!(book["sheets"], serde_json::json!(["指标结果", "计分卡", "诊断", "数据质量"]));
    let results = &book["sheet"]["指标结果"];
    assert_eq!(results["freeze_panes"], "A2");
    let rows = results["rows"].as_array().unwrap();
    let columns = rows[0].as_array().unwrap().len();
    assert_eq!(results["filter"], format!("A1:{}{}", (b'A' + columns as u8 - 1) as char, rows.len()));
    let kpis = records(results);
    let row = |entity: &str, kpi: &str| kpis.iter().find(|r| r["账号"] == entity && r["指标 ID"] == kpi).unwrap();
    // 阅读率 35.4% in the report: the number itself, shown as a percent with the KPI's decimals.
    let read_rate = row("晨光咖啡", "read_rate");
    assert_eq!(read_rate["指标"], "阅读率");
    let value = &read_rate["实际值"];
    assert!((value[0].as_f64().unwrap() - 0.354).abs() < 0.0005 && value[1] == "0.0%", "{value}");
    assert_eq!(read_rate["达成率"][1], "0%", "attainment as the report shows it, 118%");
    assert_eq!(read_rate["得分"][1], "#,##0.0", "a score with one decimal");
    assert_eq!(read_rate["档位"], "合格", "the band's label beside its id");
    assert_eq!(read_rate["周期"], "2026-10");
    // openpyxl reads a date cell as a datetime, which the reader prints as such; a text would
    // stay `2026-10-01`.
    assert_eq!(read_rate["周期开始"], "2026-10-01 00:00:00", "a date Excel sorts");
    assert_eq!(row("晨光咖啡", "leads")["实际值"], serde_json::json!([1514, "#,##0"]));
    assert_eq!(row("晨光咖啡", "cpc")["实际值"][1], "\"¥\"#,##0.00;-\"¥\"#,##0.00");

    let scorecards = records(&book["sheet"]["计分卡"]);
    assert!(scorecards.iter().any(|r| r["账号"] == "晨光咖啡" && r["计分卡"] == "品牌曝光型" && r["等级"] == "A"));
    let findings = records(&book["sheet"]["诊断"]);
    let open_rate = findings.iter().find(|r| r["账号"] == "晨光咖啡" && r["诊断 ID"] == "low_open_rate").unwrap();
    let words = [&open_rate["严重程度"], &open_rate["状态"], &open_rate["发现"]];
    assert_eq!(words, ["警告", "新出现", "打开率 39.7%，低于 40% 合格线"]);
    assert_eq!(book["sheet"]["数据质量"]["rows"][0][0], "账号");
}

/// The workbook pivots: the accounts alone on their sheets, with their brand, platform and
/// role; the brand's roll-up on sheets of its own; columns as wide as their shown values; each
/// sheet printed landscape, a page wide, its header on every page; the brand's colour.
#[test]
fn a_workbook_keeps_roll_ups_apart_has_attributes_to_pivot_by_and_prints_a_page_wide() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("appraisal.xlsx");
    kpi(&["run", "examples/social-brand/ruleset.yaml", "--format", "xlsx"], &file);
    let book = read_back("xlsx", &file);
    let sheets = ["指标结果", "计分卡", "诊断", "指标结果 · 品牌", "计分卡 · 品牌", "诊断 · 品牌", "数据质量"];
    assert_eq!(book["sheets"], serde_json::json!(sheets));
    let results = &book["sheet"]["指标结果"];
    assert_eq!(
        results["rows"][0].as_array().unwrap()[..7],
        ["账号", "品牌", "平台", "角色", "竞品", "周期", "周期开始"]
    );
    let accounts = records(results);
    assert!(accounts.iter().all(|r| r["账号"] != "晨光咖啡"), "no group among the accounts");
    let reach = |rows: &[serde_json::Map<String, serde_json::Value>], who: &str, whose: &str| -> f64 {
        let of = |r: &&serde_json::Map<String, serde_json::Value>| {
            r[whose] == who && r["周期"] == "2026-08" && r["指标 ID"] == "reach"
        };
        rows.iter().filter(of).map(|r| r["实际值"][0].as_f64().unwrap()).sum()
    };
    let groups = records(&book["sheet"]["指标结果 · 品牌"]);
    // A pivot of the accounts' reach by brand gives the roll-up's: each account counted once.
    assert_eq!(reach(&accounts, "晨光咖啡", "品牌"), reach(&groups, "晨光咖啡", "品牌"));
    assert!(accounts.iter().any(|r| r["竞品"] == "是") && accounts.iter().any(|r| r["竞品"] == "否"));
    // 达成率 shows as `118%`: its column is sized to that, not to the number's 17 digits.
    let header = results["rows"][0].as_array().unwrap();
    let letter = |name: &str| ((b'A' + header.iter().position(|h| h == name).unwrap() as u8) as char).to_string();
    assert!(results["widths"][letter("达成率")].as_f64().unwrap() <= 10.0, "{}", results["widths"]);
    for sheet in sheets {
        let print = &book["sheet"][sheet]["print"];
        assert_eq!(print["orientation"], "landscape", "{sheet}");
        let fit = [&print["fit_to_width"], &print["fit_to_height"], &print["fit_to_page"]];
        assert_eq!(fit, [&serde_json::json!(1), &serde_json::json!(0), &serde_json::json!(true)], "{sheet}");
        assert_eq!(print["titles"], "$1:$1", "{sheet}: the header row on every printed page");
        assert_eq!(book["sheet"][sheet]["header_fill"], "FF0F4C5C", "{sheet}: the brand's primary colour");
    }
    assert_eq!(book["properties"]["author"], "晨曦咨询");
    assert_eq!(book["properties"]["title"], "晨光咖啡 · 考核结果");
    assert_eq!(book["properties"]["created"], "2026-10-31T00:00:00", "the last period's end, not the clock");
}
