//! The load a replay offers: requests per second to services and messages
//! per second into queues, over time.
//!
//! A profile is a set of piecewise-linear series, one per service or queue:
//! between two points the rate changes linearly, as k6 ramps its stages.
//! It comes from a table (`scalec plan --load FILE`), or from the policy's
//! `load` blocks ([`Profile::from_load_blocks`]).
//!
//! The table is whitespace-separated text. `#` starts a comment. The first
//! row names the columns: `time`, then services and queues of the project.
//! Every other row is a time (`0s`, `10m`, `1h`; the first `0s`, each later
//! than the one before) and one rate per column (`1000`, `1.5k`):
//!
//! ```text
//! time  prediction  ingest-events
//! 0s    0           0
//! 10m   1000        2000
//! 70m   1000        2000
//! 80m   0           0
//! ```

use crate::ast::{Quantity, Value, ValueKind};
use crate::diag::{Diagnostic, codes};
use crate::lower::values;
use crate::model::{LoadTest, Project, SignalSource};
use crate::source::{SourceFile, Span};

/// What a series offers load to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sink {
    /// Requests per second sent to a service.
    Service(String),
    /// Messages per second sent to a queue.
    Queue(String),
}

impl Sink {
    pub fn name(&self) -> &str {
        match self {
            Sink::Service(name) | Sink::Queue(name) => name,
        }
    }
}

/// One piecewise-linear rate: `(second, rate in thousandths per second)`
/// points, the first at 0, each later than the one before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Series {
    pub sink: Sink,
    pub points: Vec<(u64, u64)>,
}

impl Series {
    /// The rate at second `t`, in thousandths per second: linear between
    /// points (rounded down), the last point's rate after it.
    pub fn at(&self, t: u64) -> u64 {
        let after = self.points.partition_point(|&(at, _)| at <= t);
        let Some(&(t0, r0)) = after.checked_sub(1).and_then(|i| self.points.get(i)) else {
            return 0;
        };
        let Some(&(t1, r1)) = self.points.get(after) else {
            return r0;
        };
        let (t0, r0, t1, r1, t) = (
            i128::from(t0),
            i128::from(r0),
            i128::from(t1),
            i128::from(r1),
            i128::from(t),
        );
        let rate = r0 + (r1 - r0) * (t - t0) / (t1 - t0);
        u64::try_from(rate).unwrap_or(0)
    }

    /// The highest rate, and the first second it is reached.
    pub fn peak(&self) -> (u64, u64) {
        self.points
            .iter()
            .fold((0, 0), |(best_at, best), &(at, rate)| {
                if rate > best {
                    (at, rate)
                } else {
                    (best_at, best)
                }
            })
    }
}

/// Where a profile came from, for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The policy's `load` blocks, in the shape [`Profile::from_load_blocks`]
    /// gives them.
    LoadBlocks,
    /// A table file, by its file name.
    Table(String),
    /// A `loadtest` block of the policy.
    LoadTest(String),
}

/// The load of one replay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub origin: Origin,
    /// Seconds the replay runs: the last point of the longest series.
    pub duration: u64,
    /// Sorted by sink; one per sink.
    pub series: Vec<Series>,
}

/// The longest replay: a week, in seconds.
pub const MAX_SECONDS: u64 = 7 * 24 * 3600;

/// The shape [`Profile::from_load_blocks`] gives every `load` block: ramp up
/// to the peak, hold it, ramp down, then watch the services scale back.
pub const RAMP_SECONDS: u64 = 10 * 60;
pub const HOLD_SECONDS: u64 = 60 * 60;
pub const RAMP_DOWN_SECONDS: u64 = 10 * 60;
pub const TAIL_SECONDS: u64 = 20 * 60;

