//! Document symbols (the outline of a file's blocks) and workspace symbols
//! (named blocks of every project, searched by name).

use crate::ast::{Block, Item};
use crate::source::{FileId, Span};

use super::Analysis;

/// One block of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    /// The label, or the kind for a block without one (`defaults`).
    pub name: String,
    /// The block kind as written: `service`, `scale`.
    pub kind: String,
    /// For a labelled block, its kind (`service`); `None` otherwise.
    pub detail: Option<String>,
    /// The whole block.
    pub span: Span,
    /// What to select: the label, or the kind.
    pub selection: Span,
    pub children: Vec<DocumentSymbol>,
}

/// The outline of `file`: its blocks, nested as written. Empty for a file
/// that neither parses nor can be repaired.
pub fn document_symbols(analysis: &Analysis<'_>, file: FileId) -> Vec<DocumentSymbol> {
    analysis
        .ast(file)
        .map(|ast| outline(&ast.items))
        .unwrap_or_default()
}

fn outline(items: &[Item]) -> Vec<DocumentSymbol> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Block(block) => Some(symbol(block)),
            Item::Attribute(_) => None,
        })
        .collect()
}

fn symbol(block: &Block) -> DocumentSymbol {
    let kind = block.kind.name.clone();
    let (name, detail, selection) = match &block.label {
        Some(label) => (label.text.clone(), Some(kind.clone()), label.span),
        None => (kind.clone(), None, block.kind.span),
    };
    DocumentSymbol {
        name,
        kind,
        detail,
        span: block.span,
        selection,
        children: outline(&block.items),
    }
}

/// A named block found by a workspace search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    /// The block kind: `service`, `metric`, `collection`.
    pub kind: String,
    /// Where the block is: the label.
    pub span: Span,
    /// The enclosing named block (`database orders` for a collection), or the
    /// project directory for a top-level block.
    pub container: String,
}

/// Every labelled block of every project (but `scale` blocks, whose labels
/// are references) whose label contains `query`
/// (ignoring case; an empty query matches all), in project and file order.
pub fn workspace_symbols(analysis: &Analysis<'_>, query: &str) -> Vec<WorkspaceSymbol> {
    let query = query.to_lowercase();
    let mut out = Vec::new();
    for project in analysis.projects() {
        let dir = crate::source::display_path(&project.dir);
        for &file in &project.files {
            let Some(ast) = analysis.ast(file) else {
                continue;
            };
            search(&ast.items, &query, &dir, &mut out);
        }
    }
    out
}

fn search(items: &[Item], query: &str, container: &str, out: &mut Vec<WorkspaceSymbol>) {
    for item in items {
        let Item::Block(block) = item else { continue };
        // A `scale` label names what it scales on: a reference.
        if block.kind.name == "scale" {
            continue;
        }
        let Some(label) = &block.label else {
            search(&block.items, query, container, out);
            continue;
        };
        if label.text.to_lowercase().contains(query) {
            out.push(WorkspaceSymbol {
                name: label.text.clone(),
                kind: block.kind.name.clone(),
                span: label.span,
                container: container.to_string(),
            });
        }
        let inner = format!("{} {}", block.kind.name, label.text);
        search(&block.items, query, &inner, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::testing::workspace;

    const DATA: &str = "database shop {\n  engine = mongodb\n  shards = 2\n\n  collection orders {\n    shard_key = hashed(_id)\n    field _id { type = objectid }\n  }\n}\n";
    const SERVICES: &str = "defaults {\n  scale cpu { utilization = 70% }\n}\n\nservice order-api {\n  image = \"a:1\"\n}\n";

    fn names(symbols: &[DocumentSymbol]) -> Vec<String> {
        symbols
            .iter()
            .map(|s| {
                if s.children.is_empty() {
                    s.name.clone()
                } else {
                    format!("{}[{}]", s.name, names(&s.children).join(","))
                }
            })
            .collect()
    }

    #[test]
    fn the_outline_nests_blocks_with_their_selection() {
        let ws = workspace(&[("p/data.scale", DATA), ("p/services.scale", SERVICES)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let symbols = document_symbols(&analysis, FileId(0));
        assert_eq!(names(&symbols), ["shop[orders[_id]]"]);
        let shop = &symbols[0];
        assert_eq!((shop.span.start, shop.span.end), (0, DATA.len() - 1));
        assert_eq!(&DATA[shop.selection.start..shop.selection.end], "shop");
        assert_eq!(shop.detail.as_deref(), Some("database"));
        let symbols = document_symbols(&analysis, FileId(1));
        assert_eq!(names(&symbols), ["defaults[cpu]", "order-api"]);
        assert_eq!(symbols[0].detail, None);
        assert_eq!(
            &SERVICES[symbols[0].selection.start..symbols[0].selection.end],
            "defaults"
        );
    }

    #[test]
    fn the_outline_of_a_broken_file_keeps_what_parses() {
        let broken = format!(
            "{SERVICES}service web {{\n  image = \"w:1\n  scale cpu {{ utilization = 50% }}\n"
        );
        let ws = workspace(&[("p/services.scale", &broken)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let symbols = document_symbols(&analysis, FileId(0));
        assert_eq!(names(&symbols), ["defaults[cpu]", "order-api", "web[cpu]"]);
        assert!(symbols.iter().all(|s| s.span.end <= broken.len()));
    }

    #[test]
    fn workspace_symbols_match_a_substring_in_every_project() {
        let ws = workspace(&[
            ("p/data.scale", DATA),
            ("p/services.scale", SERVICES),
            ("q/services.scale", SERVICES),
        ]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let found: Vec<(String, String, String)> = workspace_symbols(&analysis, "ORDER")
            .into_iter()
            .map(|s| (s.name, s.kind, s.container))
            .collect();
        assert_eq!(
            found,
            [
                ("orders".into(), "collection".into(), "database shop".into()),
                ("order-api".into(), "service".into(), "p".into()),
                ("order-api".into(), "service".into(), "q".into()),
            ]
        );
        assert_eq!(workspace_symbols(&analysis, "").len(), 5);
        assert!(workspace_symbols(&analysis, "nothing").is_empty());
    }
}
