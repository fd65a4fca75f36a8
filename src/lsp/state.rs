//! What the server knows between messages: the open documents, the last
//! check of each project, and what the editor was last sent.
//!
//! Every change (a document opened, edited, saved or closed, a file changed
//! on disk) marks its project dirty; [`State::flush`] re-checks the dirty
//! projects and returns the diagnostics that changed. An edit replaces the
//! document's text in its project's source map ([`SourceMap::replace`]) and
//! reads nothing from disk; opening, saving or closing a document, or a
//! change on disk, reads the project's files again. The server flushes
//! when no message is waiting, so a burst of keystrokes is checked once.
//! No protocol here: the handlers in `server` and the benchmark call these
//! methods directly. A request about a document (hover, definition…) reads
//! a [`Snapshot`]: the document, its project as checked, and the positions
//! of spans in any of the project's files.

use std::collections::{BTreeMap, BTreeSet};

use lsp_types::{
    FileChangeType, FileEvent, PublishDiagnosticsParams, TextDocumentContentChangeEvent, Uri,
};

use super::documents::{Document, Documents, ProjectKey};
use crate::discover::Workspace;
use crate::ide::Analysis;
use crate::source::FileId;
#[cfg(doc)]
use crate::source::SourceMap;
use crate::{Compilation, lint};

/// A project as last checked.
#[derive(Debug)]
pub struct Checked {
    pub workspace: Workspace,
    pub compilation: Compilation,
    /// Whether a document's text was replaced since `compilation`.
    stale: bool,
}

impl Checked {
    /// The editor features' view of this check.
    pub fn analysis(&self) -> Analysis<'_> {
        Analysis::new(&self.workspace.sources, &self.workspace.projects)
    }

    /// Positions and locations in this check, open files named by their
    /// documents' URIs.
    pub fn positions<'a>(&'a self, documents: &'a Documents) -> super::diagnostics::Positions<'a> {
        let open: Vec<&Document> = documents.iter().collect();
        super::diagnostics::Positions::new(&self.workspace, &open)
    }

    /// The file id of an open document in this check.
    pub fn file(&self, document: &Document) -> Option<FileId> {
        self.workspace.sources.find(&document.check_path())
    }

    /// Puts a document's text in place of what this check read for it;
    /// false if the document is not one of its files.
    fn replace(&mut self, document: &Document) -> bool {
        let Some(file) = self.file(document) else {
            return false;
        };
        self.workspace.sources.replace(file, &document.text);
        self.stale = true;
        true
    }

    /// Checks the project again if a document's text was replaced.
    fn refresh(&mut self, options: &lint::Options) {
        if self.stale {
            let workspace = &self.workspace;
            self.compilation = crate::compile(&workspace.sources, &workspace.projects, options);
            self.stale = false;
        }
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
        let document = self.documents.get(uri).expect("changed above");
        let replaced = self
            .checked
            .get_mut(&project)
            .is_some_and(|checked| checked.replace(document));
        if replaced {
            self.dirty.insert(project);
        } else {
            self.touch(project);
        }
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
            checked.refresh(&self.options);
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

    /// An open document's project as it is now (checked first if it changed
    /// since its last check), for a request about the document: hover,
    /// definition and the like read the snapshot, never the disk.
    pub fn snapshot(&mut self, uri: &Uri) -> Result<Snapshot<'_>, String> {
        let project = self
            .documents
            .get(uri)
            .ok_or_else(|| format!("`{}` is not open", uri.as_str()))?
            .project();
        let options = &self.options;
        self.checked
            .entry(project.clone())
            .or_insert_with(|| check(&self.documents, &project, options))
            .refresh(options);
        let this = &*self;
        let document = this.documents.get(uri).expect("looked up above");
        let checked = &this.checked[&project];
        let file = checked
            .file(document)
            .ok_or_else(|| format!("`{}` is not in its project", uri.as_str()))?;
        Ok(Snapshot {
            document,
            checked,
            file,
            documents: &this.documents,
        })
    }
}

/// An open document and its project as checked, for a request handler.
pub struct Snapshot<'a> {
    pub document: &'a Document,
    pub checked: &'a Checked,
    /// The document's file in `checked.workspace`.
    pub file: FileId,
    pub documents: &'a Documents,
}

impl<'a> Snapshot<'a> {
    /// The byte offset in the document's source of a protocol position.
    pub fn offset(&self, position: lsp_types::Position) -> usize {
        self.document.offset(position)
    }

    /// Positions and locations of spans in any file of the project.
    pub fn positions(&self) -> super::diagnostics::Positions<'a> {
        self.checked.positions(self.documents)
    }
}

