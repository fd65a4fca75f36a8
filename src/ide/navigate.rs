//! Go to definition and find references, for metrics, queues, services and
//! databases.
//!
//! A metric or queue is declared by the label of its block and referred to
//! by the label of each `scale` block that scales on it, in the service or
//! `defaults` blocks of any file of the project. A service or database is
//! declared by its label and referred to by the names in `calls` (`cart`,
//! and `payments` in `payments(grpc)`), in the same blocks. A `trigger_auth`
//! is referred to by the `auth` of queues (not `auth = operator`, which is
//! KEDA's own identity).

use crate::source::{FileId, Span};

use super::{Analysis, declarations, name_at, references_to};

/// Where the name under the cursor at `offset` in `file` is declared: the
/// label of its block, in whichever file of the project holds it (more than
/// one when it is declared twice). On a declaration, the declaration itself.
/// Empty when the cursor is on no name, or on one that is not declared.
pub fn definition(analysis: &Analysis<'_>, file: FileId, offset: usize) -> Vec<Span> {
    let Some(name) = name_at(analysis, file, offset) else {
        return Vec::new();
    };
    declarations(analysis, file, &name.kinds, &name.name)
}

/// Every place that names what the cursor at `offset` in `file` is on, in
/// the files of its project, in file order: the declarations when
/// `include_declaration`, then the references.
pub fn references(
    analysis: &Analysis<'_>,
    file: FileId,
    offset: usize,
    include_declaration: bool,
) -> Vec<Span> {
    let Some(name) = name_at(analysis, file, offset) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if include_declaration {
        out.extend(declarations(analysis, file, &name.kinds, &name.name));
    }
    out.extend(references_to(analysis, file, &name.kinds, &name.name));
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::testing::workspace;

    const SIGNALS: &str = "metric rps {\n  kind = pods\n}\n\nqueue jobs {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/jobs\"\n}\n";
    const SERVICES: &str = "defaults {\n  scale rps { average = 10 }\n}\n\nservice api {\n  image = \"a:1\"\n  replicas = 2 .. 8\n  scale jobs { average = 5 }\n  scale rps { average = 20 }\n}\n";

    fn text_of(analysis: &Analysis<'_>, span: Span) -> String {
        analysis.text(span.file)[span.start..span.end].to_string()
    }

    #[test]
    fn a_scale_label_leads_to_the_metric_in_another_file() {
        let ws = workspace(&[("p/signals.scale", SIGNALS), ("p/services.scale", SERVICES)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let services = FileId(1);
        let at = SERVICES.find("scale jobs").unwrap() + "scale j".len();
        let found = definition(&analysis, services, at);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].file, FileId(0));
        assert_eq!(text_of(&analysis, found[0]), "jobs");
        assert_eq!(found[0].start, SIGNALS.find("jobs").unwrap());
        // cpu and memory are resources, declared nowhere.
        let ws = workspace(&[(
            "p/a.scale",
            "service a {\n  scale cpu { utilization = 50% }\n}\n",
        )]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        assert!(definition(&analysis, FileId(0), 22).is_empty());
    }

    #[test]
    fn references_of_a_metric_from_its_declaration() {
        let ws = workspace(&[("p/signals.scale", SIGNALS), ("p/services.scale", SERVICES)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let found = references(&analysis, FileId(0), SIGNALS.find("rps").unwrap(), true);
        let places: Vec<(FileId, String)> = found
            .iter()
            .map(|s| (s.file, text_of(&analysis, *s)))
            .collect();
        assert_eq!(
            places,
            [
                (FileId(0), "rps".to_string()),
                (FileId(1), "rps".to_string()),
                (FileId(1), "rps".to_string())
            ]
        );
        let without = references(&analysis, FileId(0), SIGNALS.find("rps").unwrap(), false);
        assert_eq!(without.len(), 2);
        assert!(without.iter().all(|s| s.file == FileId(1)));
    }

    #[test]
    fn a_service_is_referred_to_only_by_its_declaration() {
        let ws = workspace(&[("p/signals.scale", SIGNALS), ("p/services.scale", SERVICES)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let at = SERVICES.find("api").unwrap();
        let found = references(&analysis, FileId(1), at, true);
        assert_eq!(found, [Span::new(FileId(1), at, at + 3)]);
        assert_eq!(definition(&analysis, FileId(1), at), found);
    }

    const ENVIRONMENTS: &str = "environment prod {\n  service api {\n    replicas = 3 .. 9\n    scale jobs { average = 9 }\n  }\n\n  queue jobs { url = \"https://sqs.us-east-1.amazonaws.com/1/prod-jobs\" }\n}\n";

    #[test]
    fn an_override_leads_to_the_block_it_changes_and_counts_as_its_reference() {
        let ws = workspace(&[
            ("p/signals.scale", SIGNALS),
            ("p/services.scale", SERVICES),
            ("p/z.scale", ENVIRONMENTS),
        ]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let environments = FileId(2);
        let api = ENVIRONMENTS.find("api").unwrap();
        let base = SERVICES.find("api").unwrap();
        assert_eq!(
            definition(&analysis, environments, api),
            [Span::new(FileId(1), base, base + 3)]
        );
        // The queue's override, and the `scale` block in a service's override.
        let jobs = ENVIRONMENTS.find("queue jobs").unwrap() + "queue ".len();
        let declared = SIGNALS.find("jobs").unwrap();
        assert_eq!(
            definition(&analysis, environments, jobs),
            [Span::new(FileId(0), declared, declared + 4)]
        );
        let scale = ENVIRONMENTS.find("scale jobs").unwrap() + "scale ".len();
        assert_eq!(
            definition(&analysis, environments, jobs),
            definition(&analysis, environments, scale)
        );
        let found = references(&analysis, FileId(0), declared, false);
        let places: Vec<(FileId, usize)> = found.iter().map(|s| (s.file, s.start)).collect();
        assert_eq!(
            places,
            [
                (
                    FileId(1),
                    SERVICES.find("scale jobs").unwrap() + "scale ".len()
                ),
                (environments, scale),
                (environments, jobs),
            ]
        );
        // A service's references include the environments' overrides of it.
        assert_eq!(
            references(&analysis, FileId(1), base, false),
            [Span::new(environments, api, api + 3)]
        );
    }

    const CALLS: &str = "service cart {\n  image = \"a:1\"\n  port http { number = 8080 }\n}\n\ndatabase orders {\n  engine = mongodb\n  shards = 1\n}\n";
    const CALLERS: &str = "defaults {\n  calls = [orders]\n}\n\nservice web {\n  image = \"a:1\"\n  calls = [cart(http), orders]\n}\n\nservice batch {\n  image = \"a:1\"\n  calls = [cart]\n}\n";

    #[test]
    fn names_in_calls_lead_to_services_and_databases() {
        let ws = workspace(&[("p/a.scale", CALLS), ("p/b.scale", CALLERS)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let callers = FileId(1);
        // `cart` of `cart(http)`, and a bare `orders`.
        let on_call = CALLERS.find("cart(http)").unwrap() + 1;
        let found = definition(&analysis, callers, on_call);
        assert_eq!(found, [Span::new(FileId(0), 8, 12)]);
        let on_word = CALLERS.find("orders]").unwrap() + 2;
        let found = definition(&analysis, callers, on_word);
        let orders = CALLS.find("orders").unwrap();
        assert_eq!(found, [Span::new(FileId(0), orders, orders + 6)]);
        // A port inside the parentheses is not a service's name.
        let on_port = CALLERS.find("http)").unwrap() + 1;
        assert!(definition(&analysis, callers, on_port).is_empty());
        // Nor is a word outside `calls`.
        assert!(definition(&analysis, callers, CALLERS.find("a:1").unwrap()).is_empty());
    }

    #[test]
    fn references_of_a_service_and_a_database_are_their_calls() {
        let ws = workspace(&[("p/a.scale", CALLS), ("p/b.scale", CALLERS)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let places = |file: FileId, needle: &str| -> Vec<(FileId, usize)> {
            let text = [CALLS, CALLERS][file.0 as usize];
            references(&analysis, file, text.find(needle).unwrap(), true)
                .iter()
                .map(|s| {
                    assert_eq!(s.end - s.start, needle.len());
                    (s.file, s.start)
                })
                .collect()
        };
        let all = |text: &str, needle: &str| -> Vec<usize> {
            text.match_indices(needle).map(|(at, _)| at).collect()
        };
        let cart: Vec<(FileId, usize)> = std::iter::once((FileId(0), CALLS.find("cart").unwrap()))
            .chain(all(CALLERS, "cart").into_iter().map(|at| (FileId(1), at)))
            .collect();
        assert_eq!(cart.len(), 3);
        assert_eq!(places(FileId(0), "cart"), cart);
        // From a reference, the same places; `defaults` refers too.
        assert_eq!(places(FileId(1), "cart"), cart);
        let orders: Vec<(FileId, usize)> =
            std::iter::once((FileId(0), CALLS.find("orders").unwrap()))
                .chain(all(CALLERS, "orders").into_iter().map(|at| (FileId(1), at)))
                .collect();
        assert_eq!(orders.len(), 3);
        assert_eq!(places(FileId(0), "orders"), orders);
    }

    #[test]
    fn a_queue_auth_leads_to_its_trigger_auth_but_operator_to_nothing() {
        let text = "trigger_auth reader {\n  pod_identity = aws\n}\n\nqueue jobs {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/jobs\"\n  auth = reader\n}\n\nqueue mails {\n  provider = aws-sqs\n  url = \"https://sqs.us-east-1.amazonaws.com/1/mails\"\n  auth = operator\n}\n";
        let ws = workspace(&[("p/a.scale", text)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let declared = text.find("reader").unwrap();
        let used = text.rfind("reader").unwrap();
        let found = definition(&analysis, FileId(0), used + 2);
        assert_eq!(found, [Span::new(FileId(0), declared, declared + 6)]);
        let all = references(&analysis, FileId(0), declared, true);
        assert_eq!(
            all,
            [
                Span::new(FileId(0), declared, declared + 6),
                Span::new(FileId(0), used, used + 6)
            ]
        );
        let operator = text.find("operator").unwrap();
        assert!(definition(&analysis, FileId(0), operator).is_empty());
    }

    #[test]
    fn navigation_works_in_a_file_with_a_syntax_error() {
        let broken =
            format!("{SERVICES}service web {{\n  image = \n  scale rps {{ average = 1 }}\n");
        let ws = workspace(&[("p/signals.scale", SIGNALS), ("p/services.scale", &broken)]);
        let analysis = Analysis::new(&ws.sources, &ws.projects);
        let at = broken.rfind("rps").unwrap();
        let found = definition(&analysis, FileId(1), at);
        assert_eq!(found, [Span::new(FileId(0), 7, 10)]);
        let all = references(&analysis, FileId(0), 8, false);
        assert_eq!(all.len(), 3);
        assert_eq!(all[2], Span::new(FileId(1), at, at + 3));
    }
}
