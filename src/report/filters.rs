//! Template filters that format numbers for a reader, in the report's locale: `pct`, `num`,
//! `int`, `money`, `signed`. A missing value renders as `—`; text passes through unchanged.

use minijinja::value::{Value, ValueKind};
use minijinja::{Environment, Error, ErrorKind};

use super::format;
use crate::ruleset::model::Locale;

/// Adds the number filters to a template environment.
pub fn register(env: &mut Environment<'_>, locale: Locale) {
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
        let kind = kind.as_deref().unwrap_or("num");
        let formatted = |v: f64| match kind {
            "pct" => Ok(format::percent(v.abs(), decimals.unwrap_or(1))),
            "int" => Ok(format::grouped(v.abs(), 0)),
            "money" => Ok(format::money(v.abs(), decimals.unwrap_or(2), locale)),
            "num" => Ok(format::grouped(v.abs(), decimals.unwrap_or(2))),
            other => Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("`signed` formats `num`, `pct`, `int` or `money`, not `{other}`"),
            )),
        };
        match number(&value) {
            Some(v) => {
                let text = formatted(v)?;
                let zero = text.chars().all(|c| !c.is_ascii_digit() || c == '0');
                let sign = if zero {
                    ""
                } else if v < 0.0 {
                    "-"
                } else {
                    "+"
                };
                Ok(format!("{sign}{text}"))
            }
            None => Ok(passthrough(&value)),
        }
    });
}

fn number(value: &Value) -> Option<f64> {
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
        register(&mut env, Locale::ZhCn);
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
