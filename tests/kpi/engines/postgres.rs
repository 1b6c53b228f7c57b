//! The same comparisons on PostgreSQL: a private server started for the test (the Debian
//! package, which `scripts/test` installs), listening on a Unix socket in a fresh folder and on
//! no network address, stopped and removed at the end.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{assert_same, json, kpi, warehouse};

/// A PostgreSQL server of its own.
struct Server {
    dir: tempfile::TempDir,
    bin: PathBuf,
}

impl Server {
    fn start() -> Server {
        let dir = tempfile::tempdir().unwrap();
        if as_root() {
            assert!(Command::new("chown").arg("postgres").arg(dir.path()).status().unwrap().success());
        }
        let server = Server { dir, bin: server_programs() };
        let data = server.dir.path().join("data");
        let initdb = ["--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C.UTF-8", "-D"];
        succeeds(server.program("initdb").args(initdb).arg(&data));
        let options = format!("-k {} -c listen_addresses=''", server.dir.path().display());
        let log = server.dir.path().join("log");
        succeeds(
            server.program("pg_ctl").args(["-w", "-o", &options, "-l"]).arg(log).arg("-D").arg(&data).arg("start"),
        );
        server
    }

    /// One of the server's programs; run as `postgres` under root, as the server refuses root.
    fn program(&self, name: &str) -> Command {
        let program = self.bin.join(name);
        match as_root() {
            true => {
                let mut command = Command::new("runuser");
                command.args(["-u", "postgres", "--"]).arg(program);
                command
            }
            false => Command::new(program),
        }
    }

    /// A new database named `name` with `sql` run in it from `dir` (where `\copy` finds its
    /// files); its URL.
    fn database(&self, name: &str, sql: &str, dir: &Path) -> String {
        let socket = self.dir.path().display();
        psql(&format!("postgresql://postgres@/postgres?host={socket}"), &format!("CREATE DATABASE {name};"), dir);
        let url = format!("postgresql://postgres@/{name}?host={socket}");
        psql(&url, sql, dir);
        url
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let data = self.dir.path().join("data");
        let _ = self.program("pg_ctl").args(["-w", "-m", "immediate", "-D"]).arg(data).arg("stop").output();
    }
}

