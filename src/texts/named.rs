//! Diagnosis texts compiled once and rendered over many cells: a text names a few of a cell's
//! many values, so the values are looked up as the text asks for them, through [`Names`],
//! whatever holds them.

use std::fmt::Debug;
use std::sync::Arc;

use minijinja::Environment;
use minijinja::value::{Object, Value};

use crate::locale::Locale;

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
        let values = Value::from_object(Named(names));
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

/// [`Names`] as a template sees them.
#[derive(Debug)]
struct Named(Arc<dyn Names>);

impl Object for Named {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        match self.0.nested(key) {
            Some(nested) => Some(Value::from_object(Named(nested))),
            None => self.0.get(key).map(Value::from),
        }
    }
}