impl Profile {
    /// Each `load { peak }` as a ramp from 0 to the peak over 10 minutes, an
    /// hour at the peak, 10 minutes down to 0 and 20 more at 0: the founding
    /// scenario's hour at 10,000 users. A service that scales on a queue
    /// receives its peak as the queue's arrival rate (its first queue, when
    /// it reads several); any other service as requests per second.
    pub fn from_load_blocks(project: &Project) -> Profile {
        let shape = |peak: u64| {
            vec![
                (0, 0),
                (RAMP_SECONDS, peak),
                (RAMP_SECONDS + HOLD_SECONDS, peak),
                (RAMP_SECONDS + HOLD_SECONDS + RAMP_DOWN_SECONDS, 0),
                (
                    RAMP_SECONDS + HOLD_SECONDS + RAMP_DOWN_SECONDS + TAIL_SECONDS,
                    0,
                ),
            ]
        };
        let mut series: Vec<Series> = Vec::new();
        for service in &project.services {
            let Some(load) = &service.load else { continue };
            let queue = service.scaling.iter().find_map(|s| match &s.source.value {
                SignalSource::Queue(queue) => Some(queue.clone()),
                _ => None,
            });
            let sink = match queue {
                Some(queue) => Sink::Queue(queue),
                None => Sink::Service(service.name.value.clone()),
            };
            let peak = load.peak_milli.value;
            match series.iter_mut().find(|s| s.sink == sink) {
                // Two services on one queue: the queue's load is the larger
                // of their peaks, not their sum.
                Some(existing) => {
                    if peak > existing.peak().1 {
                        existing.points = shape(peak);
                    }
                }
                None => series.push(Series {
                    sink,
                    points: shape(peak),
                }),
            }
        }
        Profile::new(Origin::LoadBlocks, series)
    }

    /// The load a `loadtest` drives (see [`LoadTest::offered`]), then 20
    /// minutes at 0 to watch the services scale back. A target on a service
    /// that scales on a queue feeds that queue (its first, when it reads
    /// several), as its requests become the queue's messages.
    pub fn from_loadtest(project: &Project, test: &LoadTest) -> Profile {
        let mut series: Vec<Series> = Vec::new();
        for (service, mut points) in test.offered() {
            let queue = (project.services.iter())
                .find(|s| s.name.value == service)
                .and_then(|s| {
                    s.scaling
                        .iter()
                        .find_map(|signal| match &signal.source.value {
                            SignalSource::Queue(queue) => Some(queue.clone()),
                            _ => None,
                        })
                });
            let sink = match queue {
                Some(queue) => Sink::Queue(queue),
                None => Sink::Service(service),
            };
            if let Some(&(end, _)) = points.last() {
                points.push((end + TAIL_SECONDS, 0));
            }
            match series.iter_mut().find(|s| s.sink == sink) {
                // Two targets feeding one queue: their rates add up.
                Some(existing) => {
                    let times: std::collections::BTreeSet<u64> = (existing.points.iter())
                        .chain(&points)
                        .map(|&(t, _)| t)
                        .collect();
                    let other = Series {
                        sink: sink.clone(),
                        points,
                    };
                    existing.points = times
                        .into_iter()
                        .map(|t| (t, existing.at(t).saturating_add(other.at(t))))
                        .collect();
                }
                None => series.push(Series { sink, points }),
            }
        }
        Profile::new(Origin::LoadTest(test.name.value.clone()), series)
    }

    /// A profile of these series, sorted.
    pub fn new(origin: Origin, mut series: Vec<Series>) -> Profile {
        series.sort_by(|a, b| a.sink.cmp(&b.sink));
        let duration = series
            .iter()
            .filter_map(|s| s.points.last().map(|&(at, _)| at))
            .max()
            .unwrap_or(0);
        Profile {
            origin,
            duration,
            series,
        }
    }

    /// The series of a sink, if the profile offers it load.
    pub fn series(&self, sink: &Sink) -> Option<&Series> {
        self.series.iter().find(|s| &s.sink == sink)
    }

