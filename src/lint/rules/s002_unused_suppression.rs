declare_rule! {
    /// ## What it does
    /// Flags a `# scalec: allow` comment that silences nothing: the rule it names
    /// finds nothing in the block or attribute on the next line, or no block or
    /// attribute follows the comment.
    ///
    /// ## Why it is unsafe
    /// A stale suppression hides the next real finding at that place: once the
    /// block changes, an unsafe value slips through unreported. It also often
    /// means the comment sits one line too far from what it was meant to silence.
    ///
    /// ## Example
    /// ```scale
    /// service api {
    ///   image    = "registry.example.com/api:1.0.0"
    ///   # scalec: allow K104 kept from when this was a single pod
    ///   replicas = 3 .. 10
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the comment, or move it to the line right before the block or
    /// attribute it should silence.
    ///
    /// ## See also
    /// S001 (suppression-without-reason).
    pub RULE {
        id: S002,
        name: "unused-suppression",
        severity: Warning,
        summary: "a `# scalec: allow` comment silences nothing",
        check: None,
    }
}
