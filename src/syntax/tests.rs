use super::*;
use crate::source::SourceMap;

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
fn explore() {
    for t in [
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
    ] {
        println!("{t:?}\n   => {}", error_of(t));
    }
}
