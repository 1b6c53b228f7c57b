//! The one error type of the library. Every problem a user can cause has a kind here, with one
//! `Display` arm each, and most carry the place in the file where it was found. The payload is
//! boxed, so a `Result` costs one pointer on the path where nothing goes wrong.
//!
//! Rendering for people (the source line, the caret) is [`crate::diagnostic`]'s; `Display` here
//! is the plain one-line message, for logs and panics.

use std::fmt;

use crate::location::Location;

pub type Result<T, E = Errors> = std::result::Result<T, E>;

/// Declares [`ErrorKind`] and, from the same list, its fieldless [`ErrorCode`]: a kind and its
/// code are written once, so that no kind is without a code.
macro_rules! kinds {
    ($($(#[$doc:meta])* $code:ident $kind:ident $({ $($(#[$field_doc:meta])* $field:ident: $type:ty),* $(,)? })?,)*) => {
        /// What went wrong, one kind per problem, each with its code (`E301`): the codes are
        /// listed in docs/errors.md, and a test checks that every code there has a rendered
        /// example. Names in messages are in backticks, as the user wrote them. A kind means
        /// one thing: a new kind of problem gets a new kind, even where its message reads like
        /// another's.
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum ErrorKind {
            $($(#[$doc])* $kind $({ $($(#[$field_doc])* $field: $type),* })?,)*
        }

        /// A kind of problem without its details: what docs/errors.md lists, and what a
        /// message shows (`error[E304]`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $($kind,)*
        }

        impl ErrorCode {
            /// Every code, in the order of docs/errors.md.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$kind,)*];

            /// As messages and docs/errors.md write it: `E304`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$kind => stringify!($code),)*
                }
            }

            /// The kind's name: `UnknownName`.
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$kind => stringify!($kind),)*
                }
            }
        }

        impl ErrorKind {
            pub fn code(&self) -> ErrorCode {
                match self {
                    $(ErrorKind::$kind { .. } => ErrorCode::$kind,)*
                }
            }
        }
    };
}

