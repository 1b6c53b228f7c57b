//! Texts written in rulesets and report templates are minijinja templates. This module is the
//! environment they share: the number filters `pct`, `num`, `int`, `money` and `signed`, in the
//! text's language, and strict variables, so that a typo cannot render as an empty string.

use std::ops::Range;

use minijinja::machinery::{Instruction, get_compiled_template};
use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, State, Template, UndefinedBehavior};

use crate::format;
use crate::locale::Locale;

mod named;
use named::kpi_decimals;
pub use named::{Names, TextValue, Texts};

/// The variables a diagnosis text can use besides the ruleset's names.
pub const CELL_VARIABLES: [&str; 3] = ["entity", "period", "target"];

/// The steps a text may take to render (its instructions run): a sentence with a few values and
/// conditions takes a few dozen.
pub const TEXT_FUEL: u64 = 10_000;

/// The longest a rendered diagnosis text may be, in bytes.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;

/// An environment for diagnosis texts in `locale`.
pub fn environment(locale: Locale) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(TEXT_FUEL));
    register_number_filters(&mut env, locale);
    env
}

/// A diagnosis text rendered over a cell's values; longer than [`MAX_TEXT_BYTES`] is an error.
pub fn render(template: &Template<'_, '_>, values: &Value) -> Result<String, Error> {
    render_within(template, values, MAX_TEXT_BYTES, "text")
}

/// `template` rendered over `values`; an output longer than `limit` bytes stops the rendering
/// with an error that says so (the `what` is longer than …), so that a template cannot fill
/// memory or a disk by writing.
pub fn render_within(template: &Template<'_, '_>, values: &Value, limit: usize, what: &str) -> Result<String, Error> {
    let mut out = Bounded { bytes: Vec::new(), limit, overflowed: false };
    match template.render_captured_to(values.clone(), &mut out) {
        Err(_) if out.overflowed => {
            let message = format!("the {what} is longer than {limit} bytes");
            Err(Error::new(ErrorKind::InvalidOperation, message))
        }
        Err(error) => Err(error),
        Ok(_) => Ok(String::from_utf8_lossy(&out.bytes).into_owned()),
    }
}

/// The text of `block` of `template` rendered over `values` (a report's `title`), the rest of
/// the template rendered within `limit` bytes and thrown away.
pub fn render_block_within(
    template: &Template<'_, '_>,
    block: &str,
    values: &Value,
    limit: usize,
) -> Result<String, Error> {
    let mut out = Bounded { bytes: Vec::new(), limit, overflowed: false };
    let mut captured = template.render_captured_to(values.clone(), &mut out)?;
    captured.with_state_mut(|state| state.render_block(block))
}

/// A writer that refuses to grow past its limit.
struct Bounded {
    bytes: Vec<u8>,
    limit: usize,
    overflowed: bool,
}

