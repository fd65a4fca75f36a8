//! Attacks on the parser and the formatter: nesting deep enough to overflow
//! a recursive stage's stack, nesting that made the formatter exponential,
//! large flat files, and line endings that made `fmt` change what `check`
//! says.

use crate::sandbox::{GOOD_POLICY, Sandbox, assert_unchanged_except};

/// The nesting limit of `{`, `[` and `(` (`scalec::syntax::MAX_NESTING`).
const LIMIT: usize = scalec::syntax::MAX_NESTING;

/// Runs check, fmt (in place) and build on a project whose one file is
/// `text`: each must exit 1 with E001 and leave every file as it was.
#[track_caller]
fn every_command_rejects_without_writing(text: &str) {
    let sandbox = Sandbox::new();
    sandbox.write("policies/deep/policy.scale", text);
    sandbox.write("policies/deep/good.scale", GOOD_POLICY);
    let before = sandbox.snapshot();
    for args in [
        &["check", "policies"][..],
        &["check", "--format", "json", "policies"],
        &["fmt", "policies"],
        &["build", "policies", "-o", "out"],
    ] {
        sandbox.run(args).expect_code(1).expect_diagnostic("E001");
        assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
    }
    let short = sandbox.run(&["check", "--format", "short", "policies"]);
    assert!(
        short
            .stdout
            .contains("error[E001]: blocks, lists or calls are nested too deeply"),
        "{}",
        short.stdout
    );
}

/// A block nested `depth` levels deep, each level on its own line.
fn nested_blocks(depth: usize) -> String {
    "service a {\n".repeat(depth) + "  x = 1\n" + &"}\n".repeat(depth)
}

/// `x = [f([f(...1...)])]` nested `depth` levels deep.
fn nested_values(depth: usize) -> String {
    let mut text = String::from("x = ");
    for level in 0..depth {
        text.push_str(if level % 2 == 0 { "[" } else { "f(" });
    }
    text.push('1');
    for level in (0..depth).rev() {
        text.push(if level % 2 == 0 { ']' } else { ')' });
    }
    text + "\n"
}

// The depths: where the old tree builder or formatter overflowed its stack
// in a debug build, and in a release build, up to the tester's deepest.

#[test]
fn braces_nested_22000_deep_are_e001_not_a_stack_overflow() {
    for depth in [4_000, 10_000, 22_000] {
        every_command_rejects_without_writing(&nested_blocks(depth));
        every_command_rejects_without_writing(&"a{".repeat(depth));
    }
}

#[test]
fn lists_nested_20000_deep_are_e001_not_a_stack_overflow() {
    for depth in [2_000, 7_000, 20_000] {
        let open = "[".repeat(depth);
        every_command_rejects_without_writing(&format!("a = {open}{}\n", "]".repeat(depth)));
        every_command_rejects_without_writing(&format!("a = {open}\n"));
    }
}

#[test]
fn mixed_nesting_of_blocks_lists_and_calls_is_e001_not_a_stack_overflow() {
    for (blocks, values) in [(1_000, 2_000), (5_000, 20_000)] {
        let text = "b {\n".repeat(blocks) + &nested_values(values) + &"}\n".repeat(blocks);
        every_command_rejects_without_writing(&text);
    }
    // One level past the limit is enough.
    every_command_rejects_without_writing(&nested_values(LIMIT + 1));
}

#[test]
fn nesting_at_the_limit_checks_and_formats() {
    let sandbox = Sandbox::new();
    sandbox.write("p/blocks.scale", nested_blocks(LIMIT));
    sandbox.write("p/values.scale", nested_values(LIMIT));
    // Unknown blocks and attributes, but no syntax error.
    let check = sandbox.run(&["check", "--format", "short", "p"]);
    check.expect_code(1).expect_diagnostic("E002");
    assert!(!check.stdout.contains("E001"), "{}", check.stdout);
    sandbox.run(&["fmt", "p"]).expect_code(0);
    sandbox.run(&["fmt", "--check", "p"]).expect_code(0);
}