// Every kind of problem, with its code, grouped by where it is found.
kinds! {
    // The YAML file and its structure.
    E101 YamlSyntax { message: String },
    E102 YamlTooLarge { what: &'static str, limit: usize, unit: &'static str },
    E103 DuplicateKey { key: String },
    E104 UnknownKey { key: String },
    E105 MissingKey { key: String },
    E106 WrongType { expected: String, found: String },
    E107 UnknownValue { value: String },

    // `extends` and `remove`.
    E201 UnknownBuiltin { name: String },
    E202 NotARuleset { path: String, reason: &'static str },
    E203 ExtendsCycle { path: Vec<String> },
    E204 NotInherited { name: String },
    E205 UnknownSection { section: String },
    E206 NotASectionName { found: String },

    // Formulas.
    E301 FormulaSyntax { message: String },
    E302 FormulaTooLarge { message: String },
    E303 NumberTooLarge,
    E304 UnknownName { name: String },
    E305 UnknownColumn { source_name: String, column: String },
    E306 UnknownFunction { name: String },
    E307 UnknownSource { name: String },
    E308 WrongArgumentCount { function: String, expected: String, found: usize },
    E309 NoSourceColumn { function: String },
    E310 UnknownArgument { function: String, argument: String },
    E311 RepeatedArgument { function: String, argument: String },
    E312 MissingArgument { function: String, argument: String },
    E313 WrongValueType { expected: &'static str, found: &'static str, what: String },
    E314 NotAWholeNumber { function: String, argument: String },
    E315 NestedAggregation { outer: String, inner: String },
    E316 NotAllowedHere { what: String, place: &'static str },
    E317 UnaggregatedColumn { name: String },
    E318 MixedSources { function: String, first: String, second: String },
    E319 Cycle { path: Vec<String> },
    E320 DuplicateName { name: String, first: &'static str, second: &'static str },

    // The rest of the ruleset.
    E401 UnknownKpi { name: String },
    E402 UnscorableKpi { name: String },
    E403 DuplicateDiagnosis { id: String },
    E404 TemplateSyntax { message: String },
    E405 NotInText { what: String },
    E406 UnknownTextVariable { name: String },
    E407 Template { template: String, message: String },
    E408 NegativeWeight { kpi: String, weight: f64 },
    E409 Unreachable { name: String, otherwise: String },
    E410 WeightsDoNotSum { scorecard: String, sum: f64 },
    E411 InvalidSource { source_name: String, message: String },
    E412 UnknownPeriod { period: String },
    E413 MissingLabel { what: &'static str, name: String, language: &'static str },

    // Data.
    E501 NoFiles { pattern: String },
    E502 TooManyFiles { pattern: String, limit: usize },
    E503 MissingColumn { header: String, file: String },
    E504 NoEntityInPath { file: String, pattern: String },
    E505 AmbiguousEntity { file: String, entity: String, others: String },
    E506 UnreadableFile { path: String, message: String },
    E507 UnreadableData { source_name: String, file: Option<String>, message: String },
    E508 RemovedStillUsed { removed: String, dependants: String },
    E509 BadAction { file: String, line: usize, message: String },
    E510 UnknownAttribute { name: String },
    E511 NotInRollup { attribute: String, entities: String },
    E512 TextInRollup { aggregation: String, attribute: String },
    E513 FlagNeeds { flag: &'static str, needs: &'static str },
    E514 GitRevision { spec: String, message: String },
    E515 FolderNotEmpty { path: String },
    E516 NoTestFiles { paths: String },
    E517 InvalidTestData { source_name: String, message: String },
    E518 BrokenLine {
        file: String,
        line: usize,
        /// What is wrong with it: "has 5 fields, more than the 3 headers".
        problem: String,
    },
    E519 BadDate { value: String, column: String, line: Option<usize>, file: String },
    E520 BadNumber {
        value: String,
        /// What the column holds: `a number`, or `a date or time` in arithmetic.
        expected: &'static str,
        column: String,
        line: usize,
        file: String,
    },
    E521 NotADateColumn { column: String, file: String, found: String },
    E522 RowsWithoutKey { source_name: String, missing: &'static str, file: Option<String>, line: Option<usize> },
    E523 DateOutOfRange { source_name: String, date: String },
    E524 GridTooLarge { entities: usize, periods: usize, limit: usize },
    E525 DuplicateEntity { entity: String, table: String, lines: Vec<usize> },
    E526 DuplicateTarget { table: String, kpi: String, entity: String, lines: Option<[usize; 2]> },
    E527 NoDatedRows,
    E529 FormulaFailed { message: String },
    E530 TextFailed { diagnosis: String, entity: String, period: String, message: String },
    E531 UnknownEntity { entity: String },
    E532 PeriodOutsideData { period: String, first: String, last: String },
    E533 TableNeedsEngine { source_name: String, table: String },
    E534 FilesOnEngine { source_name: String },
    E535 RecountOnEngine { aggregation: String, attribute: String },
    E536 NotANumberColumn { column: String, table: String, found: String },
    E538 LinkLeadsOut { path: String },
    E539 HeaderNamesColumns { header: String, count: usize, file: String },
    E540 MissingTable { table: String, engine: String },
    E541 ReferenceLacksStyle { style: String, path: String },
    E542 NamesAlike { first: String, second: String },
    E543 SourceMissing { source_label: String, period: String, entities: String },
    E544 SourcePartial { source_label: String, period: String, days: usize, of: usize, through: String, entities: String },
    E545 TargetOfShorterPeriod { kpi: String, target: String, own: &'static str, longer: &'static str },
    E546 DataBeginsLate { entities: String, first_day: String, period: String, days: usize, of: usize },

    // The command line and the files it writes.
    E601 NotAFolder { flag: &'static str, path: String },
    E602 NeedsOutputFile { format: &'static str },
    E603 UnwritableFile { path: String, message: String },
    E604 PortUnavailable { port: u16, message: String },
    E605 ToolMissing { tool: &'static str, purpose: &'static str },
    E606 ToolFailed { tool: &'static str, message: String },

    /// A bug: neither the user's input nor the machine's failure (a full disk is `E603`).
    E900 Internal { message: String },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            YamlSyntax { message } => write!(f, "YAML syntax: {message}"),
            YamlTooLarge { what, limit, unit } => write!(f, "{what} more than {limit} {unit}"),
            DuplicateKey { key } => write!(f, "duplicate key `{key}`"),
            UnknownKey { key } => write!(f, "unknown key `{key}`"),
            MissingKey { key } => write!(f, "missing key `{key}`"),
            WrongType { expected, found } => write!(f, "expected {expected}, found {found}"),
            UnknownValue { value } => write!(f, "unknown value `{value}`"),
            UnknownBuiltin { name } => write!(f, "unknown name `builtin:{name}`"),
            NotARuleset { path, reason } => write!(f, "`{path}` is not read as a ruleset: {reason}"),
            ExtendsCycle { path } => write!(f, "dependency cycle: {}", path.join(" → ")),
            NotInherited { name } => write!(f, "unknown name `{name}`"),
            UnknownSection { section } => write!(f, "unknown section `{section}`"),
            NotASectionName { found } => write!(f, "expected `section.name`, like `kpis.roi`, found `{found}`"),
            FormulaSyntax { message } => write!(f, "formula syntax: {message}"),
            FormulaTooLarge { message } => f.write_str(message),
            NumberTooLarge => f.write_str("this number is too large: numbers go up to about 1.8e308"),
            UnknownName { name } => write!(f, "unknown name `{name}`"),
            UnknownColumn { source_name, column } => write!(f, "unknown name `{source_name}.{column}`"),
            UnknownFunction { name } => write!(f, "unknown function `{name}`"),
            UnknownSource { name } => write!(f, "unknown source `{name}`"),
            WrongArgumentCount { function, expected, found } => {
                write!(f, "`{function}` takes {expected}, found {found}")
            }
            NoSourceColumn { function } => write!(f, "`{function}` takes a source column, found 0"),
            UnknownArgument { function, argument } => write!(f, "`{function}` has no argument `{argument}`"),
            RepeatedArgument { function, argument } => {
                write!(f, "argument `{argument}` of `{function}` is given twice")
            }
            MissingArgument { function, argument } => write!(f, "`{function}` needs its argument `{argument}`"),
            WrongValueType { expected, found, what } => write!(f, "{what} must be {expected}, found {found}"),
            NotAWholeNumber { function, argument } => {
                write!(f, "argument `{argument}` of `{function}` must be a whole number written out, like `3`")
            }
            NestedAggregation { outer, inner } => write!(f, "aggregation `{inner}` inside aggregation `{outer}`"),
            NotAllowedHere { what, place } => write!(f, "{what} is not allowed in {place}"),
            UnaggregatedColumn { name } => write!(f, "source column `{name}` is used without an aggregation"),
            MixedSources { function, first, second } => {
                write!(f, "`{function}` mixes rows of sources `{first}` and `{second}`")
            }
            Cycle { path } => write!(f, "dependency cycle: {}", path.join(" → ")),
            DuplicateName { name, first, second } => write!(f, "`{name}` is defined both as {first} and as {second}"),
            UnknownKpi { name } => write!(f, "unknown KPI `{name}`"),
            UnscorableKpi { name } => write!(f, "KPI `{name}` is not allowed in scorecard weights"),
            DuplicateDiagnosis { id } => write!(f, "duplicate key `{id}`"),
            TemplateSyntax { message } => write!(f, "template syntax: {message}"),
            NotInText { what } => f.write_str(what),
            UnknownTextVariable { name } => write!(f, "unknown name `{name}`"),
            Template { template, message } => write!(f, "template `{template}`: {message}"),
            NegativeWeight { kpi, weight } => write!(f, "the weight of `{kpi}` is {weight}, below 0"),
            Unreachable { name, otherwise } => {
                write!(f, "`{name}` can never match: `{otherwise}` above it is `otherwise`, which catches everything")
            }
            WeightsDoNotSum { scorecard, sum } => {
                write!(f, "the weights of scorecard `{scorecard}` sum to {sum}, not 100")
            }
            InvalidSource { source_name, message } => write!(f, "source `{source_name}`: {message}"),
            UnknownPeriod { period } => write!(f, "`{period}` is not a period"),
            PortUnavailable { port, message } => write!(f, "cannot serve on 127.0.0.1:{port}: {message}"),
            ToolMissing { tool, purpose } => write!(f, "{purpose} needs {tool}, which is not installed"),
            ToolFailed { tool, message } => write!(f, "{tool} failed: {message}"),
            MissingLabel { what, name, language } => write!(f, "{what} `{name}` has no label in {language}"),
            NoFiles { pattern } => write!(f, "no file matches `{pattern}`"),
            FilesOnEngine { source_name } => {
                write!(f, "source `{source_name}` reads files, which an engine cannot: it reads tables")
            }
            RecountOnEngine { aggregation, attribute } => write!(
                f,
                "the roll-up by `{attribute}` needs `{aggregation}` counted again over each group's rows, which an engine does not do yet"
            ),
            NotANumberColumn { column, table, found } => {
                write!(f, "the column `{column}` of `{table}` holds {found}, and formulas compute with it as numbers")
            }
            HeaderNamesColumns { header, count, file } => {
                write!(f, "the header `{header}` names {count} columns of `{file}`")
            }
            LinkLeadsOut { path } => {
                write!(f, "`{path}` is a symbolic link that leads out of the ruleset's folder, and was not read")
            }
            TableNeedsEngine { source_name, table } => {
                write!(f, "source `{source_name}` is the warehouse table `{table}`, which only an engine reads")
            }
            TooManyFiles { pattern, limit } => {
                write!(f, "`{pattern}` looks through more than {limit} files and folders")
            }
            MissingColumn { header, file } => write!(f, "column `{header}` is not in `{file}`"),
            MissingTable { table, engine } => write!(f, "table `{table}` is not on {engine}"),
            ReferenceLacksStyle { style, path } => write!(f, "`{path}` has no style named `{style}`"),
            SourceMissing { source_label, period, entities } => {
                write!(f, "no rows of `{source_label}` in {period} for {entities}, though earlier periods have some")
            }
            SourcePartial { source_label, period, days, of, through, entities } => write!(
                f,
                "`{source_label}` covers {days} of {of} days of {period} for {entities} (data through {through})"
            ),
            DataBeginsLate { entities, first_day, period, days, of } => {
                write!(
                    f,
                    "the data of {entities} begins on {first_day}, inside {period}: it covers {days} of its {of} days"
                )
            }
            TargetOfShorterPeriod { kpi, target, own, longer } => {
                write!(f, "the target {target} of `{kpi}` is written for a {own}; the {longer} takes it as it is")
            }
            NamesAlike { first, second } => {
                write!(f, "the entities `{first}` and `{second}` differ only in characters that print alike")
            }
            NoEntityInPath { file, pattern } => {
                write!(f, "`{file}` names no entity where `{{entity}}` is in `{pattern}`")
            }
            AmbiguousEntity { file, entity, others } => {
                write!(f, "`{file}` is read as the entity `{entity}`, but its name also fits {others}")
            }
            UnreadableFile { path, message } => write!(f, "cannot read `{path}`: {message}"),
            UnreadableData { source_name, file: Some(file), message } => {
                write!(f, "reading `{file}` of source `{source_name}` failed: {message}")
            }
            RemovedStillUsed { removed, dependants } => {
                write!(f, "`{removed}` is removed, but these use it: {dependants}")
            }
            BadAction { file, line, message } => write!(f, "action on line {line} of `{file}`: {message}"),
            UnknownAttribute { name } => write!(f, "no attribute `{name}` to roll up by"),
            NotInRollup { attribute, entities } => {
                write!(f, "entities without `{attribute}` are left out of its roll-up: {entities}")
            }
            TextInRollup { aggregation, attribute } => {
                write!(f, "`{aggregation}` holds text, which the roll-up by `{attribute}` cannot add up")
            }
            FlagNeeds { flag, needs } => write!(f, "`{flag}` needs `{needs}`"),
            GitRevision { spec, message } => write!(f, "cannot read `{spec}`: {message}"),
            FolderNotEmpty { path } => write!(f, "`{path}` is not empty"),
            NoTestFiles { paths } => write!(f, "no test files (`*.test.yaml`) in {paths}"),
            InvalidTestData { source_name, message } => write!(f, "the rows of source `{source_name}`: {message}"),
            BrokenLine { file, line, problem } => write!(f, "line {line} of `{file}` {problem}"),
            UnreadableData { source_name, file: None, message } => {
                write!(f, "reading source `{source_name}` failed: {message}")
            }
            BadDate { value, column, line, file } => {
                let line = line.map_or(String::new(), |line| format!("line {line} of "));
                write!(f, "cannot read `{value}` as a date (column `{column}`, {line}`{file}`)")
            }
            BadNumber { value, expected, column, line, file } => {
                write!(f, "cannot read `{value}` as {expected} (column `{column}`, line {line} of `{file}`)")
            }
            NotADateColumn { column, file, found } => {
                write!(f, "the date column `{column}` of `{file}` holds {found}, not dates")
            }
            RowsWithoutKey { source_name, missing, file: Some(file), line: Some(line) } => {
                write!(f, "line {line} of `{file}` (source `{source_name}`) lacks {missing}")
            }
            RowsWithoutKey { source_name, missing, .. } => {
                write!(f, "source `{source_name}` has rows without {missing}")
            }
            DateOutOfRange { source_name, date } => write!(f, "source `{source_name}` has a row dated {date}"),
            GridTooLarge { entities, periods, limit } => {
                write!(f, "{entities} entities × {periods} periods make more than {limit} cells of results")
            }
            DuplicateEntity { entity, table, lines } if lines.is_empty() => {
                write!(f, "entity `{entity}` appears more than once in attribute table `{table}`")
            }
            DuplicateEntity { entity, table, lines } => {
                let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
                let times = lines.len();
                write!(
                    f,
                    "entity `{entity}` appears {times} times in attribute table `{table}`, on lines {}",
                    lines.join(", ")
                )
            }
            DuplicateTarget { table, kpi, entity, lines } => {
                write!(f, "targets table `{table}` gives KPI `{kpi}` of `{entity}` twice")?;
                match lines {
                    Some([first, second]) => write!(f, " (rows {first} and {second})"),
                    None => Ok(()),
                }
            }
            NoDatedRows => f.write_str("no source has any rows with a date"),
            FormulaFailed { message } => write!(f, "this formula cannot be computed on the data: {message}"),
            TextFailed { diagnosis, entity, period, message } => {
                write!(f, "the text of diagnosis `{diagnosis}` failed for `{entity}` in {period}: {message}")
            }
            UnknownEntity { entity } => write!(f, "unknown entity `{entity}`"),
            PeriodOutsideData { period, first, last } => {
                write!(f, "period `{period}` is outside the data, which runs from `{first}` to `{last}`")
            }
            NotAFolder { flag, path } => write!(f, "`{flag} {path}` is not a folder"),
            NeedsOutputFile { format } => write!(f, "`--format {format}` writes a file: add `-o FILE`"),
            UnwritableFile { path, message } => write!(f, "cannot write `{path}`: {message}"),
            Internal { message } => write!(f, "internal error: {message}"),
        }
    }
}

/// A problem, where it was found, and what might fix it.
#[derive(Clone, PartialEq)]
pub struct Error {
    repr: Box<Repr>,
}

#[derive(Clone, Debug, PartialEq)]
struct Repr {
    kind: ErrorKind,
    location: Option<Location>,
    help: Option<String>,
    notes: Vec<String>,
}

impl Error {
    pub fn new(kind: ErrorKind) -> Error {
        Error { repr: Box::new(Repr { kind, location: None, help: None, notes: Vec::new() }) }
    }

    pub fn at(mut self, location: Location) -> Error {
        self.repr.location = Some(location);
        self
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Error {
        self.repr.location = location;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Error {
        self.repr.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Error {
        self.repr.notes.push(note.into());
        self
    }

    /// `help: did you mean `x`?` when one of `candidates` is close to `wanted`.
    pub fn suggest<'a>(self, wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Error {
        match crate::suggest::nearest(wanted, candidates) {
            Some(near) => self.help(format!("did you mean `{near}`?")),
            None => self,
        }
    }

    pub fn internal(message: impl fmt::Display) -> Error {
        Error::new(ErrorKind::Internal { message: message.to_string() })
    }

    pub fn kind(&self) -> &ErrorKind {
        &self.repr.kind
    }

    pub fn location(&self) -> Option<&Location> {
        self.repr.location.as_ref()
    }

    pub fn help_text(&self) -> Option<&str> {
        self.repr.help.as_deref()
    }

    pub fn notes(&self) -> &[String] {
        &self.repr.notes
    }

    /// 3 for internal errors, 2 for everything the user can fix.
    pub fn exit_code(&self) -> i32 {
        match self.kind() {
            ErrorKind::Internal { .. } => 3,
            _ => 2,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.repr.fmt(f)
    }
}

/// The message, and the place where there is one: `unknown name `x` (ruleset.yaml:3:14)`.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind().fmt(f)?;
        match self.location() {
            Some(location) => write!(f, " ({location:?})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {}

/// Every problem found in one go; never empty.
#[derive(Clone, Debug, PartialEq)]
pub struct Errors(Vec<Error>);

impl Errors {
    /// `Ok(value)` when `errors` is empty.
    pub fn check<T>(errors: Vec<Error>, value: T) -> Result<T> {
        if errors.is_empty() { Ok(value) } else { Err(Errors(errors)) }
    }

    /// All of `errors`, which must not be empty.
    pub fn from_vec(errors: Vec<Error>) -> Errors {
        assert!(!errors.is_empty(), "an Errors holds at least one error");
        Errors(errors)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Error> {
        self.0.iter()
    }

    pub fn into_vec(self) -> Vec<Error> {
        self.0
    }

    pub fn exit_code(&self) -> i32 {
        self.0.iter().map(Error::exit_code).max().unwrap_or(2)
    }
}

impl From<Error> for Errors {
    fn from(error: Error) -> Errors {
        Errors(vec![error])
    }
}

/// One problem a line.
impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Errors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_result_is_one_pointer_wide() {
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
