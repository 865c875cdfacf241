//! The registry: versioned ids to environment constructors.
//!
//! Registration is explicit (a `register` function per module or crate, called by whoever builds the
//! registry), never a side effect of linking a module in.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api::Environment;
use crate::error::{EnvError, Result};
use crate::id::EnvId;

/// Builds an environment from its config (`Value::Null` means the environment's defaults).
pub type EnvFactory = fn(&EnvId, &Value) -> Result<Box<dyn Environment>>;

/// What the registry knows about one environment without building it.
#[derive(Debug, Clone)]
pub struct EnvSpec {
    pub id: EnvId,
    /// One line for `rlvr env list --long`.
    pub summary: &'static str,
    /// Whether scoring needs a Docker engine.
    pub needs_docker: bool,
}

/// Maps environment ids to their specs and constructors.
#[derive(Default)]
pub struct Registry {
    entries: BTreeMap<EnvId, (EnvSpec, EnvFactory)>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// A registry holding every environment of this crate that the enabled features allow.
    pub fn with_builtins() -> Self {
        let mut reg = Registry::new();
        crate::example::register(&mut reg);
        crate::math::register(&mut reg);
        crate::code::register(&mut reg);
        crate::swe::register(&mut reg);
        reg
    }

    /// Adds an environment. A second registration of the same id replaces the first.
    pub fn register(&mut self, spec: EnvSpec, factory: EnvFactory) {
        self.entries.insert(spec.id.clone(), (spec, factory));
    }

    /// The registered specs, sorted by id.
    pub fn specs(&self) -> impl Iterator<Item = &EnvSpec> {
        self.entries.values().map(|(spec, _)| spec)
    }

    /// The spec of one id.
    pub fn spec(&self, id: &str) -> Result<&EnvSpec> {
        let id: EnvId = id.parse()?;
        self.entries
            .get(&id)
            .map(|(spec, _)| spec)
            .ok_or(EnvError::UnknownEnv { id: id.to_string() })
    }

    /// Builds the environment `id` with `config` (`Value::Null` for defaults).
    pub fn build(&self, id: &str, config: &Value) -> Result<Box<dyn Environment>> {
        let parsed: EnvId = id.parse()?;
        let (_, factory) = self.entries.get(&parsed).ok_or(EnvError::UnknownEnv {
            id: parsed.to_string(),
        })?;
        factory(&parsed, config)
    }
}

/// Deserializes an environment's typed config; `Value::Null` gives its defaults.
pub fn parse_config<C>(env: &EnvId, config: &Value) -> Result<C>
where
    C: serde::de::DeserializeOwned + Default,
{
    if config.is_null() {
        return Ok(C::default());
    }
    serde_json::from_value(config.clone()).map_err(|e| EnvError::Config {
        env: env.clone(),
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_registered_ids_and_rejects_others() {
        let reg = Registry::with_builtins();
        assert!(reg.build("example/add@1", &Value::Null).is_ok());
        assert!(matches!(
            reg.build("example/add@9", &Value::Null),
            Err(EnvError::UnknownEnv { .. })
        ));
        assert!(matches!(
            reg.build("example-add", &Value::Null),
            Err(EnvError::InvalidId { .. })
        ));
    }
}
