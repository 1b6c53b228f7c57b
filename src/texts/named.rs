//! Diagnosis texts compiled once and rendered over many cells: a text names a few of a cell's
//! many values, so the values are looked up as the text asks for them, through [`Names`],
//! whatever holds them.

use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use minijinja::value::{Object, Value};
use minijinja::{Environment, State};

use crate::locale::Locale;

/// Where a text's lookups leave the formats of the KPI values they read, for the number filters;
/// not a name a template can write.
const SHOWN_KEY: &str = "@shown";

/// A value a text shows.
#[derive(Clone, Debug, PartialEq)]
pub enum TextValue {
    Number(f64),
    Text(String),
    Flag(bool),
    /// No data.
    None,
}

/// What a text can name, looked up by name.
pub trait Names: Send + Sync + Debug {
    fn get(&self, name: &str) -> Option<TextValue>;

    /// The names under `name`, for `{{ target.read_rate }}`.
    fn nested(&self, _name: &str) -> Option<Arc<dyn Names>> {
        None
    }

    /// The decimals the KPI `name` declares: `{{ read_rate | pct }}` then writes its value
    /// with them, as its table does.
    fn decimals(&self, _name: &str) -> Option<u8> {
        None
    }
}

/// Texts by name, compiled in one language.
pub struct Texts {
    env: Environment<'static>,
}

impl Texts {
    pub fn new(locale: Locale) -> Texts {
        Texts { env: super::environment(locale) }
    }

    /// Adds the text `source` as `name`; a text that does not compile is a bug here, since
    /// `check` compiles every text of a ruleset first.
    pub fn add(&mut self, name: String, source: String) -> Result<(), String> {
        self.env.add_template_owned(name, source).map_err(|error| error.to_string())
    }

    /// The text `name` rendered over `names`; `None` when there is no such text.
    pub fn render(&self, name: &str, names: Arc<dyn Names>) -> Option<Result<String, String>> {
        let template = self.env.get_template(name).ok()?;
        let values = Value::from_object(Named { names, shown: Arc::default() });
        Some(super::render(&template, &values).map_err(|error| error.to_string()))
    }
}

impl From<TextValue> for Value {
    fn from(value: TextValue) -> Value {
        match value {
            TextValue::Number(number) => Value::from(number),
            TextValue::Text(text) => Value::from(text),
            TextValue::Flag(flag) => Value::from(flag),
            TextValue::None => Value::from(()),
        }
    }
}

/// [`Names`] as a template sees them. Each KPI value looked up leaves its format, so that a
/// number filter without decimals shows it as the KPI's table does.
#[derive(Debug)]
struct Named {
    names: Arc<dyn Names>,
    shown: Arc<Shown>,
}

/// The decimals of the KPI values a rendering has looked up, by the value's bits.
#[derive(Debug, Default)]
struct Shown(Mutex<Vec<(u64, u8)>>);

impl Object for Named {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        if key == SHOWN_KEY {
            return Some(Value::from_dyn_object(self.shown.clone()));
        }
        if let Some(nested) = self.names.nested(key) {
            return Some(Value::from_object(Named { names: nested, shown: self.shown.clone() }));
        }
        let value = self.names.get(key)?;
        if let (TextValue::Number(number), Some(decimals)) = (&value, self.names.decimals(key)) {
            self.shown.0.lock().unwrap_or_else(|e| e.into_inner()).push((number.to_bits(), decimals));
        }
        Some(Value::from(value))
    }
}

impl Object for Shown {}

/// The decimals of the KPI whose value a text read as `value`, if it declares them.
pub fn kpi_decimals(state: &State, value: f64) -> Option<u8> {
    let shown = state.lookup(SHOWN_KEY)?;
    let shown = shown.downcast_object_ref::<Shown>()?;
    let found = shown.0.lock().unwrap_or_else(|e| e.into_inner());
    found.iter().find(|(bits, _)| *bits == value.to_bits()).map(|(_, decimals)| *decimals)
}
