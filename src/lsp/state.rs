//! What the server knows between messages: the open documents, the last
//! check of each project, and what the editor was last sent.
//!
//! Every change (a document opened, edited, saved or closed, a file changed
//! on disk) marks its project dirty; [`State::flush`] re-checks the dirty
//! projects and returns the diagnostics that changed. The server flushes
//! when no message is waiting, so a burst of keystrokes is checked once.
//! No protocol here: the handlers in `server` and the benchmark call these
//! methods directly.

use std::collections::{BTreeMap, BTreeSet};

use lsp_types::{
    FileChangeType, FileEvent, PublishDiagnosticsParams, TextDocumentContentChangeEvent, Uri,
};

use super::documents::{Document, Documents, ProjectKey};
use crate::discover::Workspace;
use crate::source::FileId;
use crate::{Compilation, lint};

/// A project as last checked.
#[derive(Debug)]
pub struct Checked {
    pub workspace: Workspace,
    pub compilation: Compilation,
}

impl Checked {
    /// Positions and locations in this check, open files named by their
    /// documents' URIs.
    pub fn positions<'a>(&'a self, documents: &'a Documents) -> super::diagnostics::Positions<'a> {
        let open: Vec<&Document> = documents.iter().collect();
        super::diagnostics::Positions::new(&self.workspace, &open)
    }

    /// The file id of an open document in this check.
    pub fn file(&self, document: &Document) -> Option<FileId> {
        let path = document.check_path();
        self.workspace
            .sources
            .files()
            .iter()
            .find(|f| f.path == path)
            .map(|f| f.id)
    }
}

#[derive(Debug, Default)]
pub struct State {
    pub documents: Documents,
    /// The lint settings of every check, like `check`'s flags.
    pub options: lint::Options,
    /// The last check of each project, while it matches the documents.
    checked: BTreeMap<ProjectKey, Checked>,
    /// Projects whose diagnostics must be sent again.
    dirty: BTreeSet<ProjectKey>,
    /// What each document was last sent.
    published: BTreeMap<Uri, Vec<lsp_types::Diagnostic>>,
    /// Clearing messages for documents closed or deleted.
    cleared: Vec<PublishDiagnosticsParams>,
}

impl State {
    pub fn new(options: lint::Options) -> Self {
        State {
            options,
            ..State::default()
        }
    }

    /// Whether [`State::flush`] has anything to send.
    pub fn is_dirty(&self) -> bool {
        !self.dirty.is_empty() || !self.cleared.is_empty()
    }

    fn touch(&mut self, project: ProjectKey) {
        self.checked.remove(&project);
        self.dirty.insert(project);
    }

    pub fn open(&mut self, uri: Uri, version: i32, text: String) {
        let project = self.documents.open(uri, version, text);
        self.touch(project);
    }

    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> Result<(), String> {
        let project = self.documents.change(uri, version, changes)?;
        self.touch(project);
        Ok(())
    }

    /// A save changes nothing the server reads (the editor's text already
    /// stood for the file), but other tools may have changed the project's
    /// files meanwhile: checked again.
    pub fn save(&mut self, uri: &Uri) {
        if let Some(document) = self.documents.get(uri) {
            let project = document.project();
            self.touch(project);
        }
    }

    /// The document's diagnostics are cleared, and its project checked
    /// again with its file as on disk.
    pub fn close(&mut self, uri: &Uri) {
        if let Some(document) = self.documents.close(uri) {
            self.touch(document.project());
        }
        self.clear(uri);
    }

    fn clear(&mut self, uri: &Uri) {
        if self.published.remove(uri).is_some_and(|d| !d.is_empty()) {
            self.cleared.push(PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics: Vec::new(),
                version: None,
            });
        }
    }

    /// Files changed on disk (`workspace/didChangeWatchedFiles`): the
    /// projects with open documents they belong to are checked again, and a
    /// deleted file that is not open loses its diagnostics.
    pub fn files_changed(&mut self, events: &[FileEvent]) {
        for event in events {
            let Some(path) = super::uri::to_path(&event.uri) else {
                continue;
            };
            if event.typ == FileChangeType::DELETED && self.documents.get(&event.uri).is_none() {
                self.clear(&event.uri);
            }
            let Some(dir) = path.parent() else { continue };
            let project = ProjectKey::Dir(dir.to_path_buf());
            if self.documents.in_project(&project).next().is_some() {
                self.touch(project);
            }
        }
    }

    /// Checks every dirty project again; returns the diagnostics that
    /// changed since they were last sent, and clears those of documents
    /// closed or deleted.
    pub fn flush(&mut self) -> Vec<PublishDiagnosticsParams> {
        let mut out = std::mem::take(&mut self.cleared);
        for project in std::mem::take(&mut self.dirty) {
            let open: Vec<&Document> = self.documents.in_project(&project).collect();
            if open.is_empty() {
                self.checked.remove(&project);
                continue;
            }
            let checked = self
                .checked
                .entry(project.clone())
                .or_insert_with(|| check(&self.documents, &project, &self.options));
            let found = super::diagnostics::for_documents(
                &checked.workspace,
                &checked.compilation.diagnostics,
                &open,
            );
            for (uri, (version, diagnostics)) in found {
                if self.published.get(&uri) == Some(&diagnostics) {
                    continue;
                }
                self.published.insert(uri.clone(), diagnostics.clone());
                out.push(PublishDiagnosticsParams {
                    uri,
                    diagnostics,
                    version: Some(version),
                });
            }
        }
        out
    }

    /// The project of an open document as it is now, checked if it was not
    /// since its last change, and the document's file in it: what a request
    /// about the document (hover, definition…) reads.
    pub fn analysis(&mut self, uri: &Uri) -> Result<(&Document, &Checked, FileId), String> {
        let document = self
            .documents
            .get(uri)
            .ok_or_else(|| format!("`{}` is not open", uri.as_str()))?;
        let project = document.project();
        let checked = self
            .checked
            .entry(project.clone())
            .or_insert_with(|| check(&self.documents, &project, &self.options));
        let file = checked
            .file(document)
            .ok_or_else(|| format!("`{}` is not in its project", uri.as_str()))?;
        Ok((document, checked, file))
    }
}

/// Reads and checks one project, as `check` would with the open documents
/// in place of their files.
pub fn check(documents: &Documents, project: &ProjectKey, options: &lint::Options) -> Checked {
    let workspace = documents.workspace(project);
    let compilation = crate::compile(&workspace, options);
    Checked {
        workspace,
        compilation,
    }
}
