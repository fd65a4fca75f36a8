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
/// and whether an error was loose, or why there is no recovered file. Checks
/// that the diagnostics are those of [`parse_file`] and that every span of a
/// recovered file slices its text.
fn recovered_heads(text: &str) -> Result<(Vec<String>, bool), String> {
    let (parsed, sink) = parsed(text);
    let mut map = SourceMap::new();
    let id = map.add("t.scale", text);
    let mut alone = Vec::new();
    let _ = parse_file(map.get(id), &mut alone);
    assert_eq!(sink, alone, "parse reports what parse_file reports");
    let recovered = match parsed {
        Parsed::Recovered(recovered) => recovered,
        Parsed::Whole(_) => return Err("whole".into()),
        Parsed::Nothing => return Err(format!("nothing ({} errors)", sink.len())),
    };
    assert_spans_in(text, &recovered);
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
    let swallows_top_level = recovered
        .swallowed
        .iter()
        .any(|n| crate::lower::schema::may_be_meant_for_top_level(&n.kind, &n.parent));
    Ok((heads, recovered.loose || swallows_top_level))
}

/// Every span of `recovered` (items, stubs, comments, directives and their
/// targets) slices `text`, and every stub is a top-level block.
fn assert_spans_in(text: &str, recovered: &Recovered) {
    fn spans_of(items: &[crate::ast::Item], out: &mut Vec<Span>) {
        for item in items {
            out.push(item.span());
            if let crate::ast::Item::Block(block) = item {
                out.push(block.kind.span);
                out.extend(block.label.as_ref().map(|l| l.span));
                spans_of(&block.items, out);
            }
        }
    }
    let mut spans = Vec::new();
    spans_of(&recovered.ast.items, &mut spans);
    spans.extend(recovered.broken.iter().copied());
    spans.extend(recovered.ast.comments.iter().map(|c| c.span));
    for directive in &recovered.ast.directives {
        spans.push(directive.span);
        if let crate::ast::DirectiveKind::Allow {
            target: Some(target),
            ..
        } = &directive.kind
        {
            spans.push(*target);
        }
    }
    for span in spans {
        assert!(
            text.get(span.start..span.end).is_some(),
            "{span:?} is not in the text ({} bytes): {text:?}",
            text.len()
        );
    }
    let tops: Vec<Span> = recovered.ast.items.iter().map(|i| i.span()).collect();
    for stub in &recovered.broken {
        assert!(tops.contains(stub), "the stub {stub:?} is a top-level item");
    }
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
fn nothing_is_recovered_when_an_error_holds_a_brace_or_a_brace_closes_nothing() {
    assert_eq!(
        recovered_heads("service a {\n  port = 80\n}\nservice b { port = }\n"),
        Err("nothing (1 errors)".into())
    );
    // Before a block that is not closed, the same holds.
    assert_eq!(
        recovered_heads("service a { port = }\nservice b {\n  port = 81\n"),
        Err("nothing (1 errors)".into())
    );
    // A `}` that closes nothing leaves every block after it in doubt.
    assert_eq!(
        recovered_heads("service a {\n}\n}\nservice b {\n  port = 81\n"),
        Err("nothing (1 errors)".into())
    );
    // Too many errors before it: the ones past the limit are not reported.
    let many = "x = = 1\n".repeat(MAX_SYNTAX_ERRORS + 1) + "service b {\n";
    assert_eq!(recovered_heads(&many), Err("nothing (10 errors)".into()));
    let deep = "a = ".to_string() + &"[".repeat(100) + "\n";
    assert!(matches!(parsed(&deep).0, Parsed::Nothing));
    let deep_and_open = "service a {\n".to_string() + &deep;
    assert!(matches!(parsed(&deep_and_open).0, Parsed::Nothing));
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

/// The span of the one stub of `text`'s recovered tree, as text.
fn stub_text(text: &str) -> &str {
    let (Parsed::Recovered(recovered), _) = parsed(text) else {
        panic!("recovered: {text:?}")
    };
    let [stub] = recovered.broken.as_slice() else {
        panic!("one stub: {:?}", recovered.broken)
    };
    &text[stub.start..stub.end]
}

#[test]
fn an_unclosed_last_block_is_a_stub_and_the_blocks_before_it_are_kept() {
    let text = "service a {\n  port = 80\n}\nservice b {\n  port = 81\n";
    assert_eq!(
        recovered_heads(text),
        Ok((
            vec!["service a".to_string(), "service b (broken)".into()],
            false
        ))
    );
    // The stub runs from its kind to the end of the text, not past it.
    assert_eq!(stub_text(text), "service b {\n  port = 81\n");
    let (_, sink) = parsed(text);
    let [error] = sink.as_slice() else {
        panic!("one error: {sink:?}")
    };
    assert_eq!((error.code.id, error.span.start), ("E001", text.len()));
    // Without a line break at the end, and with nothing after the `{`.
    assert_eq!(stub_text("service a {\n}\nservice b {"), "service b {");
    assert_eq!(
        stub_text("service a {\n}\nservice b {\n  port = 81"),
        "service b {\n  port = 81"
    );
    // What is kept is what the file without the unclosed block gives.
    let (Parsed::Recovered(recovered), _) = parsed(text) else {
        unreachable!("checked above")
    };
    let (Parsed::Whole(alone), _) = parsed("service a {\n  port = 80\n}\n") else {
        panic!("whole")
    };
    assert_eq!(recovered.ast.items[..1], alone.items[..]);
}

#[test]
fn an_unclosed_block_that_holds_a_top_level_kind_is_loose() {
    assert_eq!(
        recovered_heads("service a {\n  port = 1\n\nservice b {\n}\n"),
        Ok((vec!["service a (broken)".to_string()], true))
    );
    // At any depth inside it.
    assert_eq!(
        recovered_heads("service a {\n  scale cpu {\n\ndefaults {\n}\n"),
        Ok((vec!["service a (broken)".to_string()], true))
    );
    // Blocks that may be nested where they stand are not.
    assert_eq!(
        recovered_heads("service a {\n  health {\n    path = \"/\"\n  }\n"),
        Ok((vec!["service a (broken)".to_string()], false))
    );
    assert_eq!(
        recovered_heads("metric m {\n  kind = pods\n"),
        Ok((vec!["metric m (broken)".to_string()], false))
    );
    // Nor are top-level kinds nested in the blocks before it.
    assert_eq!(
        recovered_heads("service a {\n  service b {}\n}\nmetric m {\n  kind = pods\n"),
        Ok((
            vec!["service a".to_string(), "metric m (broken)".into()],
            false
        ))
    );
}

#[test]
fn an_unclosed_block_inside_an_unclosed_block_is_swallowed_with_it() {
    let text = "service z {\n}\nservice a {\n  scale cpu {\n    utilization = 70%\n";
    assert_eq!(
        recovered_heads(text),
        Ok((
            vec!["service z".to_string(), "service a (broken)".into()],
            false
        ))
    );
    assert_eq!(stub_text(text), &text["service z {\n}\n".len()..]);
}

#[test]
fn braces_in_strings_and_comments_are_not_counted() {
    let text =
        "service a {\n  image = \"}{\"  # }\n}\nservice b {  # {\n  image = \"}\"\n  x = \"}\n";
    assert_eq!(
        recovered_heads(text),
        Ok((
            vec!["service a".to_string(), "service b (broken)".into()],
            false
        ))
    );
    // An escaped quote does not end a string.
    assert_eq!(
        recovered_heads("service \"\\\"}\" {\n  port = 1\n"),
        Ok((vec!["service \"} (broken)".to_string()], false))
    );
}

#[test]
fn an_unclosed_block_in_a_crlf_file_is_a_stub() {
    let text = "service a {\r\n  port = 80\r\n}\r\nservice b {\r\n  port = 81\r\n";
    assert_eq!(
        recovered_heads(text),
        Ok((
            vec!["service a".to_string(), "service b (broken)".into()],
            false
        ))
    );
    assert_eq!(stub_text(text), "service b {\r\n  port = 81\r\n");
    // A lone `\r` ends a line too.
    assert_eq!(
        recovered_heads("service a {\r}\rservice b {\r  port = 81\r"),
        Ok((
            vec!["service a".to_string(), "service b (broken)".into()],
            false
        ))
    );
}

#[test]
fn an_unclosed_block_after_an_ordinary_error_is_a_stub_too() {
    let text = "service a {\n  replicas = 2 ..\n}\nservice c {\n}\nservice b {\n  port = 81\n";
    assert_eq!(
        recovered_heads(text),
        Ok((
            vec![
                "service a (broken)".to_string(),
                "service c".into(),
                "service b (broken)".into()
            ],
            false
        ))
    );
    assert_eq!(
        parsed(text).1.len(),
        2,
        "the error in `a` and the missing `}}`"
    );
    // An earlier loose error stays loose.
    assert_eq!(
        recovered_heads("serv\nservice b {\n  port = 81\n"),
        Ok((vec!["service b (broken)".to_string()], true))
    );
}

#[test]
fn errors_inside_an_unclosed_block_need_not_stop_recovery() {
    // Everything after its `{` is unknown anyway: an error on a line with a
    // brace there, or errors past the limit, leave the rest as known as it is.
    for text in [
        "service a {\n}\nservice b {\n  health { path = = 1 }\n",
        "service a {\n}\nservice b { port = = 1\n",
        &("service a {\n}\nservice b {\n".to_string()
            + &"  x = = 1\n".repeat(MAX_SYNTAX_ERRORS + 2)),
    ] {
        assert_eq!(
            recovered_heads(text),
            Ok((
                vec!["service a".to_string(), "service b (broken)".into()],
                false
            )),
            "{text:?}"
        );
    }
}

#[test]
fn unicode_before_and_after_the_brace_keeps_every_span_whole() {
    let text =
        "# café ☕\nservice a {\n  image = \"é\"\n}\nservice \"ñandú\" {\n  image = \"日本\" # ✓\n";
    assert_eq!(
        recovered_heads(text),
        Ok((
            vec!["service a".to_string(), "service ñandú (broken)".into()],
            false
        ))
    );
    assert_eq!(
        stub_text(text),
        "service \"ñandú\" {\n  image = \"日本\" # ✓\n"
    );
}

#[test]
fn a_directive_before_an_unclosed_block_targets_its_stub() {
    let text = "# scalec: allow K104 batch\nservice b {\n  port = 81\n";
    let (Parsed::Recovered(recovered), _) = parsed(text) else {
        panic!("recovered")
    };
    assert_spans_in(text, &recovered);
    let [directive] = recovered.ast.directives.as_slice() else {
        panic!("one directive")
    };
    let crate::ast::DirectiveKind::Allow {
        target: Some(target),
        ..
    } = &directive.kind
    else {
        panic!("an allow with a target: {directive:?}")
    };
    assert_eq!(Some(*target), recovered.broken.first().copied());
}

/// The bundled policies, by path.
fn policies() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut files = Vec::new();
    for project in std::fs::read_dir(&root).expect("policies/") {
        for file in std::fs::read_dir(project.expect("an entry").path()).expect("a project") {
            let path = file.expect("an entry").path();
            if path.extension().is_some_and(|e| e == "scale") {
                let text = std::fs::read_to_string(&path).expect("a readable policy");
                files.push((path.display().to_string(), text));
            }
        }
    }
    files
}

/// Cut at any line end, a well-formed file is known up to its last
/// top-level item that the cut leaves whole; the one the cut runs into is a
/// stub, and nothing is loose.
#[test]
fn every_prefix_of_a_policy_is_known_up_to_the_cut() {
    let files = policies();
    assert!(files.len() >= 5, "the bundled policies: {files:?}");
    let mut stubs = 0;
    for (path, text) in &files {
        let (Parsed::Whole(whole), _) = parsed(text) else {
            panic!("{path} parses")
        };
        let cuts = crate::source::line_breaks(text).flat_map(|b| [b.start, b.end]);
        for cut in cuts {
            let prefix = &text[..cut];
            let kept: Vec<_> = (whole.items.iter())
                .filter(|i| i.span().end <= cut)
                .cloned()
                .collect();
            let cut_into = whole
                .items
                .iter()
                .find(|i| i.span().start < cut && cut < i.span().end);
            let (parsed, _) = parsed(prefix);
            match (parsed, cut_into) {
                (Parsed::Whole(ast), None) => assert_eq!(ast.items, kept, "{path} cut at {cut}"),
                (Parsed::Recovered(recovered), Some(item)) => {
                    assert_spans_in(prefix, &recovered);
                    let stub = Span {
                        end: cut,
                        ..item.span()
                    };
                    assert_eq!(recovered.broken, [stub], "{path} cut at {cut}");
                    assert!(!recovered.loose, "{path} cut at {cut}");
                    let (last, before) = recovered.ast.items.split_last().expect("the stub");
                    assert_eq!(before, kept, "{path} cut at {cut}");
                    assert_eq!(last.span(), stub);
                    stubs += 1;
                }
                (parsed, _) => panic!("{path} cut at {cut}: {parsed:?}"),
            }
        }
    }
    assert!(stubs > 100, "most cuts fall inside a block: {stubs}");
}
