use super::*;
use crate::source::SourceMap;
use crate::syntax::MAX_NESTING;

/// Parses `text` and describes its first diagnostic as `line:col: message [label] (help)`.
fn error_of(text: &str) -> String {
    let mut map = SourceMap::new();
    let id = map.add("t.scale", text);
    let mut sink = Vec::new();
    let _ = parse_file(map.get(id), &mut sink);
    let d = sink.first().expect("a diagnostic");
    let (line, col) = map.get(id).line_col(d.span.start);
    format!(
        "{line}:{col}+{}: {} [{}] ({})",
        d.span.len(),
        d.message,
        d.label.as_deref().unwrap_or(""),
        d.help.as_deref().unwrap_or("")
    )
}

#[test]
fn syntax_errors_say_what_was_expected_in_user_words() {
    let cases = [
        "service auth {\n  replicas = 2 ..\n}\n",
        "service auth\n",
        "service auth {\n  replicas: 3\n}\n",
        "service auth {\n  replicas = 3 x\n}\n",
        "service auth {\n  replicas = 3\n",
        "service auth { replicas = [1, 2 }\n",
        "x = hashed(a b)\n",
        "x = 'a'\n",
        "x = \"abc\n",
        "x = \"a\\q\"\n",
        "= 3\n",
        "service { a = 1 } b = 2\n",
        "a = 1 per\n",
        "a = 5 m\n",
        "{\n",
    ];
    let report: String = cases
        .iter()
        .map(|case| format!("{case:?}\n    {}\n", error_of(case)))
        .collect();
    insta::assert_snapshot!(report);
}

#[test]
fn no_error_names_a_grammar_rule() {
    let cases = [
        "a = ",
        "service x { y = [",
        "a = \"",
        "a = 1 ..",
        "a = hashed(",
        "x { ; ; }} ",
    ];
    for case in cases {
        let message = error_of(case);
        for word in [
            "EOI",
            "ident",
            "quantity",
            "rate_tail",
            "range_tail",
            "close_brace",
            "word",
        ] {
            assert!(!message.contains(word), "{case:?} => {message}");
        }
    }
}

#[test]
fn comments_are_kept_in_order_and_marked_trailing() {
    let text = "# head\nservice a { # open\n  x = [1, # in list\n  2]\n  y = 3 # tail\n}\n# end\n";
    let mut map = SourceMap::new();
    let id = map.add("t.scale", text);
    let mut sink = Vec::new();
    let ast = parse_file(map.get(id), &mut sink).expect("parses");
    assert!(sink.is_empty(), "{sink:?}");
    let comments: Vec<(&str, bool)> = ast
        .comments
        .iter()
        .map(|c| (c.text.as_str(), c.trailing))
        .collect();
    assert_eq!(
        comments,
        [
            ("# head", false),
            ("# open", true),
            ("# in list", true),
            ("# tail", true),
            ("# end", false)
        ]
    );
}

#[test]
fn values_parse_into_their_shapes() {
    let text = "a = 2 .. 20\nb = 50% per 1m\nc = [customer_id, hashed(_id)]\nd = \"x\\u{e9}\\n\"\ne = true; f = period; g = -1.5Gi\n";
    let mut map = SourceMap::new();
    let id = map.add("t.scale", text);
    let mut sink = Vec::new();
    let ast = parse_file(map.get(id), &mut sink).expect("parses");
    assert!(sink.is_empty(), "{sink:?}");
    let kinds: Vec<String> = ast
        .items
        .iter()
        .map(|item| match item {
            crate::ast::Item::Attribute(a) => format!("{} {:?}", a.name.name, strip(&a.value.kind)),
            crate::ast::Item::Block(_) => unreachable!(),
        })
        .collect();
    insta::assert_snapshot!(kinds.join("\n"));
}

