//! Odd input gets a clear diagnostic or a clean pass, never a panic.

mod common;

use common::{check_bytes, check_text};

#[test]
fn empty_file_is_clean() {
    assert!(check_text("").diagnostics.is_empty());
}

#[test]
fn file_with_only_comments_and_blank_lines_is_clean() {
    let checked = check_text("# nothing here yet\n\n   # indented comment\n#\n");
    assert!(checked.diagnostics.is_empty(), "{}", checked.human);
}

#[test]
fn crlf_line_endings_parse_and_positions_stay_right() {
    let text = "service api {\r\n  image = \"a:1\"\r\n  replica = 2\r\n}\r\n";
    let checked = check_text(text);
    assert_eq!(
        checked.short_lines(),
        ["TMP/policy.scale:3:3: error[E002]: unknown attribute `replica` in service `api`"]
    );
}

#[test]
fn lone_cr_and_crlf_give_the_findings_of_lf_at_the_same_places() {
    // One line-break rule for positions and suppressions: every fixture
    // and policy, spelled with `\r\n` or a lone `\r`, is reported exactly as
    // with `\n`, line and column included.
    let mut files: Vec<std::path::PathBuf> = ["policies", "tests/fixtures"]
        .iter()
        .flat_map(|dir| {
            walkdir::WalkDir::new(dir)
                .into_iter()
                .filter_map(Result::ok)
        })
        .map(|entry| entry.path().to_path_buf())
        .filter(|path| path.extension().is_some_and(|e| e == "scale"))
        .collect();
    files.sort();
    let mut checked = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let lf = text.replace("\r\n", "\n");
        let expected = check_text(&lf).short;
        for newline in ["\r\n", "\r"] {
            assert_eq!(
                check_text(&lf.replace('\n', newline)).short,
                expected,
                "{} with {newline:?} line breaks",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} files checked");
}

#[test]
fn nesting_past_the_limit_is_one_clear_syntax_error() {
    let limit = scalec::syntax::MAX_NESTING;
    let text = format!("a = {}{}\n", "[".repeat(limit + 1), "]".repeat(limit + 1));
    let checked = check_text(&text);
    assert_eq!(
        checked.short_lines(),
        [format!(
            "TMP/policy.scale:1:{}: error[E001]: blocks, lists or calls are nested too deeply: more than {limit} levels",
            5 + limit
        )]
    );
    assert!(
        checked.human.contains("help: flatten the structure"),
        "{}",
        checked.human
    );
}

#[test]
fn utf8_byte_order_mark_is_ignored() {
    let checked =
        check_bytes(b"\xEF\xBB\xBFservice api {\n  image    = \"a:1\"\n  replicas = 2\n}\n");
    assert!(checked.diagnostics.is_empty(), "{}", checked.human);
}

#[test]
fn random_bytes_are_an_unreadable_file() {
    // A fixed pseudo-random sequence (xorshift), so the test is reproducible.
    let mut state: u32 = 0x9E37_79B9;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_le_bytes()[0]
        })
        .collect();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the sample must not be UTF-8"
    );
    let checked = check_bytes(&bytes);
    assert_eq!(checked.codes(), ["E009"]);
}

#[test]
fn printable_garbage_is_a_syntax_error() {
    for text in [
        "}}}{{{",
        "@@@",
        "service \"unterminated",
        "a = [1, 2",
        "\0\0\0",
        "a = 1 .. .. 2",
        "🚀 = 1",
    ] {
        let checked = check_text(text);
        assert_eq!(checked.codes(), ["E001"], "{text:?}: {}", checked.human);
    }
}

#[test]
fn a_megabyte_line_gives_a_short_message() {
    let text = format!("a = {}\n", "x".repeat(1 << 20)) + "junk junk";
    let checked = check_text(&text);
    // The first line parsed, and is an attribute outside any block (E002).
    assert_eq!(checked.codes(), ["E002", "E001"]);
    assert!(checked.short.len() < 300, "{}", checked.short.len());
}

#[test]
fn every_truncation_of_a_real_policy_is_handled() {
    // Cutting a valid file at every character boundary gives either a clean
    // pass or diagnostics, never a panic.
    let text = std::fs::read_to_string("policies/aether/services.scale")
        .expect("the Aether policy exists");
    for (i, _) in text.char_indices().step_by(7) {
        let _ = check_text(&text[..i]);
    }
}
