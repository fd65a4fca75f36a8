//! The properties every fuzz target and `tests/properties.rs` check, in one
//! place (the tests include this file with `#[path]`).
//!
//! Each function takes an input, runs a stage of scalec on it in memory and
//! panics, with the offending text in the message, when a property fails:
//!
//! - [`parse`]: the parser never panics, every diagnostic points inside
//!   the text, on character boundaries, and the fast parser agrees with
//!   pest (`syntax::check_fast_parser`);
//! - [`check`]: the fast parser agrees with pest on each file, `compile`
//!   and every renderer never panic, the JSON report is
//!   JSON, and every diagnostic points inside its file;
//! - [`fmt`]: when a file formats, the output parses to the same tree (spans
//!   aside) with the same comments, and formatting it again changes nothing;
//! - [`build`]: when a project compiles without errors, emitting it never
//!   panics, is deterministic, writes only relative paths below the output,
//!   marks every file as generated, and every YAML document parses back.
//!
//! Multi-file inputs are bytes with files separated by `0xFF`, a byte that
//! never occurs in UTF-8, so no text is lost to the separator.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use scalec::diag::Diagnostic;
use scalec::discover::Workspace;
use scalec::render::{self, Format, HumanOptions};
use scalec::source::ProjectFiles;
use scalec::source::{SourceFile, SourceMap};

/// The byte that separates files in a multi-file input.
pub const FILE_SEPARATOR: u8 = 0xFF;

/// Where the `index`th file of an input lives: the first two share a
/// project (cross-file references), the third is a project of its own, the
/// fourth a project nested below the first.
pub fn path_of(index: usize) -> String {
    let dir = match index {
        0 | 1 => "p",
        2 => "q",
        _ => "p/sub",
    };
    format!("{dir}/f{index}.scale")
}

/// The files of a multi-file input (at most four; later separators stay in
/// the fourth file, where they make it invalid UTF-8 like any other byte).
pub fn split_files(bytes: &[u8]) -> Vec<String> {
    bytes
        .splitn(4, |&b| b == FILE_SEPARATOR)
        .map(|file| String::from_utf8_lossy(file).into_owned())
        .collect()
}

/// The bytes of a multi-file input, the inverse of [`split_files`].
pub fn join_files(files: &[String]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (i, file) in files.iter().enumerate() {
        if i > 0 {
            bytes.push(FILE_SEPARATOR);
        }
        bytes.extend_from_slice(file.as_bytes());
    }
    bytes
}

/// The workspace `discover` would build for these files, in memory: one
/// project per directory, files sorted by path.
pub fn workspace(files: &[String]) -> Workspace {
    let mut by_dir: BTreeMap<PathBuf, Vec<(PathBuf, &str)>> = BTreeMap::new();
    for (i, text) in files.iter().enumerate() {
        let path = PathBuf::from(path_of(i));
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        by_dir.entry(dir).or_default().push((path, text));
    }
    let mut workspace = Workspace {
        sources: SourceMap::new(),
        ..Workspace::default()
    };
    for (dir, mut files) in by_dir {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let ids = files
            .into_iter()
            .map(|(path, text)| workspace.sources.add(path, text))
            .collect();
        workspace.projects.push(ProjectFiles {
            output: dir.clone(),
            dir,
            files: ids,
        });
    }
    workspace
}

/// Parses one text: never panics, and every diagnostic points inside it.
pub fn parse(text: &str) {
    let mut sources = SourceMap::new();
    let id = sources.add("t.scale", text);
    let mut diagnostics = Vec::new();
    let ast = scalec::syntax::parse_file(sources.get(id), &mut diagnostics);
    assert!(
        ast.is_some() || !diagnostics.is_empty(),
        "a file that does not parse has a diagnostic: {text:?}"
    );
    for diagnostic in &diagnostics {
        assert_points_inside(diagnostic, &sources, text);
    }
    if let Err(problem) = scalec::syntax::check_fast_parser(text) {
        panic!("{problem}");
    }
}

/// Compiles the files as a workspace and renders the diagnostics in every
/// format; returns the workspace and the compilation for [`build`].
pub fn check(files: &[String]) -> (Workspace, scalec::Compilation) {
    for text in files {
        if let Err(problem) = scalec::syntax::check_fast_parser(text) {
            panic!("{problem}");
        }
    }
    let workspace = workspace(files);
    let options = scalec::lint::Options {
        verbose: true,
        ..Default::default()
    };
    let compilation = scalec::compile(&workspace.sources, &workspace.projects, &options);
    let what = || format!("{files:?}");
    for diagnostic in &compilation.diagnostics {
        assert_points_inside(diagnostic, &workspace.sources, &what());
    }
    let diagnostics = &compilation.diagnostics;
    for (format, color, width) in [
        (Format::Human, false, 100),
        (Format::Human, true, 80),
        (Format::Human, false, 20),
        (Format::Short, false, 100),
        (Format::Json, false, 100),
    ] {
        let text = render::render(
            diagnostics,
            &workspace.sources,
            format,
            HumanOptions { color, width },
        );
        if format == Format::Json
            && let Err(error) = serde_json::from_str::<serde_json::Value>(&text)
        {
            panic!(
                "the JSON report is not JSON ({error}) for {}:\n{text}",
                what()
            );
        }
        if format == Format::Short {
            assert_eq!(
                text.lines().count(),
                diagnostics.len(),
                "one short line per diagnostic, for {}:\n{text}",
                what()
            );
        }
    }
    (workspace, compilation)
}

