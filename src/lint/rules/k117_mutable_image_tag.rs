use crate::diag::Diagnostic;
use crate::lint::Rule;
use crate::model::{Project, Spanned};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags a service whose `image` is not pinned: its tag is `latest`, or it
    /// has neither a tag nor a digest (which Kubernetes reads as `latest`).
    ///
    /// The reference is parsed as container runtimes do: a digest follows `@`
    /// (`app@sha256:…`) and pins the image whatever the tag says; the tag is
    /// what follows the last `:` after the last `/`, so in
    /// `registry:5000/app` the `5000` is the registry's port, not a tag.
    ///
    /// ## Why it is unsafe
    /// A tag like `latest` moves with every push. Kubernetes pulls the image
    /// when it starts a pod (and with `latest` or no tag it always pulls), so
    /// each pod added by a scale-out, a node drain or a crash restart may run
    /// different code from the pods beside it. The version mix is invisible in
    /// the manifests, a bad push reaches production without a rollout (and
    /// without the rollout's health checks), and rolling back means pushing
    /// again rather than reverting a manifest.
    ///
    /// The rule fires for every service, autoscaled or not: a fixed-size
    /// service also pulls again whenever one of its pods is rescheduled.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:latest"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name an immutable release tag, or better, the digest of the build:
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.4.2"
    ///   cpu      = 250m
    ///   replicas = 2 .. 20
    ///   scale cpu { utilization = 70% }
    /// }
    /// ```
    /// Every pod now runs the same build, and a new version ships only when
    /// the policy changes, through a rollout. `crane digest IMAGE` or
    /// `docker buildx imagetools inspect IMAGE` prints the digest of what a
    /// tag points at today, to pin the build that is running now.
    ///
    /// ## See also
    /// K114 (no-readiness-probe).
    pub RULE {
        id: K117,
        name: "mutable-image-tag",
        severity: Warning,
        summary: "an image tagged `latest` or not pinned at all, so new pods may run different code",
        check: Some(check),
    }
}

/// How an image reference names its build.
#[derive(Debug, PartialEq, Eq)]
enum Pin<'a> {
    /// `@sha256:…`: immutable, whatever the tag.
    Digest,
    /// `:TAG` after the last `/`.
    Tag { repository: &'a str, tag: &'a str },
    /// Neither: Kubernetes pulls `:latest`.
    Nothing { repository: &'a str },
}

/// Splits an image reference the way container runtimes do.
fn pin(image: &str) -> Pin<'_> {
    let name = match image.split_once('@') {
        Some((_, digest)) if is_digest(digest) => return Pin::Digest,
        Some((name, _)) => name,
        None => image,
    };
    let path_start = name.rfind('/').map_or(0, |slash| slash + 1);
    match name[path_start..].rfind(':') {
        Some(colon) if colon + 1 < name.len() - path_start => {
            let at = path_start + colon;
            Pin::Tag {
                repository: &name[..at],
                tag: &name[at + 1..],
            }
        }
        // `app:` has an empty tag: as good as none.
        Some(colon) => Pin::Nothing {
            repository: &name[..path_start + colon],
        },
        None => Pin::Nothing { repository: name },
    }
}

/// `sha256:` followed by hex digits, or another algorithm of the same shape.
fn is_digest(text: &str) -> bool {
    match text.split_once(':') {
        Some((algorithm, hex)) => {
            !algorithm.is_empty()
                && algorithm
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+._-".contains(c))
                && !hex.is_empty()
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        }
        None => false,
    }
}

fn check(rule: &Rule, project: &Project, out: &mut Vec<Diagnostic>) {
    for service in &project.services {
        let image = &service.image;
        let name = &service.name.value;
        let (finding, repository, tag) = match pin(&image.value) {
            Pin::Digest => continue,
            Pin::Tag { tag, .. } if !tag.eq_ignore_ascii_case("latest") => continue,
            Pin::Tag { repository, tag } => {
                let span = tag_span(image, repository.len(), tag.len());
                (
                    rule.finding(
                        format!("service `{name}` runs the moving tag `{tag}` of `{repository}`"),
                        span,
                    )
                    .with_label("moves with every push"),
                    repository,
                    tag,
                )
            }
            Pin::Nothing { repository } => (
                rule.finding(
                    format!("service `{name}` runs `{repository}` with no tag or digest"),
                    image.span,
                )
                .with_label("no tag: Kubernetes pulls `latest`"),
                repository,
                "latest",
            ),
        };
        let mut finding = finding;
        if let Some(label) = crate::lint::util::inherits(project, service, image.span, "`image`") {
            finding = finding.with_related(service.name.span, label);
        }
        out.push(finding.with_help(format!(
            "pin a release tag, `\"{repository}:VERSION\"`, or a digest, `\"{repository}@sha256:DIGEST\"`; \
             `crane digest {repository}:{tag}` prints the digest of today's build"
        )));
    }
}

/// The span of `:TAG` inside the image string, when the string was written
/// without escapes (so offsets in the value are offsets in the source);
/// otherwise the whole string.
fn tag_span(image: &Spanned<String>, colon: usize, tag: usize) -> Span {
    let span = image.span;
    // The literal is the value plus its two quotes exactly when it has no
    // escape sequences: every escape is longer than the character it stands for.
    let plain = span.end.saturating_sub(span.start) == image.value.len().saturating_add(2);
    if !plain {
        return span;
    }
    let start = span.start + 1 + colon;
    Span::new(span.file, start, start + 1 + tag)
}
