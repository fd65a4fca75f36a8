//! The documents the editor has open, and the projects they belong to.
//!
//! An open document's text is what the editor holds, saved or not; it stands
//! in for the file on disk. A document's project is its directory, as in
//! `scalec check FILE`: the open documents of that directory as the editor
//! has them, its other `.scale` files read from disk
//! ([`discover::load_buffers`]), so references and duplicates across files
//! resolve exactly as `check` resolves them. A document that names no
//! `.scale` file (an `untitled:` buffer, another extension) is a project of
//! its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{Position, TextDocumentContentChangeEvent, Uri};

use crate::discover::{self, Buffer, Workspace};
use crate::source::{LineIndex, ProjectFiles};

/// One open document.
#[derive(Clone, Debug)]
pub struct Document {
    pub uri: Uri,
    /// The file a `file:` URI names.
    pub path: Option<PathBuf>,
    pub version: i32,
    pub text: String,
}

impl Document {
    /// The project this document is checked with.
    pub fn project(&self) -> ProjectKey {
        match &self.path {
            Some(path) if path.extension().is_some_and(|e| e == discover::EXTENSION) => {
                ProjectKey::Dir(path.parent().unwrap_or(Path::new("/")).to_path_buf())
            }
            _ => ProjectKey::Alone(self.uri.clone()),
        }
    }

    /// The path the document's text is checked under: its file, or its URI.
    pub fn check_path(&self) -> PathBuf {
        self.path
            .clone()
            .unwrap_or_else(|| PathBuf::from(self.uri.as_str()))
    }

    /// The length of a leading byte-order mark, which the editor's text may
    /// have and the checked source never does.
    fn bom(&self) -> usize {
        if self.text.starts_with('\u{FEFF}') {
            '\u{FEFF}'.len_utf8()
        } else {
            0
        }
    }

    /// The byte offset in the checked source (as spans count) of a protocol
    /// position in this document; clamped like
    /// [`LineIndex::utf16_offset`].
    pub fn offset(&self, position: Position) -> usize {
        let lines = LineIndex::new(&self.text);
        lines
            .utf16_offset(&self.text, position.line, position.character)
            .saturating_sub(self.bom())
    }

    /// The protocol position in this document of a byte offset in the
    /// checked source.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset + self.bom();
        let (line, character) = LineIndex::new(&self.text).utf16_position(&self.text, offset);
        Position::new(line, character)
    }
}

/// What is checked together.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProjectKey {
    /// A directory's `.scale` files: the open ones as the editor has them,
    /// the others from disk.
    Dir(PathBuf),
    /// A document that names no `.scale` file, checked alone.
    Alone(Uri),
}

/// The open documents, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: BTreeMap<Uri, Document>,
}

impl Documents {
    /// Opens (or reopens) a document; returns its project.
    pub fn open(&mut self, uri: Uri, version: i32, text: String) -> ProjectKey {
        let document = Document {
            path: super::uri::to_path(&uri),
            uri: uri.clone(),
            version,
            text,
        };
        let project = document.project();
        self.open.insert(uri, document);
        project
    }