    /// Reads a table (see the module's documentation) whose columns name
    /// services and queues of `project`. Every problem is a diagnostic with
    /// its span in `file`.
    pub fn parse_table(file: &SourceFile, project: &Project) -> Result<Profile, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut rows = rows(file);
        let Some(header) = rows.next() else {
            return Err(vec![
                Diagnostic::error(
                    codes::SYNTAX_ERROR,
                    "the load table is empty",
                    Span::new(file.id, 0, 0),
                )
                .with_label("no header row")
                .with_help("write a header row, `time` and the services or queues, then rows of rates: `time api` / `0s 0` / `10m 500`"),
            ]);
        };
        let mut columns: Vec<Option<Sink>> = Vec::new();
        match header.first() {
            Some(cell) if cell.text == "time" => {}
            Some(cell) => problems.push(
                Diagnostic::error(
                    codes::SYNTAX_ERROR,
                    format!("the first column must be `time`, not `{}`", cell.text),
                    cell.span,
                )
                .with_label("expected `time`")
                .with_help(
                    "the header row names `time`, then the services and queues: `time api orders`",
                ),
            ),
            None => {}
        }
        for cell in header.iter().skip(1) {
            let sink = sink(project, cell, &mut problems);
            if let Some(sink) = &sink
                && columns.iter().flatten().any(|c| c == sink)
            {
                problems.push(
                    Diagnostic::error(
                        codes::DUPLICATE_DEFINITION,
                        format!("`{}` has two columns", cell.text),
                        cell.span,
                    )
                    .with_label("named again")
                    .with_help("give each service or queue one column"),
                );
            }
            columns.push(sink);
        }
        if header.len() < 2 {
            problems.push(
                Diagnostic::error(
                    codes::SYNTAX_ERROR,
                    "the load table names no service or queue",
                    header.first().map_or(Span::new(file.id, 0, 0), |c| c.span),
                )
                .with_label("only `time`")
                .with_help("name the services and queues after `time`: `time api orders`"),
            );
        }
        let mut points: Vec<Vec<(u64, u64)>> = vec![Vec::new(); columns.len()];
        let mut last_time: Option<u64> = None;
        for row in rows {
            if row.len() != header.len() {
                let span = row[0].span.to(row[row.len() - 1].span);
                problems.push(
                    Diagnostic::error(
                        codes::SYNTAX_ERROR,
                        format!(
                            "this row has {} cells; the header has {}",
                            row.len(),
                            header.len()
                        ),
                        span,
                    )
                    .with_label("wrong number of cells")
                    .with_help("write a time and one rate for each column of the header"),
                );
                continue;
            }
            let time = match values::duration_seconds(&quantity(&row[0]), u32::MAX / 2) {
                Ok(seconds) => u64::from(seconds.unsigned_abs()),
                Err(mut problem) => {
                    problem.help.get_or_insert_with(|| {
                        "each row starts with a time: `0s`, `90s`, `10m`, `1h`".into()
                    });
                    problems.push(problem);
                    continue;
                }
            };
            if time > MAX_SECONDS {
                problems.push(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        format!(
                            "the replay covers at most a week; this row is at {}",
                            super::clock(time)
                        ),
                        row[0].span,
                    )
                    .with_label("too late")
                    .with_help("replay a week at most: `168h`"),
                );
                continue;
            }
            let expected_first = last_time.is_none() && time != 0;
            let not_later = last_time.is_some_and(|last| time <= last);
            if expected_first || not_later {
                let (message, help) = if expected_first {
                    ("the first row must be at `0s`", "start the table at `0s`")
                } else {
                    (
                        "each row must come later than the one before",
                        "order the rows by time; write each time once",
                    )
                };
                problems.push(
                    Diagnostic::error(codes::TYPE_MISMATCH, message, row[0].span)
                        .with_label("out of order")
                        .with_help(help),
                );
                continue;
            }
            last_time = Some(time);
            for (cell, column) in row.iter().skip(1).zip(&mut points) {
                match values::number_milli(&quantity(cell)) {
                    Ok(rate) => column.push((time, rate)),
                    Err(mut problem) => {
                        problem.help.get_or_insert_with(|| {
                            "rates are numbers a second, optionally with `k` or `M`: `1000`, `1.5k`"
                                .into()
                        });
                        problems.push(problem);
                    }
                }
            }
        }
        if last_time.is_none() && problems.is_empty() {
            problems.push(
                Diagnostic::error(
                    codes::SYNTAX_ERROR,
                    "the load table has a header and no rows",
                    header[0].span,
                )
                .with_label("no rows follow")
                .with_help("add rows of a time and rates: `0s 0` / `10m 500`"),
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let series = columns
            .into_iter()
            .zip(points)
            .filter_map(|(sink, points)| {
                Some(Series {
                    sink: sink?,
                    points,
                })
            })
            .collect();
        // Named by its file name alone: the report never depends on how the
        // path was spelled.
        let name = (file.path.file_name())
            .map_or_else(|| file.display_path(), |n| n.to_string_lossy().into_owned());
        Ok(Profile::new(Origin::Table(name), series))
    }
}