/// Reads and checks one project, as `check` would with the open documents
/// in place of their files.
pub fn check(documents: &Documents, project: &ProjectKey, options: &lint::Options) -> Checked {
    let workspace = documents.workspace(project);
    let compilation = crate::compile(&workspace.sources, &workspace.projects, options);
    Checked {
        workspace,
        compilation,
        stale: false,
    }
}

#[cfg(test)]
mod tests {
    use lsp_types::Position;

    use super::*;

    /// An empty project directory `shop`, and the temporary directory that
    /// holds it (removed when dropped).
    fn shop() -> (tempfile::TempDir, std::path::PathBuf) {
        let temp = tempfile::Builder::new()
            .prefix("scalec-")
            .tempdir()
            .expect("temp dir");
        let dir = temp.path().join("shop");
        std::fs::create_dir(&dir).expect("dir");
        (temp, dir)
    }

    fn short(checked: &Checked) -> Vec<String> {
        let sources = &checked.workspace.sources;
        let diagnostics = &checked.compilation.diagnostics;
        diagnostics
            .iter()
            .map(|d| crate::render::short_line(d, sources))
            .collect()
    }

    #[test]
    fn an_edit_is_checked_in_place_as_a_fresh_check_would_check_it() {
        let (_temp, dir) = shop();
        let on_disk = "service api {\n  scale rps { average = 10 }\n}\n";
        std::fs::write(dir.join("b.scale"), on_disk).expect("write");
        let uri = super::super::uri::from_path(&dir.join("a.scale")).expect("a URI");
        let mut state = State::default();
        state.open(uri.clone(), 1, "metric rpz { kind = pods }\n".into());
        state.flush();
        let before = short(&state.checked[&ProjectKey::Dir(dir.clone())]);
        assert!(before.iter().any(|d| d.contains("E004")), "{before:?}");
        let edit = TextDocumentContentChangeEvent {
            range: Some(lsp_types::Range::new(
                Position::new(0, 9),
                Position::new(0, 10),
            )),
            range_length: None,
            text: "s".into(),
        };
        state.change(&uri, 2, vec![edit]).expect("open");
        let project = ProjectKey::Dir(dir.clone());
        assert!(
            state.checked[&project].stale,
            "the edit replaced the text in the check it had"
        );
        state.flush();
        let after = short(&state.checked[&project]);
        let fresh = short(&check(&state.documents, &project, &state.options));
        assert_eq!(after, fresh);
        assert!(!after.iter().any(|d| d.contains("E004")), "{after:?}");
    }

    #[test]
    fn a_snapshot_locates_spans_in_open_and_unopened_files() {
        let (_temp, dir) = shop();
        std::fs::write(dir.join("c.scale"), "metric rps { kind = pods }\n").expect("write");
        let uri = |name: &str| super::super::uri::from_path(&dir.join(name)).expect("a URI");
        let mut state = State::default();
        state.open(uri("a.scale"), 1, "\u{FEFF}service a😀 {}\n".into());
        state.open(uri("b.scale"), 1, "metric b { kind = pods }\n".into());
        let snapshot = state.snapshot(&uri("a.scale")).expect("open");
        assert_eq!(snapshot.document.uri, uri("a.scale"));
        // `{` after the mark, `service `, the name and a space.
        let brace = snapshot.offset(Position::new(0, 13));
        let text = &snapshot.checked.workspace.sources.get(snapshot.file).text;
        assert_eq!(&text[brace..brace + 1], "{");
        let mut positions = snapshot.positions();
        let span = |name: &str, start, end| {
            let file = snapshot
                .checked
                .workspace
                .sources
                .files()
                .iter()
                .find(|f| f.path == dir.join(name))
                .expect("in the project")
                .id;
            crate::source::Span::new(file, start, end)
        };
        let here = positions
            .location(span("a.scale", brace, brace + 1))
            .expect("a location");
        assert_eq!(
            (here.uri, here.range.start),
            (uri("a.scale"), Position::new(0, 13))
        );
        let open = positions
            .location(span("b.scale", 7, 8))
            .expect("a location");
        assert_eq!(
            (open.uri, open.range.start),
            (uri("b.scale"), Position::new(0, 7))
        );
        let on_disk = positions
            .location(span("c.scale", 7, 10))
            .expect("a location");
        assert_eq!(
            (on_disk.uri, on_disk.range.start),
            (uri("c.scale"), Position::new(0, 7))
        );
        assert!(state.snapshot(&uri("c.scale")).is_err());
    }
}
