//! Texts written in rulesets and report templates are minijinja templates. This module is the
//! environment they share: the number filters `pct`, `num`, `int`, `money` and `signed`, in the
//! text's language, and strict variables, so that a typo cannot render as an empty string.

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};

use crate::format;
use crate::locale::Locale;

/// The variables a diagnosis text can use besides the ruleset's names.
pub const CELL_VARIABLES: [&str; 2] = ["entity", "period"];

/// An environment for diagnosis texts in `locale`.
pub fn environment(locale: Locale) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    register_number_filters(&mut env, locale);
    env
}

/// Adds the number filters to a template environment. A missing value renders as `—`; text
/// passes through unchanged.
pub fn register_number_filters(env: &mut Environment<'_>, locale: Locale) {
    env.add_filter("pct", |value: Value, decimals: Option<u8>| {
        shown(&value, |v| format::percent(v, decimals.unwrap_or(1)))
    });
    env.add_filter("num", |value: Value, decimals: Option<u8>| {
        shown(&value, |v| format::grouped(v, decimals.unwrap_or(2)))
    });
    env.add_filter("int", |value: Value| shown(&value, |v| format::grouped(v, 0)));
    env.add_filter("money", move |value: Value, decimals: Option<u8>| {
        shown(&value, |v| format::money(v, decimals.unwrap_or(2), locale))
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
