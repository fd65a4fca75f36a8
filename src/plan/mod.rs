//! `scalec plan`: replaying load against a policy offline. This stage reads
//! the model and writes nothing: [`profile`] is the load, [`hpa`] the
//! HorizontalPodAutoscaler's algorithm, [`replay`] steps every service
//! through time under the load.

use crate::model::Project;

pub mod chart;
pub mod hpa;
pub mod json;
pub mod profile;
pub mod replay;
pub mod table;

/// A time of the replay as people read it: `45s`, `12m30s`, `1h05m`.
pub fn clock(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (h, m, s) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s:02}s"),
        (h, 0, 0) => format!("{h}h"),
        (h, m, 0) => format!("{h}h{m:02}m"),
        (h, m, s) => format!("{h}h{m:02}m{s:02}s"),
    }
}

/// One project's replay and what the replay rules found in it.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The project's name, as `build` names its output directory.
    pub project: String,
    pub profile: profile::Profile,
    pub replay: replay::Replay,
    /// Findings of the replay rules (P codes), with the project's settings,
    /// the command line's and the suppressions applied.
    pub findings: Vec<crate::diag::Diagnostic>,
}

/// Replays `profile` against `project` and judges the replay.
pub fn plan(
    project: &Project,
    name: &str,
    profile: profile::Profile,
    options: &crate::lint::Options,
) -> Plan {
    use crate::lint::rules::{
        p401_max_before_peak as p401, p402_backlog_never_drains as p402, p403_flapping as p403,
        p404_nodes_exhausted as p404,
    };
    let replay = replay::replay(project, &profile);
    let mut findings = Vec::new();
    p401::judge(&p401::RULE, project, &replay, &mut findings);
    p402::judge(&p402::RULE, project, &replay, &mut findings);
    p403::judge(&p403::RULE, project, &replay, &mut findings);
    p404::judge(&p404::RULE, project, &replay, &mut findings);
    let findings = crate::lint::settle_replay(project, options, findings);
    Plan {
        project: name.to_string(),
        profile,
        replay,
        findings,
    }
}
