//! The documentation that is generated from code must match it.
//!
//! `docs/language.md` holds one attribute table per block kind between
//! `<!-- schema: KIND -->` and `<!-- /schema -->`. This test fails when a table
//! and the checker's schema disagree; `SCALEC_BLESS=1 cargo test --test docs`
//! rewrites the tables from the schema (review the diff).

use std::fs;

use scalec::lower::schema::{BLOCKS, markdown_table};

const LANGUAGE_DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/language.md");
const END: &str = "<!-- /schema -->";

fn bless() -> bool {
    std::env::var_os("SCALEC_BLESS").is_some_and(|v| v == "1")
}

#[test]
fn language_doc_tables_match_the_schema() {
    let mut doc = fs::read_to_string(LANGUAGE_DOC).expect("docs/language.md exists");
    let mut stale = Vec::new();
    for schema in BLOCKS {
        let start_marker = format!("<!-- schema: {} -->\n", schema.kind);
        let Some(start) = doc.find(&start_marker).map(|i| i + start_marker.len()) else {
            stale.push(format!(
                "no `{}` marker for block `{}`",
                start_marker.trim(),
                schema.kind
            ));
            continue;
        };
        let end = doc[start..]
            .find(END)
            .map(|i| start + i)
            .expect("every schema marker is closed");
        let expected = markdown_table(schema);
        if doc[start..end] != expected {
            stale.push(format!(
                "the table of `{}` differs from the schema",
                schema.kind
            ));
            doc.replace_range(start..end, &expected);
        }
    }
    let documented = doc.matches("<!-- schema: ").count();
    assert_eq!(
        documented,
        BLOCKS.len(),
        "docs/language.md documents a block kind the schema lacks"
    );
    if bless() {
        fs::write(LANGUAGE_DOC, doc).expect("docs/language.md is writable");
        return;
    }
    assert!(
        stale.is_empty(),
        "docs/language.md is stale (run `SCALEC_BLESS=1 cargo test --test docs` and review):\n{}",
        stale.join("\n")
    );
}
