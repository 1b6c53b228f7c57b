//! The one error type of the library. Every problem a user can cause has a kind here, with one
//! `Display` arm each, and most carry the location in the file where it was found.

use std::fmt;

use crate::location::Location;

pub type Result<T, E = Errors> = std::result::Result<T, E>;

/// What went wrong. Names in messages are in backticks, as the user wrote them.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    // The YAML file and its structure.
    YamlSyntax {
        message: String,
    },
    DuplicateKey {
        key: String,
    },
    UnknownKey {
        key: String,
    },
    MissingKey {
        key: String,
    },
    WrongType {
        expected: String,
        found: String,
    },
    UnknownValue {
        value: String,
    },

    // Formulas.
    FormulaSyntax {
        message: String,
    },
    UnknownName {
        name: String,
    },
    UnknownFunction {
        name: String,
    },
    UnknownSource {
        name: String,
    },
    WrongArgumentCount {
        function: String,
        expected: String,
        found: usize,
    },
    UnknownArgument {
        function: String,
        argument: String,
    },
    RepeatedArgument {
        function: String,
        argument: String,
    },
    MissingArgument {
        function: String,
        argument: String,
    },
    WrongValueType {
        expected: &'static str,
        found: &'static str,
        what: String,
    },
    NotAWholeNumber {
        function: String,
        argument: String,
    },
    NestedAggregation {
        outer: String,
        inner: String,
    },
    NotAllowedHere {
        what: String,
        place: &'static str,
    },
    UnaggregatedColumn {
        name: String,
    },
    MixedSources {
        function: String,
        first: String,
        second: String,
    },
    Cycle {
        path: Vec<String>,
    },
    DuplicateName {
        name: String,
        first: &'static str,
        second: &'static str,
    },

    // The rest of the ruleset.
    UnknownKpi {
        name: String,
    },
    TemplateSyntax {
        message: String,
    },
    Template {
        template: String,
        message: String,
    },
    WeightsDoNotSum {
        scorecard: String,
        sum: f64,
    },
    InvalidSource {
        source_name: String,
        message: String,
    },
    UnknownPeriod {
        period: String,
    },

    // Data.
    NoFiles {
        pattern: String,
    },
    MissingColumn {
        header: String,
        file: String,
    },
    UnreadableFile {
        path: String,
        message: String,
    },
    BadData {
        message: String,
    },
    UnknownEntity {
        entity: String,
    },
    PeriodOutsideData {
        period: String,
        first: String,
        last: String,
    },

    // The command line.
    Usage {
        message: String,
    },

    /// A bug or an environment failure, not the user's input.
    Internal {
        message: String,
    },
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use ErrorKind::*;
        match self {
            YamlSyntax { message } => write!(f, "YAML syntax: {message}"),
            DuplicateKey { key } => write!(f, "duplicate key `{key}`"),
            UnknownKey { key } => write!(f, "unknown key `{key}`"),
            MissingKey { key } => write!(f, "missing key `{key}`"),
            WrongType { expected, found } => write!(f, "expected {expected}, found {found}"),
            UnknownValue { value } => write!(f, "unknown value `{value}`"),
            FormulaSyntax { message } => write!(f, "formula syntax: {message}"),
            UnknownName { name } => write!(f, "unknown name `{name}`"),
            UnknownFunction { name } => write!(f, "unknown function `{name}`"),
            UnknownSource { name } => write!(f, "unknown source `{name}`"),
            WrongArgumentCount { function, expected, found } => {
                write!(f, "`{function}` takes {expected}, found {found}")
            }
            UnknownArgument { function, argument } => {
                write!(f, "`{function}` has no argument `{argument}`")
            }
            RepeatedArgument { function, argument } => {
                write!(f, "argument `{argument}` of `{function}` is given twice")
            }
            MissingArgument { function, argument } => {
                write!(f, "`{function}` needs its argument `{argument}`")
            }
            WrongValueType { expected, found, what } => {
                write!(f, "{what} must be {expected}, found {found}")
            }
            NotAWholeNumber { function, argument } => {
                write!(f, "argument `{argument}` of `{function}` must be a whole number written out, like `3`")
            }
            NestedAggregation { outer, inner } => {
                write!(f, "aggregation `{inner}` inside aggregation `{outer}`")
            }
            NotAllowedHere { what, place } => write!(f, "{what} is not allowed in {place}"),
            UnaggregatedColumn { name } => write!(f, "source column `{name}` is used without an aggregation"),
            MixedSources { function, first, second } => {
                write!(f, "`{function}` mixes rows of sources `{first}` and `{second}`")
            }
            Cycle { path } => write!(f, "dependency cycle: {}", path.join(" → ")),
            DuplicateName { name, first, second } => {
                write!(f, "`{name}` is defined both as {first} and as {second}")
            }
            UnknownKpi { name } => write!(f, "unknown KPI `{name}`"),
            TemplateSyntax { message } => write!(f, "template syntax: {message}"),
            Template { template, message } => write!(f, "template `{template}`: {message}"),
            WeightsDoNotSum { scorecard, sum } => {
                write!(f, "the weights of scorecard `{scorecard}` sum to {sum}, not 100")
            }
            InvalidSource { source_name, message } => write!(f, "source `{source_name}`: {message}"),
            UnknownPeriod { period } => write!(f, "`{period}` is not a period"),
            NoFiles { pattern } => write!(f, "no file matches `{pattern}`"),
            MissingColumn { header, file } => write!(f, "column `{header}` is not in `{file}`"),
            UnreadableFile { path, message } => write!(f, "cannot read `{path}`: {message}"),
            BadData { message } => f.write_str(message),
            UnknownEntity { entity } => write!(f, "unknown entity `{entity}`"),
            PeriodOutsideData { period, first, last } => {
                write!(f, "period `{period}` is outside the data, which runs from `{first}` to `{last}`")
            }
            Usage { message } => f.write_str(message),
            Internal { message } => write!(f, "internal error: {message}"),
        }
    }
}

/// A problem, where it was found, and what might fix it.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub location: Option<Location>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

impl Error {
    pub fn new(kind: ErrorKind) -> Error {
        Error { kind, location: None, help: None, notes: Vec::new() }
    }

    pub fn at(mut self, location: Location) -> Error {
        self.location = Some(location);
        self
    }

    pub fn at_opt(mut self, location: Option<Location>) -> Error {
        self.location = location;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Error {
        self.notes.push(note.into());
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

    pub fn bad_data(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::BadData { message: message.into() })
    }

    pub fn usage(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Usage { message: message.into() })
    }

    /// 3 for internal errors, 2 for everything the user can fix.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Internal { .. } => 3,
            _ => 2,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
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

impl fmt::Display for Errors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::diagnostic::render(self))
    }
}

impl std::error::Error for Errors {}

impl From<polars::error::PolarsError> for Error {
    fn from(error: polars::error::PolarsError) -> Error {
        Error::internal(error)
    }
}

impl From<polars::error::PolarsError> for Errors {
    fn from(error: polars::error::PolarsError) -> Errors {
        Error::from(error).into()
    }
}
