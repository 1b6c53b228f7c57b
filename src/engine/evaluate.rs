//! The whole evaluation, as the pipeline runs: sources read and aggregated per entity and
//! period (all in one parallel collect), the grid of every entity × every period built with
//! the aggregates, attributes and target tables joined on, then every computed column in
//! layers, in one lazy query.

use indexmap::IndexMap;
use polars::prelude::*;

use super::aggregates::Aggregates;
use super::evaluation::{Evaluation, FileRead, Found};
use super::files::Spills;
use super::grid::{self, Inputs};
use super::layers::{self, Computed, Layer};
use super::probes::Probes;
use super::quality::{self, SourceQuality};
use super::shares::{self, Share};
use super::sources::SourceRef;
use super::{attributes, failure, files, formulas, scorecards, scoring, targets};
use crate::compile::{self, Context, GridColumn};
use crate::error::{Error, ErrorKind, Errors, Result};
use crate::ruleset::CheckedRuleset;
use crate::ruleset::model::Source;
use crate::ruleset::yaml::PathStep::Key;
use std::sync::Arc;

pub fn evaluate(ruleset: &CheckedRuleset) -> Result<Evaluation> {
    evaluate_with(ruleset, Probes::default())
}

/// Evaluates, and computes `probes` (parts of the ruleset's formulas) as columns of their own,
/// for explanations.
pub fn evaluate_with(ruleset: &CheckedRuleset, probes: Probes) -> Result<Evaluation> {
    evaluate_in_turns(ruleset, probes, Turns::BySize)
}

/// How many turns the sources of rows are read in (engine/shares.rs).
#[derive(Clone, Copy, Debug)]
pub enum Turns {
    /// One per [`SHARE_BYTES`](super::shares::SHARE_BYTES) of their files.
    BySize,
    Exactly(u32),
}

/// As [`evaluate_with`], the sources of rows read in `turns`: the result is the same for any
/// number of turns.
pub fn evaluate_in_turns(ruleset: &CheckedRuleset, probes: Probes, turns: Turns) -> Result<Evaluation> {
    files_only(ruleset)?;
    let aggregates = Aggregates::of(ruleset);
    let mut warnings = Vec::new();
    let turns = match turns {
        Turns::BySize => Share::count_for(row_source_bytes(ruleset)),
        Turns::Exactly(turns) => turns.max(1),
    };
    // The rows of the later turns, set aside as the first reads them, for as long as the
    // evaluation lasts (its quality notes may read a source again).
    let spills = if turns > 1 { Some(Spills::new()?) } else { None };
    let (inputs, quality) = read_inputs(ruleset, &aggregates, (turns, spills.as_ref()), &mut warnings)?;
    let (entities, periods) = grid::extent(&inputs, ruleset, &aggregates)?;
    let (quality, daily) = quality::notes(ruleset, quality, &entities)?;
    let cells = grid::cells(&entities, &periods)?;
    let grid = grid::join_inputs(cells, inputs, ruleset, &aggregates);
    let grid = targets::join(grid, ruleset, &mut warnings)?;
    let layers = computed_columns(ruleset, &aggregates, &probes);
    let frame = layers::apply(grid.clone(), &layers).collect().map_err(|e| failure::computing(&grid, &layers, e))?;
    let found = Found { warnings, quality, daily, files: files_read(ruleset) };
    Ok(Evaluation::new(ruleset, frame, entities, periods, found, probes)?)
}

/// The engine here reads files: a source that is a warehouse table is read where it lives.
fn files_only(ruleset: &CheckedRuleset) -> Result<()> {
    let tables = ruleset.model.sources.iter().filter_map(|(name, source)| Some((name, source.table.as_ref()?)));
    let errors = tables.map(|(name, table)| {
        let kind = ErrorKind::TableNeedsEngine { source_name: name.clone(), table: table.clone() };
        let help = "run it with `--engine duckdb:FILE`, `--engine postgres://…` or `--engine spark://…`";
        Error::new(kind)
            .help(help)
            .at_opt(ruleset.tree.at(&[Key("sources"), Key(name), Key("table")]).map(|n| n.location.clone()))
    });
    Errors::check(errors.collect(), ())
}

/// Every source of rows aggregated per entity and period, the attribute table, and what the
/// rows say about the data. Sources without files are warnings.
fn read_inputs<'a>(
    ruleset: &'a CheckedRuleset,
    aggregates: &Aggregates,
    (turns, spills): (u32, Option<&'a Arc<Spills>>),
    warnings: &mut Vec<Error>,
) -> Result<(Inputs<'a>, Vec<SourceQuality<'a>>)> {
    let mut errors = Vec::new();
    let mut sources = Vec::new();
    let mut unread = Vec::new();
    for (name, source) in ruleset.row_sources() {
        let source = SourceRef::new(name, source, ruleset).in_turns(turns, spills);
        let missing = source.missing_files();
        if !missing.is_empty() {
            warnings.extend(missing);
            unread.push(name.as_str());
            continue;
        }
        warnings.extend(source.ambiguous_entity());
        match aggregates.plan(&source, ruleset.model.grain.period) {
            Ok(plan) => sources.push((source, plan)),
            Err(found) => errors.extend(found.into_vec()),
        }
    }
    let attributes = attributes::table(ruleset, warnings).unwrap_or_else(|found| {
        errors.extend(found.into_vec());
        None
    });
    Errors::check(errors, ())?;
    let mut stacked: Vec<Option<DataFrame>> = vec![None; sources.len()];
    for share in Share::all(turns) {
        // The first turn's plans are those made above; the later turns' read their own share.
        let mut plans = Vec::new();
        for (source, plan) in &sources {
            let plan = match share.index {
                0 => plan.grouped.clone(),
                _ => aggregates.plan(&SourceRef { share, ..*source }, ruleset.model.grain.period)?.grouped,
            };
            plans.push((SourceRef { share, ..*source }, plan));
        }
        let collected = collect_sources(plans, aggregates)?.into_iter();
        give_back_freed_memory();
        for (((read, frame), (source, _)), stacked) in collected.zip(&mut sources).zip(&mut stacked) {
            // A source read again as text in one turn is read so when its rows are read again.
            source.as_text |= read.as_text;
            shares::stack(stacked, frame)?;
        }
    }
    let mut aggregated = Vec::new();
    let mut qualities = Vec::new();
    for ((source, plan), frame) in sources.into_iter().zip(stacked) {
        let frame = frame.expect("every source is read in every turn");
        let columns = aggregates.columns_of(source.name);
        let (frame, quality) = quality::split(source, frame, plan.differences, columns)?;
        aggregated.push((source.name, frame));
        qualities.push(quality);
    }
    Ok((Inputs { aggregated, unread, attributes }, qualities))
}

