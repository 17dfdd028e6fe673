//! `--with parameters`: whether a database refuses plaintext connections, read from its
//! parameter groups. `rules` is the domain (which parameter per engine, what its values mean);
//! `lookup` makes the calls, each once.

mod lookup;
mod rules;

pub use lookup::{EngineDefaults, TargetParameters};
pub use rules::{Groups, Tls, TlsQuery};