    /// Applies an editor's changes in order (a change without a range
    /// replaces the whole text); returns the document's project.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> Result<ProjectKey, String> {
        let document = self
            .open
            .get_mut(uri)
            .ok_or_else(|| format!("`{}` was changed but is not open", uri.as_str()))?;
        for change in changes {
            match change.range {
                None => document.text = change.text,
                Some(range) => {
                    let lines = LineIndex::new(&document.text);
                    let at = |p: lsp_types::Position| {
                        lines.utf16_offset(&document.text, p.line, p.character)
                    };
                    let (start, end) = (at(range.start), at(range.end));
                    let (start, end) = (start.min(end), start.max(end));
                    document.text.replace_range(start..end, &change.text);
                }
            }
        }
        document.version = version;
        Ok(document.project())
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.open.remove(uri)
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    /// Every open document, by URI.
    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.open.values()
    }

    /// The open documents of a project.
    pub fn in_project<'a>(&'a self, key: &'a ProjectKey) -> impl Iterator<Item = &'a Document> {
        self.open.values().filter(move |d| d.project() == *key)
    }

    /// What a project is checked from: its open documents as the editor has
    /// them and, for a directory, its other files from disk. A directory
    /// that cannot be listed (it was deleted, say) leaves its open documents
    /// alone, together.
    pub fn workspace(&self, key: &ProjectKey) -> Workspace {
        let documents: Vec<&Document> = self.in_project(key).collect();
        if let ProjectKey::Dir(_) = key {
            let buffers: Vec<Buffer> = documents
                .iter()
                .map(|d| Buffer {
                    path: d.check_path(),
                    bytes: d.text.clone().into_bytes(),
                })
                .collect();
            match discover::load_buffers(&[], &buffers) {
                Ok(workspace) => return workspace,
                Err(e) => eprintln!("scalec lsp: checking the open documents alone: {e}"),
            }
        }
        let dir = match key {
            ProjectKey::Dir(dir) => dir.clone(),
            ProjectKey::Alone(_) => documents
                .first()
                .and_then(|d| d.path.as_ref()?.parent().map(Path::to_path_buf))
                .unwrap_or_default(),
        };
        let mut workspace = Workspace::default();
        let files = documents
            .iter()
            .map(|d| workspace.sources.add(d.check_path(), &d.text))
            .collect();
        let output = dir
            .file_name()
            .map_or_else(|| PathBuf::from("project"), PathBuf::from);
        workspace.projects.push(ProjectFiles { dir, output, files });
        workspace
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use lsp_types::Range;

    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range
                .map(|((a, b), (c, d))| Range::new(Position::new(a, b), Position::new(c, d))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn changes_apply_at_utf16_positions_in_order() {
        let mut documents = Documents::default();
        let uri = Uri::from_str("file:///p/a.scale").expect("a URI");
        let project = documents.open(uri.clone(), 1, "a😀b\r\ncd".into());
        assert_eq!(project, ProjectKey::Dir(PathBuf::from("/p")));
        documents
            .change(
                &uri,
                2,
                vec![
                    // Replace `b` (after a surrogate pair) and join the lines.
                    change(Some(((0, 3), (1, 0))), "X"),
                    change(Some(((0, 0), (0, 0))), "é"),
                ],
            )
            .expect("open");
        let document = documents.get(&uri).expect("open");
        assert_eq!((document.text.as_str(), document.version), ("éa😀Xcd", 2));
        documents
            .change(&uri, 3, vec![change(None, "new")])
            .expect("open");
        assert_eq!(documents.get(&uri).expect("open").text, "new");
        let other = Uri::from_str("file:///p/b.scale").expect("a URI");
        assert!(documents.change(&other, 1, vec![]).is_err());
    }

    #[test]
    fn positions_and_offsets_skip_a_byte_order_mark() {
        let mut documents = Documents::default();
        let uri = Uri::from_str("file:///p/a.scale").expect("a URI");
        documents.open(uri.clone(), 1, "\u{FEFF}a😀b\nc".into());
        let document = documents.get(&uri).expect("open");
        // In the checked source (no mark), `b` is at byte 5, `c` at 7.
        assert_eq!(document.position(5), Position::new(0, 4));
        assert_eq!(document.offset(Position::new(0, 4)), 5);
        assert_eq!(document.position(7), Position::new(1, 0));
        assert_eq!(document.offset(Position::new(1, 0)), 7);
        assert_eq!(document.offset(Position::new(0, 0)), 0);
    }

    #[test]
    fn documents_that_name_no_policy_file_are_projects_of_their_own() {
        let mut documents = Documents::default();
        for text in ["untitled:Untitled-1", "file:///p/notes.txt"] {
            let uri = Uri::from_str(text).expect("a URI");
            assert_eq!(
                documents.open(uri.clone(), 1, String::new()),
                ProjectKey::Alone(uri)
            );
        }
    }
}