#[test]
fn fmt_of_lists_nested_to_the_limit_is_not_exponential() {
    // A 99-byte file of nested lists took over two minutes: each level
    // printed its items once to measure them and again to wrap them. At the
    // limit that would be 2^64 prints; now each value is measured once.
    let sandbox = Sandbox::new();
    let lists = "[".repeat(LIMIT) + &"]".repeat(LIMIT);
    // Each level adds `[`; the innermost `f(.., [..])` two more.
    let wide = (0..LIMIT - 2).fold("1".to_string(), |inner, i| {
        format!("[{inner}, item{i}, f(item{i}, [{i}])]")
    });
    sandbox.write("p/lists.scale", format!("a = {lists}\nb = {wide}\n"));
    let before = sandbox.snapshot();
    sandbox.run(&["fmt", "--check", "p"]).expect_code(1);
    assert_unchanged_except(&before, &sandbox.snapshot(), &[]);
    sandbox.run(&["fmt", "p"]).expect_code(0);
    sandbox.run(&["fmt", "--check", "p"]).expect_code(0);
    let formatted = sandbox.read("p/lists.scale");
    assert!(formatted.starts_with("a = [\n  [\n    [\n"), "{formatted}");
    assert!(formatted.contains("item61,"), "{formatted}");
}

#[test]
fn fmt_of_many_braces_nested_to_the_limit_finishes_in_bound() {
    // Each level's text used to be copied into its parent's, so time grew
    // with depth times size: cubic on the tester's 10,000-level files, which
    // the nesting limit now rejects. This guards the limit's worst case: many
    // limit-deep chains with wide leaves in one file, written once.
    let sandbox = Sandbox::new();
    let leaf = (0..50)
        .map(|i| format!("attribute_{i} = {i}; "))
        .collect::<String>();
    let chain = "b {".repeat(LIMIT - 1) + &format!("c {{ {leaf} }}") + &"}".repeat(LIMIT - 1);
    let text = (0..100).map(|_| chain.clone() + "\n").collect::<String>();
    sandbox.write("p/braces.scale", text);
    sandbox.run(&["fmt", "p"]).expect_code(0);
    sandbox.run(&["fmt", "--check", "p"]).expect_code(0);
    let formatted = sandbox.read("p/braces.scale");
    let deepest = format!("{}attribute_49 = 49\n", "  ".repeat(LIMIT));
    assert_eq!(formatted.matches(&deepest).count(), 100);
}

#[test]
fn fmt_of_a_large_flat_file_finishes_in_bound() {
    let sandbox = Sandbox::new();
    let services: String = (0..20_000)
        .map(|i| format!("service s{i} {{ image = \"r/s{i}:1\"; replicas = 2 .. {i} }}\n"))
        .collect();
    let list = (0..100_000).map(|i| i.to_string()).collect::<Vec<_>>();
    sandbox.write("p/services.scale", services);
    sandbox.write("q/list.scale", format!("a = [{}]\n", list.join(", ")));
    sandbox.run(&["fmt", "p", "q"]).expect_code(0);
    sandbox.run(&["fmt", "--check", "p", "q"]).expect_code(0);
    assert!(sandbox.read("q/list.scale").contains("\n  99999,\n]\n"));
}

/// A policy whose findings depend on line breaks: a suppression that
/// silences the next line, a blank line that ends it, and positions.
const LINE_SENSITIVE: &str = r#"# web tier
service api {
  # scalec: allow K117 pinned by the deploy tool
  image    = "registry.example.com/api:latest"
  replicas = 2 .. 4

  # scalec: allow K104 not attached: a blank line follows

  scale cpu { utilization = 70% }
}
"#;

#[test]
fn lone_cr_file_checks_the_same_as_lf_and_crlf_before_and_after_fmt() {
    let sandbox = Sandbox::new();
    for (name, newline) in [("lf", "\n"), ("crlf", "\r\n"), ("cr", "\r")] {
        sandbox.write(
            &format!("{name}/policy.scale"),
            LINE_SENSITIVE.replace('\n', newline),
        );
    }
    let findings = |dir: &str| {
        let outcome = sandbox.run(&["check", "--format", "short", dir]);
        outcome.expect_code(1);
        outcome.stdout.replace(&format!("{dir}/"), "")
    };
    let expected = findings("lf");
    // The suppression on line 3 silences the moving tag on line 4; the one
    // on line 7 has a blank line after it, so it silences nothing.
    assert!(!expected.contains("K117"), "{expected}");
    assert!(
        expected.contains("policy.scale:7:3: warning[S002]"),
        "{expected}"
    );
    assert!(
        expected.contains("policy.scale:9:29: error[K105]"),
        "{expected}"
    );
    assert_eq!(findings("crlf"), expected);
    assert_eq!(findings("cr"), expected);
    for name in ["lf", "crlf", "cr"] {
        sandbox.run(&["fmt", name]).expect_code(0);
        assert!(!sandbox.read(&format!("{name}/policy.scale")).contains('\r'));
        assert_eq!(findings(name), expected, "after fmt of the {name} file");
    }
}