/// A time written as in the table (`90s`, `12m`, `1h`), in seconds.
pub fn parse_time(text: &str) -> Option<u64> {
    let cell = Cell {
        text,
        span: Span::new(crate::source::FileId(0), 0, text.len()),
    };
    values::duration_seconds(&quantity(&cell), u32::MAX / 2)
        .ok()
        .map(|s| u64::from(s.unsigned_abs()))
}

/// One cell of the table: its text and where it is.
struct Cell<'a> {
    text: &'a str,
    span: Span,
}

/// The rows of the table: cells of every line, comments and blank lines
/// left out.
fn rows(file: &SourceFile) -> impl Iterator<Item = Vec<Cell<'_>>> {
    let text: &str = &file.text;
    crate::source::line_starts(text).filter_map(move |start| {
        let range = start..crate::source::line_end(text, start);
        let line = &text[range.clone()];
        let code = line.split('#').next().unwrap_or("");
        let mut cells = Vec::new();
        let mut at = 0;
        for word in code.split_whitespace() {
            let offset = code[at..].find(word).map_or(at, |i| at + i);
            at = offset + word.len();
            let start = range.start + offset;
            cells.push(Cell {
                text: word,
                span: Span::new(file.id, start, start + word.len()),
            });
        }
        (!cells.is_empty()).then_some(cells)
    })
}

/// A cell as the language's value: digits, then a unit.
fn quantity(cell: &Cell<'_>) -> Value {
    let split = cell
        .text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(cell.text.len());
    let (number, unit) = cell.text.split_at(split);
    let kind = if number.is_empty() {
        ValueKind::Ident(cell.text.to_string())
    } else {
        ValueKind::Quantity(Quantity {
            number: number.to_string(),
            unit: unit.to_string(),
        })
    };
    Value {
        kind,
        span: cell.span,
    }
}

/// The service or queue a header cell names.
fn sink(project: &Project, cell: &Cell<'_>, problems: &mut Vec<Diagnostic>) -> Option<Sink> {
    if project.services.iter().any(|s| s.name.value == cell.text) {
        return Some(Sink::Service(cell.text.to_string()));
    }
    if project.queues.iter().any(|q| q.name.value == cell.text) {
        return Some(Sink::Queue(cell.text.to_string()));
    }
    let names = (project.services.iter().map(|s| s.name.value.as_str()))
        .chain(project.queues.iter().map(|q| q.name.value.as_str()));
    let help = match crate::names::did_you_mean(cell.text, names) {
        Some(close) => format!("did you mean `{close}`?"),
        None => "name a service or a queue of the project".to_string(),
    };
    problems.push(
        Diagnostic::error(
            codes::UNKNOWN_REFERENCE,
            format!(
                "the load table names `{}`, which is not a service or queue of the project",
                cell.text
            ),
            cell.span,
        )
        .with_label("not a service or queue")
        .with_help(help),
    );
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(points: &[(u64, u64)]) -> Series {
        Series {
            sink: Sink::Service("api".into()),
            points: points.to_vec(),
        }
    }

    #[test]
    fn rates_are_linear_between_points_and_flat_after_the_last() {
        let s = series(&[(0, 0), (10, 1000), (20, 1000), (30, 0)]);
        assert_eq!(s.at(0), 0);
        assert_eq!(s.at(5), 500);
        assert_eq!(s.at(10), 1000);
        assert_eq!(s.at(15), 1000);
        assert_eq!(s.at(27), 300);
        assert_eq!(s.at(30), 0);
        assert_eq!(s.at(99), 0);
        // Rounded down: a third of the way from 0 to 1000.
        let s = series(&[(0, 0), (3, 1000)]);
        assert_eq!(s.at(1), 333);
        assert_eq!(s.peak(), (3, 1000));
    }
}