/// Memory a turn freed, given back to the system: otherwise the allocator keeps it in the
/// arenas of the threads that read, and a later turn's peak sits on top of it.
fn give_back_freed_memory() {
    // SAFETY: malloc_trim only returns free pages of the allocator's own heap to the system.
    unsafe { libc::malloc_trim(0) };
}

/// The size of the files of every source of rows: what decides how many turns they are read in.
fn row_source_bytes(ruleset: &CheckedRuleset) -> u64 {
    let files =
        ruleset.row_sources().flat_map(|(_, source)| files::find_parts(source, &ruleset.base_dir).unwrap_or_default());
    files.filter_map(|(path, _)| std::fs::metadata(path).ok()).map(|metadata| metadata.len()).sum()
}

/// The plans of one share of all sources, collected in parallel; a failure is reported at the
/// source (and file) that fails on its own.
fn collect_sources<'a>(
    plans: Vec<(SourceRef<'a>, LazyFrame)>,
    aggregates: &Aggregates,
) -> Result<Vec<(SourceRef<'a>, DataFrame)>> {
    let logical = plans.iter().map(|(_, plan)| plan.clone().logical_plan).collect();
    match LazyFrame::collect_all_with_engine(logical, Engine::Auto, OptFlags::default()) {
        Ok(frames) => Ok(plans.into_iter().map(|(source, _)| source).zip(frames).collect()),
        Err(_) => {
            // One by one, to find the source that fails; one the reader could not parse is read
            // again with its dates and numbers as text, which tells total rows and reads numbers
            // written for people past the rows the sample saw.
            let mut frames = Vec::new();
            for (source, plan) in plans {
                let read = match plan.collect() {
                    Ok(frame) => (source, frame),
                    Err(_) => {
                        let careful = source.as_text();
                        let plan = aggregates.plan(&careful, source.ruleset.model.grain.period)?;
                        let frame = plan.grouped.collect();
                        (
                            careful,
                            frame.map_err(|e| failure::reading(&careful, &aggregates.columns_of(source.name), e))?,
                        )
                    }
                };
                frames.push(read);
            }
            Ok(frames)
        }
    }
}

/// The grid's computed columns, in the order they read each other.
pub(super) fn computed_columns<'a>(
    ruleset: &'a CheckedRuleset,
    aggregates: &Aggregates,
    probes: &Probes,
) -> Vec<Layer<'a>> {
    let mut layers = formulas::values(ruleset, aggregates);
    layers.push(formulas::targets(ruleset, aggregates));
    layers.push(scoring::appraisal(ruleset, aggregates));
    layers.push(scorecards::weights(ruleset, aggregates));
    layers.push(scorecards::totals(ruleset));
    layers.push(scorecards::standings(ruleset, aggregates));
    let context = Context::plain(aggregates);
    let probe = |(index, ir)| Computed::engine(compile::compile(ir, &context).alias(GridColumn::Probe(index).name()));
    layers.push(probes.formulas().iter().enumerate().map(probe).collect());
    layers
}

/// The files of each source of rows, by name: the file's name, or, for a source with one file
/// or folder per entity, its path from the folder named by `{entity}` on (`晨光咖啡/用户增长.xls`).
fn files_read(ruleset: &CheckedRuleset) -> IndexMap<String, Vec<FileRead>> {
    let base = &ruleset.base_dir;
    let read = |source: &Source| -> Vec<FileRead> {
        let found = files::find_parts(source, base).unwrap_or_default();
        let read_as = |(path, part): &(std::path::PathBuf, Source)| {
            let fixed: std::path::PathBuf = std::path::Path::new(&part.path)
                .components()
                .take_while(|piece| !piece.as_os_str().to_string_lossy().contains(['{', '*', '?', '[']))
                .collect();
            let name = match part.entity_from_path() {
                true => path.strip_prefix(base.join(&fixed)).unwrap_or(path).display().to_string(),
                false => path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
            };
            let entity = files::entity_in_path(part, base, path).map(|e| e.trim().to_string());
            FileRead { name, entity }
        };
        found.iter().map(read_as).collect()
    };
    ruleset.row_sources().map(|(name, source)| (name.clone(), read(source))).collect()
}
