//! `scalec lsp`: a Language Server Protocol server on standard input and
//! output, in the same binary and over the same checker as `scalec check`,
//! so a squiggle in the editor and a failure in CI are one finding with one
//! code and the same words.
//!
//! - [`transport`]: framing, and answering frames that are not messages.
//! - [`server`]: the loop, the lifecycle and the table of handlers.
//! - [`state`]: open documents, the last check of each project, what was sent.
//! - [`documents`]: documents, their edits, and the projects they belong to.
//! - [`diagnostics`]: findings as the protocol's diagnostics.
//! - [`formatting`]: `scalec fmt` as text edits.
//! - [`features`]: hover, definition, references, rename, symbols,
//!   completion, code actions and semantic tokens, from `crate::ide`.
//! - [`uri`]: `file:` URIs and paths.
//!
//! Built on `lsp-server` and `lsp-types`, the pair rust-analyzer uses: the
//! server is synchronous, one thread handles every message in order, and a
//! second only reads standard input. Positions are UTF-16, the protocol's
//! default.
//!
//! For tests only: with the environment variable `SCALEC_LSP_TEST_PANIC`
//! set, the request or notification `scalec/testPanic` panics inside its
//! handler ([`server::TEST_PANIC`]).

// `lsp_types::Uri` orders and hashes by its text; the cell inside it caches
// part of its parse and changes neither, so it is a sound map key.
#![allow(clippy::mutable_key_type)]

pub mod diagnostics;
pub mod documents;
pub mod features;
pub mod formatting;
pub mod server;
pub mod state;
pub mod transport;
pub mod uri;

pub use server::serve;
pub use state::State;

/// Serves the client on standard input and output; returns the exit code.
pub fn run() -> std::process::ExitCode {
    std::process::ExitCode::from(serve(std::io::stdin(), std::io::stdout()))
}
