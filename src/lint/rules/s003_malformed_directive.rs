declare_rule! {
    /// ## What it does
    /// Flags a `# scalec:` comment that is not a valid directive: an unknown verb
    /// (`# scalec: ignore K104`), no rule after `allow`, or a suppression written
    /// at the end of a line instead of on the line before what it silences.
    ///
    /// ## Why it is unsafe
    /// The author meant to silence a finding and believes it is handled, but the
    /// comment does nothing; or worse, it will silence something else after an
    /// edit. Saying so early keeps suppressions few and deliberate.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   replicas = 1   # scalec: allow K104 single pod is fine in staging
    /// }
    /// ```
    ///
    /// ## Fix
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   # scalec: allow K104 single pod is fine in staging
    ///   replicas = 1
    /// }
    /// ```
    ///
    /// ## See also
    /// S001 (suppression-without-reason), S002 (unused-suppression).
    pub RULE {
        id: S003,
        name: "malformed-directive",
        severity: Warning,
        summary: "a `# scalec:` comment is not a valid directive",
        check: None,
    }
}