fn as_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn succeeds(command: &mut Command) {
    let output = command.output().unwrap();
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// The folder of `initdb` and `pg_ctl`: Debian's newest server.
fn server_programs() -> PathBuf {
    let versions = std::fs::read_dir("/usr/lib/postgresql").ok();
    let mut found: Vec<PathBuf> = versions.into_iter().flatten().flatten().map(|v| v.path().join("bin")).collect();
    found.retain(|bin| bin.join("initdb").exists());
    found.sort();
    found.pop().expect("PostgreSQL's server is missing: run scripts/test, which installs it")
}

/// `sql` (statements and `psql`'s own commands) run on `url` from `dir`.
fn psql(url: &str, sql: &str, dir: &Path) {
    let mut child = Command::new("psql")
        .args(["--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"])
        .arg(format!("--dbname={url}"))
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(sql.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "psql: {}", String::from_utf8_lossy(&output.stderr));
}

/// The fixture's tables, typed as a warehouse types them, loaded from its CSV files.
const LOAD: &str = r"
CREATE TABLE users (account text, day date, new bigint, lost bigint, total bigint);
CREATE TABLE articles (account text, published date, readers bigint, likes bigint, title text);
CREATE TABLE accounts (account text, kind text);
\copy users FROM 'users.csv' CSV HEADER
\copy articles FROM 'articles.csv' CSV HEADER
\copy accounts FROM 'accounts.csv' CSV HEADER
";

/// One server for every comparison, as starting one takes seconds.
#[test]
fn every_function_gives_on_postgresql_what_it_gives_on_files() {
    let server = Server::start();
    for grain in ["month", "week"] {
        let dir = warehouse(grain);
        let url = server.database(&format!("engines_{grain}"), LOAD, dir.path());
        let files = json(kpi(dir.path(), &["run", "files.yaml", "--format", "json"]));
        let tables = json(kpi(dir.path(), &["run", "tables.yaml", "--engine", &url, "--format", "json"]));
        assert_same(&files, &tables);
        assert_eq!(files["results"].as_array().unwrap().len(), 3 * 28 * if grain == "month" { 4 } else { 10 });
        if grain == "month" {
            super::longer_periods_same_on(dir.path(), &url);
        }
    }
    names_that_break_pasted_sql(&server);
    quality_notes(&server);
    let (data, ruleset) = super::example_client("engines-postgres");
    let url = server.database("wechat", &super::tables::postgres_script(&ruleset, &data), &data);
    super::example_client_same_on(&data, &url);
    rows_the_grid_would_lose(&server);
    test_cases(&server);
    checked_columns(&server);
}

/// `kpi check --engine` passes on the fixture's tables, and says what it says on DuckDB once
/// a column is renamed and one turned to text.
fn checked_columns(server: &Server) {
    let dir = warehouse("month");
    let url = server.database("checked", LOAD, dir.path());
    let check = || kpi(dir.path(), &["check", "tables.yaml", "--engine", &url]);
    let good = check();
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
    psql(&url, super::BROKEN, dir.path());
    let broken = check();
    assert_eq!(broken.status.code(), Some(2));
    let label = url.split('?').next().unwrap();
    let said = String::from_utf8(broken.stderr).unwrap().replace(label, "ENGINE").replace("holds text", "holds TEXT");
    assert_eq!(said, super::check_broken_on_duckdb(dir.path()));
    let missing = super::missing_table_on(dir.path(), &url);
    assert_eq!(missing, super::missing_table_on(dir.path(), "duckdb:warehouse.duckdb"));
}

fn names_that_break_pasted_sql(server: &Server) {
    let dir = tempfile::tempdir().unwrap();
    let (sql, ruleset) = super::hostile_table();
    let url = server.database("hostile", &sql, dir.path());
    std::fs::write(dir.path().join("ruleset.yaml"), ruleset).unwrap();
    super::assert_hostile_names_kept(dir.path(), &url);
}

/// The quality fixture's tables, as DuckDB wrote their rows.
const QUALITY: &str = r#"
CREATE TABLE users ("日期" date, "账号" text, "新关注" bigint, "取关" bigint, "净增" bigint);
CREATE TABLE articles ("发表时间" date, "账号" text, "标题" text, "阅读人数" bigint);
\copy users FROM 'users.csv' CSV HEADER
\copy articles FROM 'articles.csv' CSV HEADER
"#;

fn quality_notes(server: &Server) {
    let dir = super::quality_warehouse();
    let url = server.database("quality", QUALITY, dir.path());
    assert_eq!(super::same_notes(dir.path(), &url), super::same_notes(dir.path(), "duckdb:warehouse.duckdb"));
}

/// The errors of rows without an account and of an account twice are DuckDB's, word for word.
fn rows_the_grid_would_lose(server: &Server) {
    let dir = warehouse("month");
    let url = server.database("lost", &format!("{LOAD}{}", super::LOST_AND_REPEATED), dir.path());
    super::load(dir.path(), super::LOST_AND_REPEATED);
    let run = |engine: &str| kpi(dir.path(), &["run", "tables.yaml", "--engine", engine]);
    let (on_postgres, on_duckdb) = (run(&url), run("duckdb:warehouse.duckdb"));
    assert_eq!(on_postgres.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&on_postgres.stderr), String::from_utf8_lossy(&on_duckdb.stderr));
}

/// The test cases' tables are temporary tables of the case's session: the database is empty.
fn test_cases(server: &Server) {
    let dir = warehouse("month");
    let url = server.database("cases", "", dir.path());
    let on_files = super::cases::run_cases(dir.path(), "files.yaml", None);
    let on_postgres = super::cases::run_cases(dir.path(), "tables.yaml", Some(&url));
    assert_eq!(on_files, on_postgres);
    assert!(on_postgres.1.contains("3 passed, 1 failed"), "{}", on_postgres.1);
    // Line ends, quotes and separators stay text; a NUL, which PostgreSQL's text cannot hold,
    // is refused before anything runs; nothing was committed.
    let hostile = |engine, nul| super::cases::run_hostile_case(dir.path(), engine, nul);
    assert_eq!(hostile(Some(url.as_str()), false), hostile(None, false));
    let (code, said) = hostile(Some(url.as_str()), true);
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("row 1 holds a NUL character in column `title`, which PostgreSQL's text cannot hold"),
        "{said}"
    );
    psql(
        &url,
        "DO $$ BEGIN IF to_regclass('pwned') IS NOT NULL THEN RAISE 'a cell ran as SQL'; END IF; END $$;",
        dir.path(),
    );
}
