//! The protocol: the message loop, the lifecycle (`initialize`, `shutdown`,
//! `exit`), and the table that sends each request and notification to its
//! handler.
//!
//! Adding a request is one arm in [`Server::request`] and one handler
//! function `fn(&mut State, R::Params) -> Result<R::Result, ResponseError>`
//! (plus its capability in [`capabilities`]); [`call`] parses the
//! parameters and serializes the result. Every handler runs under
//! `catch_unwind`: a panic answers `InternalError` (a notification's is
//! shown with `window/showMessage`) and the server goes on.

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    PrepareRenameRequest, References, RegisterCapability, Rename, Request as _,
    SemanticTokensFullRequest, WorkspaceSymbolRequest,
};
use lsp_types::{
    DidChangeWatchedFilesRegistrationOptions, DocumentFormattingParams, FileSystemWatcher,
    GlobPattern, MessageType, OneOf, Registration, RegistrationParams, SaveOptions,
    ServerCapabilities, ServerInfo, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit,
};
use serde_json::Value;

use super::features;
use super::state::State;
use super::transport::{self, Incoming, Writer, error};
use crate::lint;

/// A request that panics, for the tests that prove a panic does not end the
/// server; answered only when the environment variable [`TEST_PANIC_ENV`]
/// is set (to anything), `MethodNotFound` otherwise.
pub const TEST_PANIC: &str = "scalec/testPanic";
pub const TEST_PANIC_ENV: &str = "SCALEC_LSP_TEST_PANIC";

/// The id of the file watcher's registration.
const WATCH_ID: &str = "scalec-watch-scale-files";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Before `initialize`: every request is refused.
    Starting,
    Running,
    /// After `shutdown`: only `exit` is expected.
    ShuttingDown,
}

pub struct Server<W: Write> {
    writer: Writer<W>,
    state: State,
    phase: Phase,
    /// Whether the client registers file watchers when asked.
    can_watch: bool,
    test_panic: bool,
    next_id: i32,
}

/// Serves one client on `input` and `output` until `exit` or the end of the
/// input; returns the exit code: 0 after `shutdown`, 1 without.
pub fn serve(input: impl std::io::Read + Send + 'static, output: impl Write) -> u8 {
    let incoming = transport::spawn_reader(input);
    let mut server = Server {
        writer: Writer::new(output),
        state: State::default(),
        phase: Phase::Starting,
        can_watch: false,
        test_panic: std::env::var_os(TEST_PANIC_ENV).is_some(),
        next_id: 0,
    };
    // When the first change not yet checked was made.
    let mut dirty_since: Option<Instant> = None;
    loop {
        let Ok(next) = incoming.recv() else {
            // The client is gone without `exit`.
            return u8::from(server.phase != Phase::ShuttingDown);
        };
        match next {
            Incoming::Message(message) => {
                if let Some(code) = server.receive(message) {
                    return code;
                }
            }
            Incoming::Malformed { id, error } => {
                eprintln!("scalec lsp: {}", error.message);
                server.writer.send_error(id, error);
            }
        }
        if !server.state.is_dirty() {
            continue;
        }
        let since = *dirty_since.get_or_insert_with(Instant::now);
        if incoming.is_empty() || since.elapsed() >= MAX_DELAY {
            server.publish();
            dirty_since = None;
        }
    }
}

/// Changes are checked when no message waits, or after this long at the
/// latest when messages keep coming.
const MAX_DELAY: Duration = Duration::from_millis(100);

impl<W: Write> Server<W> {
    /// Handles one message; `Some(code)` ends the server.
    fn receive(&mut self, message: Message) -> Option<u8> {
        match message {
            Message::Request(request) => {
                let id = request.id.clone();
                let result = self.lifecycle(request);
                let response = match result {
                    Ok(value) => Response::new_ok(id, value),
                    Err(e) => Response {
                        id,
                        response_result: Err(e),
                    },
                };
                self.writer.send(response.into());
            }
            Message::Notification(notification) => {
                if notification.method == "exit" {
                    return Some(u8::from(self.phase != Phase::ShuttingDown));
                }
                if self.phase == Phase::Running {
                    self.notification(notification);
                }
            }
            Message::Response(response) => {
                if let Err(e) = response.response_result {
                    eprintln!(
                        "scalec lsp: the client refused request {}: {}",
                        response.id, e.message
                    );
                }
            }
        }
        None
    }