/// A value's shape without spans, for readable snapshots.
fn strip(kind: &crate::ast::ValueKind) -> String {
    use crate::ast::ValueKind::*;
    match kind {
        Range(a, b) => format!("Range({}, {})", strip(&a.kind), strip(&b.kind)),
        Rate(a, b) => format!("Rate({}, {})", strip(&a.kind), strip(&b.kind)),
        Quantity(q) => format!("Quantity({}{})", q.number, q.unit),
        String(s) => format!("String({s:?})"),
        Bool(b) => format!("Bool({b})"),
        Ident(i) => format!("Ident({i})"),
        List(items) => format!(
            "List[{}]",
            items
                .iter()
                .map(|v| strip(&v.kind))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Call(name, args) => format!(
            "Call({}, [{}])",
            name.name,
            args.iter()
                .map(|v| strip(&v.kind))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[test]
fn invalid_unicode_escape_is_reported_and_the_file_still_parses() {
    let mut map = SourceMap::new();
    let id = map.add("t.scale", "a = \"\\u{D800}\"\n");
    let mut sink = Vec::new();
    assert!(parse_file(map.get(id), &mut sink).is_some());
    assert_eq!(sink.len(), 1);
    assert_eq!(sink[0].message, "`\\u{D800}` is not a Unicode character");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = "a = ".to_string() + &"[".repeat(100_000);
    let message = error_of(&text);
    assert!(message.contains("nested too deeply"), "{message}");
    assert!(
        message.len() < 400,
        "the message must not embed the input: {message}"
    );
}

#[test]
fn every_broken_line_of_a_file_is_reported() {
    let text =
        "service a {\n  replicas = 2 ..\n  image = \"x\n  cpu = 5 m\n}\nservice b { port = }\n";
    let mut map = SourceMap::new();
    let id = map.add("t.scale", text);
    let mut sink = Vec::new();
    assert!(parse_file(map.get(id), &mut sink).is_none());
    let lines: Vec<(usize, usize)> = sink
        .iter()
        .map(|d| map.get(id).line_col(d.span.start))
        .collect();
    // Each broken line is reported. Line 6 holds braces, so recovery stops
    // after it rather than guess what the block meant.
    assert_eq!(lines, [(2, 18), (3, 11), (4, 11), (6, 20)]);
}

#[test]
fn value_spans_end_at_the_value_not_at_a_trailing_comment() {
    let text = "a = date   # note\nb = hashed(x)  # c\nc = 3 .. 4 # d\nd = 2 per x# e\n";
    let mut map = SourceMap::new();
    let id = map.add("t.scale", text);
    let mut sink = Vec::new();
    let ast = parse_file(map.get(id), &mut sink).expect("parses");
    let spans: Vec<(&str, &str)> = ast
        .items
        .iter()
        .map(|item| match item {
            crate::ast::Item::Attribute(a) => (
                &text[a.span.start..a.span.end],
                &text[a.value.span.start..a.value.span.end],
            ),
            crate::ast::Item::Block(_) => unreachable!(),
        })
        .collect();
    assert_eq!(
        spans,
        [
            ("a = date", "date"),
            ("b = hashed(x)", "hashed(x)"),
            ("c = 3 .. 4", "3 .. 4"),
            ("d = 2 per x", "2 per x"),
        ]
    );
}

/// A file nested exactly `depth` levels deep: blocks, then an attribute
/// whose value alternates lists and calls.
fn nested_mixed(blocks: usize, values: usize) -> String {
    let mut text = "b {\n".repeat(blocks);
    text.push_str("x = ");
    for level in 0..values {
        text.push_str(if level % 2 == 0 { "[" } else { "f(" });
    }
    text.push('1');
    for level in (0..values).rev() {
        text.push(if level % 2 == 0 { ']' } else { ')' });
    }
    text.push('\n');
    text.push_str(&"}\n".repeat(blocks));
    text
}

#[test]
fn nesting_at_the_limit_parses_and_formats_on_a_small_stack() {
    // Half of a test thread's stack, in a debug build: pest, the tree
    // builder and the formatter all recurse per level, and the limit keeps
    // them far from the end of any stack scalec runs on.
    for (blocks, values) in [
        (MAX_NESTING, 0),
        (0, MAX_NESTING),
        (MAX_NESTING / 3, MAX_NESTING - MAX_NESTING / 3),
    ] {
        let text = nested_mixed(blocks, values);
        let formatted = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || {
                let mut map = SourceMap::new();
                let id = map.add("t.scale", &text);
                let mut sink = Vec::new();
                let ast = parse_file(map.get(id), &mut sink);
                assert!(sink.is_empty(), "{sink:?}");
                crate::fmt::format(&ast.expect("parses"), &text)
            })
            .expect("a thread")
            .join()
            .expect("no overflow");
        assert!(formatted.is_some_and(|f| f.contains("x = ")));
    }
}

#[test]
fn one_level_past_the_limit_is_reported_on_its_first_bracket() {
    for (blocks, values) in [
        (MAX_NESTING + 1, 0),
        (0, MAX_NESTING + 1),
        (MAX_NESTING / 2, MAX_NESTING / 2 + 1),
    ] {
        let text = nested_mixed(blocks, values);
        let mut map = SourceMap::new();
        let id = map.add("t.scale", &text);
        let mut sink = Vec::new();
        assert!(parse_file(map.get(id), &mut sink).is_none());
        let [d] = sink.as_slice() else {
            panic!("one diagnostic: {sink:?}")
        };
        assert_eq!(d.code.id, "E001");
        // The bracket that opens level MAX_NESTING + 1.
        let past: usize = text
            .char_indices()
            .filter(|(_, c)| matches!(c, '{' | '[' | '('))
            .nth(MAX_NESTING)
            .map(|(i, _)| i)
            .expect("enough brackets");
        assert_eq!((d.span.start, d.span.len()), (past, 1), "{text}");
        assert_eq!(
            d.message,
            "blocks, lists or calls are nested too deeply: more than 64 levels"
        );
        assert!(d.help.as_deref().is_some_and(|h| h.contains("flatten")));
    }
}

#[test]
fn a_file_nested_too_deeply_still_gets_its_other_syntax_errors() {
    let deep = "[".repeat(5_000) + &"]".repeat(5_000);
    let text = format!(
        "a = 1 ..
b = {deep}
c = \"\\q\"\nd = {deep}\n"
    );
    let mut map = SourceMap::new();
    let id = map.add("t.scale", &text);
    let mut sink = Vec::new();
    assert!(parse_file(map.get(id), &mut sink).is_none());
    let mut found: Vec<(usize, usize, String)> = sink
        .iter()
        .map(|d| {
            let (line, col) = map.get(id).line_col(d.span.start);
            (line, col, d.message.clone())
        })
        .collect();
    found.sort();
    let deep = "blocks, lists or calls are nested too deeply: more than 64 levels";
    assert_eq!(
        found,
        [
            (
                1,
                9,
                "expected a value after `..`, found the end of the line".into()
            ),
            (2, 5 + MAX_NESTING, deep.to_string()),
            (3, 6, "unknown escape `\\q` in a string".into()),
            (4, 5 + MAX_NESTING, deep.to_string()),
        ]
    );
}

/// [`parse`] on one file, with its diagnostics.
fn parsed(text: &str) -> (Parsed, Vec<Diagnostic>) {
    let mut map = SourceMap::new();
    let id = map.add("t.scale", text);
    let mut sink = Vec::new();
    let parsed = parse(map.get(id), &mut sink);
    (parsed, sink)
}

/// The heads of a recovered file's items (`service a` or `service a (broken)`)
/// and whether an error was loose, or why there is no recovered file.
fn recovered_heads(text: &str) -> Result<(Vec<String>, bool), String> {
    let (parsed, sink) = parsed(text);
    let recovered = match parsed {
        Parsed::Recovered(recovered) => recovered,
        Parsed::Whole(_) => return Err("whole".into()),
        Parsed::Nothing => return Err(format!("nothing ({} errors)", sink.len())),
    };
    let heads = recovered
        .ast
        .items
        .iter()
        .map(|item| match item {
            crate::ast::Item::Block(b) => {
                let broken = recovered.broken.contains(&b.span);
                assert!(!broken || b.items.is_empty(), "a stub has no items");
                format!(
                    "{} {}{}",
                    b.kind.name,
                    b.label.as_ref().map_or("-", |l| l.text.as_str()),
                    if broken { " (broken)" } else { "" }
                )
            }
            crate::ast::Item::Attribute(a) => format!("{} =", a.name.name),
        })
        .collect();
    Ok((heads, recovered.loose))
}

#[test]
fn a_file_that_parses_is_whole() {
    let (parsed, sink) = parsed("service a {\n  port = 80\n}\n");
    assert!(matches!(parsed, Parsed::Whole(_)));
    assert!(sink.is_empty());
}

#[test]
fn recovery_keeps_every_block_without_an_error_as_written() {
    let text = "service a {\n  port = 80\n}\nservice b {\n  replicas = 2 ..\n  port = 81\n}\nmetric c {\n  kind = pods\n}\n";
    assert_eq!(
        recovered_heads(text),
        Ok((
            vec![
                "service a".to_string(),
                "service b (broken)".into(),
                "metric c".into()
            ],
            false
        ))
    );
    // The blocks kept are the blocks of the file without the broken one.
    let (parsed, _) = parsed(text);
    let Parsed::Recovered(recovered) = parsed else {
        unreachable!("checked above")
    };
    let mut map = SourceMap::new();
    let id = map.add(
        "t.scale",
        "service a {\n  port = 80\n}\nmetric c {\n  kind = pods\n}\n",
    );
    let alone = parse_file(map.get(id), &mut Vec::new()).expect("parses");
    let kept: Vec<_> = recovered
        .ast
        .items
        .iter()
        .filter(|item| !recovered.broken.contains(&item.span()))
        .cloned()
        .collect();
    assert_eq!(kept, alone.items);
}

#[test]
fn an_error_outside_every_block_is_loose() {
    assert_eq!(
        recovered_heads("serv\nservice a {\n  port = 80\n}\n"),
        Ok((vec!["service a".to_string()], true))
    );
    // A top-level attribute with an error is left out, and loose too.
    assert_eq!(
        recovered_heads("x = [\n  a b\n]\nservice a {\n}\n"),
        Ok((vec!["service a".to_string()], true))
    );
}

#[test]
fn nothing_is_recovered_when_an_error_holds_a_brace_or_a_block_is_not_closed() {
    assert_eq!(
        recovered_heads("service a {\n  port = 80\n}\nservice b { port = }\n"),
        Err("nothing (1 errors)".into())
    );
    assert_eq!(
        recovered_heads("service a {\n  port = 80\n}\nservice b {\n  port = 81\n"),
        Err("nothing (1 errors)".into())
    );
    let deep = "a = ".to_string() + &"[".repeat(100) + "\n";
    assert!(matches!(parsed(&deep).0, Parsed::Nothing));
    // `parse_file` gives no tree either.
    let mut map = SourceMap::new();
    let id = map.add("t.scale", "service a {\n  replicas = 2 ..\n}\n");
    assert!(parse_file(map.get(id), &mut Vec::new()).is_none());
}

#[test]
fn a_block_with_an_invalid_escape_is_a_stub() {
    assert_eq!(
        recovered_heads("service a {\n  image = \"\\u{D800}\"\n}\nservice b {\n}\n"),
        Ok((
            vec!["service a (broken)".to_string(), "service b".into()],
            false
        ))
    );
}

#[test]
fn the_lines_kept_report_their_escape_errors_too() {
    let (parsed, sink) = parsed("service a {\n  image = \"\\u{D800}\"\n  x = = 1\n}\n");
    assert!(matches!(parsed, Parsed::Recovered(_)));
    let messages: Vec<&str> = sink.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "expected a value after `=`, found `=`",
            "`\\u{D800}` is not a Unicode character"
        ]
    );
}
