declare_rule! {
    /// ## What it does
    /// Flags a `# scalec: allow` comment that gives no reason.
    ///
    /// ## Why it is unsafe
    /// A suppression turns off a safety check for one block. Without a reason,
    /// the next engineer cannot tell a deliberate exception (a batch worker that
    /// may restart) from a silenced outage waiting to happen, and nobody dares
    /// to remove it when the situation changes.
    ///
    /// ## Example
    /// ```scale
    /// # scalec: allow K104
    /// service batch {
    ///   image    = "registry.example.com/batch:1.0.0"
    ///   replicas = 1
    /// }
    /// ```
    ///
    /// ## Fix
    /// Say why the finding does not apply, after the rule:
    /// ```scale
    /// # scalec: allow K104 nightly batch job, a restart only delays it
    /// service batch {
    ///   image    = "registry.example.com/batch:1.0.0"
    ///   replicas = 1
    /// }
    /// ```
    ///
    /// ## See also
    /// S002 (unused-suppression), S003 (malformed-directive).
    pub RULE {
        id: S001,
        name: "suppression-without-reason",
        severity: Warning,
        summary: "a `# scalec: allow` comment gives no reason",
        check: None,
    }
}