impl std::io::Write for Bounded {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + bytes.len() > self.limit {
            self.overflowed = true;
            return Err(std::io::ErrorKind::FileTooLarge.into());
        }
        self.bytes.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a diagnosis text uses that it cannot: a filter, test or function `env` does not have,
/// `self`, or anything of whole templates (loops, macros, `include`, blocks). Each with the
/// byte range of the text it is in. A text is a sentence with values in it: what it may use is
/// listed here, so that checking a ruleset finds what rendering would fail on.
pub fn unsupported(env: &Environment<'_>, template: &Template<'_, '_>) -> Vec<(String, Range<usize>)> {
    let compiled = get_compiled_template(template);
    let instructions = &compiled.instructions;
    let mut found = Vec::new();
    let mut index = 0;
    while let Some(instruction) = instructions.get(index) {
        let problem = match instruction {
            Instruction::ApplyFilter(name, ..) if !has(env, &format!("{{{{ none | {name} }}}}")) => {
                Some(format!("unknown filter `{name}`"))
            }
            Instruction::PerformTest(name, ..) if !has(env, &format!("{{{{ none is {name} }}}}")) => {
                Some(format!("unknown test `{name}`"))
            }
            Instruction::Lookup("self") => Some("`self` is not available in a diagnosis text".to_string()),
            Instruction::CallFunction(name, _) => {
                Some(format!("function `{name}` is not available in a diagnosis text"))
            }
            instruction if !allowed(instruction) => {
                Some("loops, macros, `include`, `import` and blocks are not available in a diagnosis text".to_string())
            }
            _ => None,
        };
        if let Some(problem) = problem {
            let span = instructions.get_span(index).map_or(0..0, |s| s.start_offset as usize..s.end_offset as usize);
            found.push((problem, span));
        }
        index += 1;
    }
    if !compiled.blocks.is_empty() {
        found.push(("blocks are not available in a diagnosis text".to_string(), 0..0));
    }
    found.dedup_by(|a, b| a.0 == b.0);
    found
}

/// Whether `env` knows the filter or test a probe template uses.
fn has(env: &Environment<'_>, probe: &str) -> bool {
    match env.render_str(probe, ()) {
        Err(error) => !matches!(error.kind(), ErrorKind::UnknownFilter | ErrorKind::UnknownTest),
        Ok(_) => true,
    }
}

/// The instructions of values, filters, tests, arithmetic and conditions.
fn allowed(instruction: &Instruction<'_>) -> bool {
    use Instruction::*;
    matches!(
        instruction,
        EmitRaw(_)
            | Emit
            | Lookup(_)
            | GetAttr(_)
            | GetItem
            | Slice
            | LoadConst(_)
            | BuildMap(_)
            | BuildKwargs(_)
            | MergeKwargs(_)
            | BuildList(_)
            | BuildTuple(_)
            | Add
            | Sub
            | Mul
            | Div
            | IntDiv
            | Rem
            | Pow
            | Neg
            | Eq
            | Ne
            | Gt
            | Gte
            | Lt
            | Lte
            | Not
            | StringConcat
            | In
            | CompareAndPreserve(_)
            | ApplyFilter(..)
            | PerformTest(..)
            | Jump(_)
            | JumpIfFalse(_)
            | JumpIfFalseOrPop(_)
            | JumpIfTrueOrPop(_)
            | DupTop
            | DiscardTop
            | Swap
            | IsUndefined
    )
}

/// Adds the number filters to a template environment. A missing value renders as `—`; text
/// passes through unchanged. Without decimals, a KPI's value read by a text is shown with the
/// KPI's decimals, as everywhere else it is shown.
pub fn register_number_filters(env: &mut Environment<'_>, locale: Locale) {
    env.add_filter("pct", |state: &State, value: Value, decimals: Option<u8>| {
        shown(&value, |v| format::percent(v, decimals.or_else(|| kpi_decimals(state, v)).unwrap_or(1)))
    });
    env.add_filter("num", |state: &State, value: Value, decimals: Option<u8>| {
        shown(&value, |v| format::grouped(v, decimals.or_else(|| kpi_decimals(state, v)).unwrap_or(2)))
    });
    env.add_filter("int", |value: Value| shown(&value, |v| format::grouped(v, 0)));
    env.add_filter("money", move |state: &State, value: Value, decimals: Option<u8>| {
        shown(&value, |v| format::money(v, decimals.or_else(|| kpi_decimals(state, v)).unwrap_or(2), locale))
    });
    env.add_filter("signed", move |value: Value, kind: Option<String>, decimals: Option<u8>| {
        let Some(change) = number(&value) else { return Ok(passthrough(&value)) };
        let kind = kind.unwrap_or_else(|| "num".to_string());
        if !matches!(kind.as_str(), "num" | "pct" | "int" | "money") {
            let message = format!("`signed` formats `num`, `pct`, `int` or `money`, not `{kind}`");
            return Err(Error::new(ErrorKind::InvalidOperation, message));
        }
        Ok(format::signed(change, |v| match kind.as_str() {
            "pct" => format::percent(v, decimals.unwrap_or(1)),
            "int" => format::grouped(v, 0),
            "money" => format::money(v, decimals.unwrap_or(2), locale),
            _ => format::grouped(v, decimals.unwrap_or(2)),
        }))
    });
}

/// A finite number, or `None` for anything else (no data, text).
pub fn number(value: &Value) -> Option<f64> {
    match value.kind() {
        ValueKind::Number => f64::try_from(value.clone()).ok().filter(|v| v.is_finite()),
        _ => None,
    }
}

fn passthrough(value: &Value) -> String {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => format::NO_DATA.to_string(),
        _ => value.to_string(),
    }
}

fn shown(value: &Value, format: impl Fn(f64) -> String) -> String {
    number(value).map_or_else(|| passthrough(value), format)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, value: Value) -> String {
        let mut env = Environment::new();
        register_number_filters(&mut env, Locale::ZhCn);
        env.render_str(template, minijinja::context! { x => value }).unwrap()
    }

    #[test]
    fn filters_format_numbers_and_show_missing_values_as_a_dash() {
        assert_eq!(render("{{ x | pct }}", Value::from(0.3125)), "31.3%");
        assert_eq!(render("{{ x | pct(0) }}", Value::from(0.3125)), "31%");
        assert_eq!(render("{{ x | num }}", Value::from(12345.678)), "12,345.68");
        assert_eq!(render("{{ x | int }}", Value::from(12345.5)), "12,346");
        assert_eq!(render("{{ x | money }}", Value::from(1234.5)), "¥1,234.50");
        assert_eq!(render("{{ x | signed }}", Value::from(-3.5)), "-3.50");
        assert_eq!(render("{{ x | signed('pct') }}", Value::from(0.123)), "+12.3%");
        assert_eq!(render("{{ x | signed('int') }}", Value::from(0.2)), "0");
        assert_eq!(render("{{ x | pct }}", Value::from(())), "—");
        assert_eq!(render("{{ x | pct }}", Value::from("品牌")), "品牌");
    }
}
