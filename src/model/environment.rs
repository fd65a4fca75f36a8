//! Environments of a project, and where each resolved value came from.
//!
//! A project with `environment` blocks is lowered once per environment, from
//! its base blocks with the environment's overrides applied; each lowered
//! [`Project`] knows which environment it is ([`Project::environment`]). A
//! value keeps the span of the text that set it, so its [`Origin`] is the
//! block that span lies in: the environment's, the entity's own, or
//! `defaults` (or, for a service's pod settings, whatever block it inherits
//! from).

use super::{Project, Spanned};
use crate::source::Span;

/// One `environment NAME { … }` block, as the project lowered for it sees it.
#[derive(Clone, Debug)]
pub struct Environment {
    pub name: Spanned<String>,
    /// The whole `environment` block: every value it sets lies inside it.
    pub span: Span,
}

impl PartialEq for Environment {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Environment {}

/// Where a resolved value was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin<'a> {
    /// In the block of the entity that holds it.
    Own,
    /// Outside it: inherited, from `defaults` for a service.
    Inherited,
    /// In the `environment` block the project was lowered for.
    Environment(&'a str),
}

impl Project {
    /// Where the value at `span`, held by the entity declared by the block
    /// at `owner`, was written.
    pub fn origin(&self, owner: Span, span: Span) -> Origin<'_> {
        let inside = |block: Span| {
            span.file == block.file && span.start >= block.start && span.end <= block.end
        };
        match &self.environment {
            Some(environment) if inside(environment.span) => {
                Origin::Environment(&environment.name.value)
            }
            _ if inside(owner) => Origin::Own,
            _ => Origin::Inherited,
        }
    }
}
