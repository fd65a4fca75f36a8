//! The editor features: each request handler reads a [`Snapshot`] of the
//! document's project, asks `crate::ide` (which knows nothing of the
//! protocol) and turns its spans into protocol positions.

use std::collections::HashMap;

use lsp_server::{ErrorCode, ResponseError};
use lsp_types::{
    CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse, CompletionItem,
    CompletionItemKind, CompletionParams, CompletionResponse, CompletionTextEdit,
    DocumentSymbolParams, DocumentSymbolResponse, Documentation, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverContents, HoverParams, Location, MarkupContent, MarkupKind,
    PrepareRenameResponse, ReferenceParams, RenameParams, SemanticToken, SemanticTokenModifier,
    SemanticTokenType, SemanticTokens, SemanticTokensLegend, SemanticTokensParams,
    SemanticTokensResult, SymbolKind, TextDocumentPositionParams, TextEdit, Uri, WorkspaceEdit,
    WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use super::diagnostics::{Positions, convert};
use super::state::{Snapshot, State};
use super::transport::error;
use crate::ide::{self, Edit};

/// A request about a document that is not open, or not in a project.
fn failed(message: String) -> ResponseError {
    error(ErrorCode::RequestFailed, message)
}

fn snapshot<'s>(state: &'s mut State, uri: &Uri) -> Result<Snapshot<'s>, ResponseError> {
    state.snapshot(uri).map_err(failed)
}

pub fn hover(state: &mut State, params: HoverParams) -> Result<Option<Hover>, ResponseError> {
    let at = params.text_document_position_params;
    let snapshot = snapshot(state, &at.text_document.uri)?;
    let analysis = snapshot.checked.analysis();
    let offset = snapshot.offset(at.position);
    let diagnostics = &snapshot.checked.compilation.diagnostics;
    let Some(found) = ide::hover::hover(&analysis, snapshot.file, offset, diagnostics) else {
        return Ok(None);
    };
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: found.markdown,
        }),
        range: Some(snapshot.positions().range(found.span)),
    }))
}

fn locations(snapshot: &Snapshot<'_>, spans: Vec<crate::source::Span>) -> Vec<Location> {
    let mut positions = snapshot.positions();
    spans
        .into_iter()
        .filter_map(|span| positions.location(span))
        .collect()
}

