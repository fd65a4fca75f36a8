//! A large file parsed in parts, on every core.
//!
//! Items end at line ends, so a file can be cut at any line start that lies
//! outside every block, list and call (and so outside every string and
//! comment, which end with their line). Each part is then a file of its own
//! in the grammar, and when every part parses, the parts' items and comments,
//! moved to their place in the file, are exactly the file's tree: the whole
//! file is the parts' concatenation, each part ending in a line break that
//! separates its last item from the next part's first. Parts are read by the
//! fast parser ([`super::fast`]); when it gives up on any part, the caller
//! parses the whole file as usual, so errors are found and worded as they
//! always are.

use rayon::prelude::*;

use super::fast;
use super::nesting::code_bytes;
use crate::ast::{Ast, Comment, Item};
use crate::source::SourceFile;

/// Files smaller than this are parsed whole: splitting costs more than it
/// saves.
const MIN_FILE: usize = 256 * 1024;

/// About how large each part is.
const PART: usize = 128 * 1024;

/// The tree of `file` parsed in parts in parallel, or `None` when the file
/// is small, cannot be cut, or a part does not parse cleanly.
pub(super) fn parse(file: &SourceFile) -> Option<Ast> {
    if file.text.len() < MIN_FILE {
        return None;
    }
    let cuts = cuts(&file.text, PART);
    if cuts.len() < 2 {
        return None;
    }
    let bounds: Vec<(usize, usize)> = cuts
        .iter()
        .zip(cuts.iter().skip(1).chain([&file.text.len()]))
        .map(|(&start, &end)| (start, end))
        .collect();
    let parts: Vec<Option<(Vec<Item>, Vec<Comment>)>> = bounds
        .par_iter()
        .map(|&(start, end)| fast::parse(file.id, &file.text[start..end], start))
        .collect();
    let parts: Vec<(Vec<Item>, Vec<Comment>)> = parts.into_iter().collect::<Option<_>>()?;
    let mut items = Vec::with_capacity(parts.iter().map(|(i, _)| i.len()).sum());
    let mut comments = Vec::with_capacity(parts.iter().map(|(_, c)| c.len()).sum());
    for (part_items, part_comments) in parts {
        items.extend(part_items);
        comments.extend(part_comments);
    }
    let directives = super::directives::read(&file.text, &comments, &items);
    Some(Ast {
        file: file.id,
        items,
        comments,
        directives,
    })
}

/// Where to cut `text` into parts of about `size` bytes: `0`, then line
/// starts outside every bracket, each the first such at least `size` past
/// the previous cut. Brackets are counted outside strings and comments; a
/// text whose brackets do not balance is cut nowhere after the first
/// imbalance, which is harmless (the parts then fail to parse and the
/// caller parses the whole file).
fn cuts(text: &str, size: usize) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut cuts = vec![0];
    let mut depth: usize = 0;
    for (i, byte) in code_bytes(text) {
        match byte {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return cuts,
            },
            // `\r\n` is one line break: its line starts after the `\n`.
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {}
            b'\n' | b'\r' => {
                let next = i + 1;
                let last = *cuts.last().expect("0 is a cut");
                if depth == 0 && next < bytes.len() && next - last >= size {
                    cuts.push(next);
                }
            }
            _ => {}
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;
    use crate::syntax::{Rule, ScaleParser};
    use pest::Parser as _;

    #[test]
    fn cuts_fall_at_line_starts_outside_brackets_strings_and_comments() {
        let text = "a {\n  b = [\n 1\n ]\n}\nc = \"{\"\r\nd = 2 # (\ne = 3\n";
        // With a size of 1, every line start that may be cut is.
        let cuts = cuts(text, 1);
        let at: Vec<&str> = cuts.iter().map(|&c| &text[c..]).collect();
        assert_eq!(
            at,
            [
                text,
                "c = \"{\"\r\nd = 2 # (\ne = 3\n",
                "d = 2 # (\ne = 3\n",
                "e = 3\n"
            ]
        );
        assert_eq!(super::cuts("a }\nb {\n", 1), [0]);
    }

    #[test]
    fn a_file_parsed_in_parts_is_the_file_parsed_whole() {
        let mut text = String::from("# policy\r\ncluster c {\n  kubernetes = \"1.34\"\n}\n");
        let mut n = 0;
        while text.len() < 2 * MIN_FILE {
            text.push_str(&format!(
                "# scalec: allow K104 a reason\nservice s{n} {{ # é {{\n  image = \"r/s:{n}\"\n  env {{ A = \"}}\\u{{e9}}\" }}\n  replicas = [\n    1,\n  ]\n}}\r\nmetric m{n} {{ kind = pods }}; x{n} = 1\n"
            ));
            n += 1;
        }
        let mut map = SourceMap::new();
        let id = map.add("big.scale", &text);
        let file = map.get(id);
        let parts = parse(file).expect("parsed in parts");
        assert!(cuts(&file.text, PART).len() > 2);
        let root = ScaleParser::parse(Rule::file, &file.text)
            .expect("parses")
            .next()
            .expect("a file");
        let mut sink = Vec::new();
        let whole = super::super::build::build_file(id, root, &mut sink);
        assert!(sink.is_empty());
        // Equal trees, and equal spans too.
        assert_eq!(parts, whole);
        assert_eq!(format!("{parts:?}"), format!("{whole:?}"));
    }

    #[test]
    fn a_part_that_does_not_parse_gives_way_to_the_whole_file() {
        let mut text = "x = 1\n".repeat(MIN_FILE / 6 + 1);
        text.push_str("y = = 2\n");
        let mut map = SourceMap::new();
        let id = map.add("big.scale", &text);
        assert!(parse(map.get(id)).is_none());
        let small = map.add("small.scale", "x = 1\n");
        assert!(parse(map.get(small)).is_none());
    }
}
