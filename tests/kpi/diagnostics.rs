//! Every kind of problem, rendered exactly as `kpi check --data` shows it: one fixture folder
//! per area under tests/fixtures/errors, one snapshot each.

use std::path::Path;

use kpi::{engine, project};

use crate::support::manifest_dir;

/// The problems of a ruleset, as `kpi check --data` and then `kpi run` show them: loading and
/// validating, then its data (warnings first), then evaluating and rolling up.
fn problems(path: &Path) -> String {
    let data = path.parent().unwrap();
    let mut warnings = Vec::new();
    let outcome = project::open(path, Some(data))
        .and_then(|ruleset| project::verify_data(&ruleset).map(|found| (ruleset, found)))
        .and_then(|(ruleset, found)| {
            warnings = found;
            let evaluation = engine::evaluate(&ruleset)?;
            for attribute in &ruleset.model.rollups {
                engine::rollup::rollup(&ruleset, &evaluation, attribute, engine::Probes::default())?;
            }
            Ok(())
        });
    match outcome {
        Ok(()) => panic!("{} has no problem", path.display()),
        Err(errors) => kpi::diagnostic::render_warnings(&warnings) + &kpi::diagnostic::render(&errors),
    }
}

#[test]
fn every_diagnostic_is_rendered_exactly() {
    insta::glob!("../fixtures", "errors/*/ruleset.yaml", |path| {
        let relative = path.strip_prefix(manifest_dir()).unwrap();
        insta::assert_snapshot!(problems(relative));
    });
}

#[test]
fn problems_in_formulas_point_inside_the_yaml_value() {
    let rendered = problems(Path::new("tests/fixtures/errors/names/ruleset.yaml"));
    assert!(
        rendered
            .contains("error[E304]: unknown name `raeders`\n  --> tests/fixtures/errors/names/ruleset.yaml:14:14\n"),
        "{rendered}"
    );
    assert!(rendered.contains("= help: did you mean `readers`?"), "{rendered}");
}