/// A diagnostic's spans are byte ranges inside their file, on character
/// boundaries: renderers and editors slice the text with them.
fn assert_points_inside(diagnostic: &Diagnostic, sources: &SourceMap, what: &str) {
    let spans = std::iter::once((diagnostic.span, "primary")).chain(
        diagnostic
            .related
            .iter()
            .map(|label| (label.span, "related")),
    );
    for (span, which) in spans {
        let file: &SourceFile = sources.get(span.file);
        let text = &*file.text;
        assert!(
            span.start <= span.end
                && span.end <= text.len()
                && text.is_char_boundary(span.start)
                && text.is_char_boundary(span.end),
            "{} {which} span {}..{} is outside {} ({} bytes) or splits a character: {:?}\ninput: {what}",
            diagnostic.code.id,
            span.start,
            span.end,
            file.display_path(),
            text.len(),
            diagnostic.message,
        );
    }
}

/// Parses `text` for the formatter: `None` unless it parses without any
/// diagnostic (what `scalec fmt` requires). Also returns the text the tree's
/// spans index, which `fmt::format` takes: the text without a leading BOM.
fn parse_clean(text: &str) -> Option<(scalec::ast::Ast, String)> {
    let mut sources = SourceMap::new();
    let id = sources.add("t.scale", text);
    let mut diagnostics = Vec::new();
    let ast = scalec::syntax::parse_file(sources.get(id), &mut diagnostics)?;
    diagnostics
        .is_empty()
        .then(|| (ast, sources.get(id).text.to_string()))
}

fn comment_texts(ast: &scalec::ast::Ast) -> Vec<String> {
    ast.comments
        .iter()
        .map(|c| c.text.trim_end().to_string())
        .collect()
}

/// When `text` parses cleanly and formats, the output parses to the same
/// tree with the same comments, and formatting it again changes nothing.
/// Returns the formatted text, if any.
pub fn fmt(text: &str) -> Option<String> {
    let (ast, source) = parse_clean(text)?;
    let formatted = scalec::fmt::format(&ast, &source)?;
    let Some((again, _)) = parse_clean(&formatted) else {
        panic!("the formatted text does not parse cleanly\ninput: {text:?}\noutput: {formatted:?}");
    };
    // Tree equality ignores spans (see `scalec::ast`).
    assert!(
        again.items == ast.items,
        "formatting changed the meaning\ninput: {text:?}\noutput: {formatted:?}"
    );
    assert_eq!(
        comment_texts(&again),
        comment_texts(&ast),
        "formatting changed the comments\ninput: {text:?}\noutput: {formatted:?}"
    );
    let Some(twice) = scalec::fmt::format(&again, &formatted) else {
        panic!("formatted text no longer formats\ninput: {text:?}\noutput: {formatted:?}");
    };
    assert_eq!(
        twice, formatted,
        "formatting is not idempotent\ninput: {text:?}"
    );
    Some(formatted)
}

/// Checks the files and, when they compile without errors, emits them to
/// memory; returns the output, if any.
pub fn build(files: &[String]) -> Option<scalec::emit::OutputSet> {
    let (workspace, compilation) = check(files);
    if compilation.has_errors() {
        return None;
    }
    let set = scalec::emit(&workspace.sources, &workspace.projects, &compilation);
    assert_eq!(
        scalec::emit(&workspace.sources, &workspace.projects, &compilation),
        set,
        "emitting twice gives different output for {files:?}"
    );
    for (path, content) in &set.files {
        assert!(
            path.components()
                .all(|component| matches!(component, Component::Normal(_)))
                && path.components().count() > 0,
            "output path {} is not a plain relative path, for {files:?}",
            path.display()
        );
        let first_line = content.lines().next().unwrap_or("");
        assert!(
            first_line.contains(scalec::emit::GENERATED_MARK),
            "{} does not start with the generated mark, for {files:?}:\n{content}",
            path.display()
        );
        if path.extension().is_some_and(|e| e == "yaml") {
            for (i, document) in serde_yaml::Deserializer::from_str(content).enumerate() {
                if let Err(error) = <serde_yaml::Value as serde::Deserialize>::deserialize(document)
                {
                    panic!(
                        "document {i} of {} is not YAML ({error}), for {files:?}:\n{content}",
                        path.display()
                    );
                }
            }
        }
    }
    Some(set)
}