    /// A request, in its place in the lifecycle.
    fn lifecycle(&mut self, request: Request) -> Result<Value, ResponseError> {
        match (self.phase, request.method.as_str()) {
            (Phase::Starting, "initialize") => Ok(self.initialize(request.params)),
            (Phase::Starting, _) => Err(error(
                ErrorCode::ServerNotInitialized,
                "the server is not initialized: send `initialize` first",
            )),
            (Phase::ShuttingDown, _) => Err(error(
                ErrorCode::InvalidRequest,
                "the server is shutting down: only `exit` is expected",
            )),
            (Phase::Running, "initialize") => Err(error(
                ErrorCode::InvalidRequest,
                "the server is already initialized",
            )),
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShuttingDown;
                Ok(Value::Null)
            }
            (Phase::Running, _) => {
                let method = request.method.clone();
                catch_unwind(AssertUnwindSafe(|| self.request(request)))
                    .unwrap_or_else(|panic| Err(panicked(&method, &*panic)))
            }
        }
    }

    /// The request table: one arm per request, each to its handler.
    fn request(&mut self, request: Request) -> Result<Value, ResponseError> {
        let state = &mut self.state;
        match request.method.as_str() {
            Formatting::METHOD => call::<Formatting>(state, request.params, formatting),
            HoverRequest::METHOD => call::<HoverRequest>(state, request.params, features::hover),
            GotoDefinition::METHOD => {
                call::<GotoDefinition>(state, request.params, features::definition)
            }
            References::METHOD => call::<References>(state, request.params, features::references),
            PrepareRenameRequest::METHOD => {
                call::<PrepareRenameRequest>(state, request.params, features::prepare_rename)
            }
            Rename::METHOD => call::<Rename>(state, request.params, features::rename),
            DocumentSymbolRequest::METHOD => {
                call::<DocumentSymbolRequest>(state, request.params, features::document_symbols)
            }
            WorkspaceSymbolRequest::METHOD => {
                call::<WorkspaceSymbolRequest>(state, request.params, features::workspace_symbols)
            }
            Completion::METHOD => call::<Completion>(state, request.params, features::completion),
            CodeActionRequest::METHOD => {
                call::<CodeActionRequest>(state, request.params, features::code_actions)
            }
            SemanticTokensFullRequest::METHOD => {
                call::<SemanticTokensFullRequest>(state, request.params, features::semantic_tokens)
            }
            TEST_PANIC if self.test_panic => {
                panic!("{TEST_PANIC}: a panic on purpose, to test that the server survives one")
            }
            method => Err(error(
                ErrorCode::MethodNotFound,
                format!("scalec does not handle `{method}`"),
            )),
        }
    }

    /// A notification while running; its errors and panics are reported,
    /// never answered.
    fn notification(&mut self, notification: Notification) {
        let method = notification.method.clone();
        let result = catch_unwind(AssertUnwindSafe(|| self.notify(notification)));
        match result {
            Ok(Ok(())) => {}
            Ok(Err(problem)) => eprintln!("scalec lsp: {method}: {problem}"),
            Err(panic) => {
                let message = panicked(&method, &*panic).message;
                self.show(MessageType::ERROR, message);
            }
        }
    }

    /// The notification table.
    fn notify(&mut self, notification: Notification) -> Result<(), String> {
        let Notification { method, params } = notification;
        let state = &mut self.state;
        match method.as_str() {
            "initialized" => {
                self.register_watcher();
                Ok(())
            }
            DidOpenTextDocument::METHOD => {
                let params = parse::<DidOpenTextDocument>(params)?;
                let document = params.text_document;
                state.open(document.uri, document.version, document.text);
                Ok(())
            }
            DidChangeTextDocument::METHOD => {
                let params = parse::<DidChangeTextDocument>(params)?;
                let document = params.text_document;
                state.change(&document.uri, document.version, params.content_changes)
            }
            DidSaveTextDocument::METHOD => {
                state.save(&parse::<DidSaveTextDocument>(params)?.text_document.uri);
                Ok(())
            }
            DidCloseTextDocument::METHOD => {
                state.close(&parse::<DidCloseTextDocument>(params)?.text_document.uri);
                Ok(())
            }
            DidChangeWatchedFiles::METHOD => {
                state.files_changed(&parse::<DidChangeWatchedFiles>(params)?.changes);
                Ok(())
            }
            TEST_PANIC if self.test_panic => {
                panic!("{TEST_PANIC}: a panic on purpose, to test that the server survives one")
            }
            // `$/cancelRequest`, `$/setTrace`, settings: nothing to do.
            _ => Ok(()),
        }
    }

    fn initialize(&mut self, params: Value) -> Value {
        let watch = "/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration";
        self.can_watch = params.pointer(watch) == Some(&Value::Bool(true));
        match lint_options(params.get("initializationOptions")) {
            Ok(options) => self.state.options = options,
            Err(problem) => self.show(
                MessageType::WARNING,
                format!(
                    "scalec: initializationOptions: {problem}; checking with the default settings"
                ),
            ),
        }
        self.phase = Phase::Running;
        serde_json::json!({
            "capabilities": capabilities(),
            "serverInfo": ServerInfo {
                name: "scalec".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            },
        })
    }

    /// Asks the client to report changes to `.scale` files, so projects are
    /// checked again when a file that is not open changes.
    fn register_watcher(&mut self) {
        if !self.can_watch {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/*.{}", crate::discover::EXTENSION)),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: WATCH_ID.into(),
                method: DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_id += 1;
        let id = RequestId::from(format!("scalec-{}", self.next_id));
        self.writer
            .send(Request::new(id, RegisterCapability::METHOD.into(), params).into());
    }

    /// Sends the diagnostics of every project changed since the last time.
    fn publish(&mut self) {
        let state = &mut self.state;
        match catch_unwind(AssertUnwindSafe(|| state.flush())) {
            Ok(published) => {
                for params in published {
                    self.writer
                        .send(Notification::new(PublishDiagnostics::METHOD.into(), params).into());
                }
            }
            Err(panic) => {
                let message = panicked("checking", &*panic).message;
                self.show(MessageType::ERROR, message);
            }
        }
    }

    fn show(&mut self, typ: MessageType, message: String) {
        eprintln!("scalec lsp: {message}");
        let params = ShowMessageParams { typ, message };
        self.writer
            .send(Notification::new(ShowMessage::METHOD.into(), params).into());
    }
}

/// What the server can do.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        document_formatting_provider: Some(OneOf::Left(true)),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(lsp_types::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec![" ".into(), "=".into()]),
            ..lsp_types::CompletionOptions::default()
        }),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Options(
            lsp_types::CodeActionOptions {
                code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
                ..lsp_types::CodeActionOptions::default()
            },
        )),
        semantic_tokens_provider: Some(
            lsp_types::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp_types::SemanticTokensOptions {
                    legend: features::legend(),
                    full: Some(lsp_types::SemanticTokensFullOptions::Bool(true)),
                    ..lsp_types::SemanticTokensOptions::default()
                },
            ),
        ),
        ..ServerCapabilities::default()
    }
}

/// `initializationOptions`: `{ "deny": [RULE], "allow": [RULE], "verbose":
/// bool }`, like `check`'s flags; absent, the defaults.
fn lint_options(options: Option<&Value>) -> Result<lint::Options, String> {
    #[derive(serde::Deserialize, Default)]
    #[serde(default)]
    struct Flags {
        deny: Vec<String>,
        allow: Vec<String>,
        verbose: bool,
    }
    let flags: Flags = match options {
        None | Some(Value::Null) => Flags::default(),
        Some(value) => serde_json::from_value(value.clone()).map_err(|e| e.to_string())?,
    };
    lint::Options::from_flags(&flags.deny, &flags.allow, flags.verbose).map_err(|e| e.to_string())
}

/// Runs a request's handler: its parameters parsed (`InvalidParams` if
/// they do not fit), its result serialized.
fn call<R: lsp_types::request::Request>(
    state: &mut State,
    params: Value,
    handler: fn(&mut State, R::Params) -> Result<R::Result, ResponseError>,
) -> Result<Value, ResponseError> {
    let params = serde_json::from_value(params).map_err(|e| {
        error(
            ErrorCode::InvalidParams,
            format!("invalid parameters for `{}`: {e}", R::METHOD),
        )
    })?;
    let result = handler(state, params)?;
    serde_json::to_value(result).map_err(|e| {
        error(
            ErrorCode::InternalError,
            format!("cannot serialize the result: {e}"),
        )
    })
}

fn parse<N: lsp_types::notification::Notification>(params: Value) -> Result<N::Params, String> {
    serde_json::from_value(params).map_err(|e| format!("invalid parameters: {e}"))
}

/// The answer to a handler that panicked.
fn panicked(method: &str, panic: &(dyn std::any::Any + Send)) -> ResponseError {
    let what = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic");
    error(
        ErrorCode::InternalError,
        format!("scalec hit an internal error in `{method}`: {what}; please report it"),
    )
}

/// An error about a document the request names.
fn failed(message: String) -> ResponseError {
    error(ErrorCode::RequestFailed, message)
}

// Request handlers.

fn formatting(
    state: &mut State,
    params: DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>, ResponseError> {
    let uri = params.text_document.uri;
    let document = state
        .documents
        .get(&uri)
        .ok_or_else(|| failed(format!("`{}` is not open", uri.as_str())))?;
    super::formatting::format(document)
        .map(Some)
        .map_err(failed)
}