pub fn definition(
    state: &mut State,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>, ResponseError> {
    let at = params.text_document_position_params;
    let snapshot = snapshot(state, &at.text_document.uri)?;
    let analysis = snapshot.checked.analysis();
    let spans = ide::navigate::definition(&analysis, snapshot.file, snapshot.offset(at.position));
    let found = locations(&snapshot, spans);
    Ok((!found.is_empty()).then_some(GotoDefinitionResponse::Array(found)))
}

pub fn references(
    state: &mut State,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>, ResponseError> {
    let at = params.text_document_position;
    let snapshot = snapshot(state, &at.text_document.uri)?;
    let analysis = snapshot.checked.analysis();
    let spans = ide::navigate::references(
        &analysis,
        snapshot.file,
        snapshot.offset(at.position),
        params.context.include_declaration,
    );
    Ok(Some(locations(&snapshot, spans)))
}

pub fn prepare_rename(
    state: &mut State,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, ResponseError> {
    let snapshot = snapshot(state, &params.text_document.uri)?;
    let analysis = snapshot.checked.analysis();
    let offset = snapshot.offset(params.position);
    Ok(
        ide::rename::prepare(&analysis, snapshot.file, offset).map(|(span, name)| {
            PrepareRenameResponse::RangeWithPlaceholder {
                range: snapshot.positions().range(span),
                placeholder: name,
            }
        }),
    )
}

/// Edits as a workspace edit, grouped by document.
fn workspace_edit(positions: &mut Positions<'_>, edits: Vec<Edit>) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in edits {
        if let Some(location) = positions.location(edit.span) {
            changes
                .entry(location.uri)
                .or_default()
                .push(TextEdit::new(location.range, edit.new_text));
        }
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}

pub fn rename(
    state: &mut State,
    params: RenameParams,
) -> Result<Option<WorkspaceEdit>, ResponseError> {
    let at = params.text_document_position;
    let snapshot = snapshot(state, &at.text_document.uri)?;
    let analysis = snapshot.checked.analysis();
    let offset = snapshot.offset(at.position);
    let edits = ide::rename::rename(&analysis, snapshot.file, offset, &params.new_name)
        .map_err(|refused| error(ErrorCode::RequestFailed, refused.reason))?;
    Ok(Some(workspace_edit(&mut snapshot.positions(), edits)))
}

fn symbol_kind(kind: &str) -> SymbolKind {
    match kind {
        "service" => SymbolKind::CLASS,
        "metric" | "queue" => SymbolKind::VARIABLE,
        "database" => SymbolKind::MODULE,
        "collection" => SymbolKind::STRUCT,
        "field" => SymbolKind::FIELD,
        "scale" => SymbolKind::EVENT,
        _ => SymbolKind::NAMESPACE,
    }
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol type.
fn document_symbol(
    positions: &mut Positions<'_>,
    symbol: ide::symbols::DocumentSymbol,
) -> lsp_types::DocumentSymbol {
    lsp_types::DocumentSymbol {
        kind: symbol_kind(&symbol.kind),
        name: symbol.name,
        detail: symbol.detail,
        tags: None,
        deprecated: None,
        range: positions.range(symbol.span),
        selection_range: positions.range(symbol.selection),
        children: Some(
            symbol
                .children
                .into_iter()
                .map(|child| document_symbol(positions, child))
                .collect(),
        ),
    }
}

pub fn document_symbols(
    state: &mut State,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>, ResponseError> {
    let snapshot = snapshot(state, &params.text_document.uri)?;
    let analysis = snapshot.checked.analysis();
    let mut positions = snapshot.positions();
    let symbols = ide::symbols::document_symbols(&analysis, snapshot.file)
        .into_iter()
        .map(|symbol| document_symbol(&mut positions, symbol))
        .collect();
    Ok(Some(DocumentSymbolResponse::Nested(symbols)))
}

/// Symbols of the projects of every open document.
#[allow(deprecated)] // `deprecated` is a required field of the protocol type.
pub fn workspace_symbols(
    state: &mut State,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>, ResponseError> {
    let mut uris: Vec<Uri> = state.documents.iter().map(|d| d.uri.clone()).collect();
    uris.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for uri in uris {
        let Ok(snapshot) = state.snapshot(&uri) else {
            continue;
        };
        if !seen.insert(snapshot.document.project()) {
            continue;
        }
        let analysis = snapshot.checked.analysis();
        let mut positions = snapshot.positions();
        for symbol in ide::symbols::workspace_symbols(&analysis, &params.query) {
            let Some(location) = positions.location(symbol.span) else {
                continue;
            };
            out.push(lsp_types::SymbolInformation {
                kind: symbol_kind(&symbol.kind),
                name: symbol.name,
                tags: None,
                deprecated: None,
                location,
                container_name: Some(symbol.container),
            });
        }
    }
    Ok(Some(WorkspaceSymbolResponse::Flat(out)))
}

pub fn completion(
    state: &mut State,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>, ResponseError> {
    let at = params.text_document_position;
    let snapshot = snapshot(state, &at.text_document.uri)?;
    let analysis = snapshot.checked.analysis();
    let offset = snapshot.offset(at.position);
    let mut positions = snapshot.positions();
    let items = ide::completion::complete(&analysis, snapshot.file, offset)
        .into_iter()
        .map(|item| {
            use ide::completion::CompletionKind as K;
            CompletionItem {
                kind: Some(match item.kind {
                    K::BlockKind => CompletionItemKind::KEYWORD,
                    K::Attribute => CompletionItemKind::PROPERTY,
                    K::Signal => CompletionItemKind::VARIABLE,
                    K::Word => CompletionItemKind::ENUM_MEMBER,
                    K::Unit => CompletionItemKind::UNIT,
                }),
                detail: Some(item.detail),
                documentation: item.documentation.map(|value| {
                    Documentation::MarkupContent(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value,
                    })
                }),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                    positions.range(item.replace),
                    item.insert,
                ))),
                label: item.label,
                ..CompletionItem::default()
            }
        })
        .collect();
    Ok(Some(CompletionResponse::Array(items)))
}

pub fn code_actions(
    state: &mut State,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>, ResponseError> {
    let snapshot = snapshot(state, &params.text_document.uri)?;
    let analysis = snapshot.checked.analysis();
    let start = snapshot.offset(params.range.start);
    let end = snapshot.offset(params.range.end).max(start);
    let range = crate::source::Span::new(snapshot.file, start, end);
    let diagnostics = &snapshot.checked.compilation.diagnostics;
    let mut positions = snapshot.positions();
    let actions = ide::actions::code_actions(&analysis, snapshot.file, range, diagnostics)
        .into_iter()
        .map(|action| {
            let fixes = convert(&diagnostics[action.fixes], &mut positions);
            CodeActionOrCommand::CodeAction(lsp_types::CodeAction {
                title: action.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![fixes]),
                edit: Some(workspace_edit(&mut positions, action.edits)),
                is_preferred: Some(action.preferred),
                ..lsp_types::CodeAction::default()
            })
        })
        .collect();
    Ok(Some(actions))
}

/// The legend of [`semantic_tokens`]: `ide::tokens`' types and modifiers.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: ide::tokens::TokenType::ALL
            .iter()
            .map(|t| SemanticTokenType::new(t.name()))
            .collect(),
        token_modifiers: ide::tokens::MODIFIERS
            .iter()
            .map(|m| SemanticTokenModifier::new(m))
            .collect(),
    }
}

pub fn semantic_tokens(
    state: &mut State,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>, ResponseError> {
    let snapshot = snapshot(state, &params.text_document.uri)?;
    let analysis = snapshot.checked.analysis();
    let mut positions = snapshot.positions();
    let mut data = Vec::new();
    let (mut line, mut character) = (0, 0);
    for token in ide::tokens::semantic_tokens(&analysis, snapshot.file) {
        // Tokens are on one line each, in order.
        let range = positions.range(token.span);
        let delta_line = range.start.line - line;
        let delta_start = if delta_line == 0 {
            range.start.character - character
        } else {
            range.start.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: range.end.character - range.start.character,
            token_type: token.token_type.index(),
            token_modifiers_bitset: token.modifiers,
        });
        (line, character) = (range.start.line, range.start.character);
    }
    Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    })))
}
