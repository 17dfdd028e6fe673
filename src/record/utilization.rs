//! `--with utilization`: what CloudWatch's daily points say of an instance over the window,
//! and whether it sat idle. The points are asked by `utilization/`; this is what a record
//! holds of them, and the one place the `idle` rule is decided.

use aws_sdk_rds::primitives::DateTime;

/// One day in seconds: CloudWatch's period for the daily points.
pub const DAY_SECONDS: i64 = 86_400;

/// The statistic asked of each metric, one query per (instance, metric).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// DatabaseConnections, daily Maximum: short connections show only in the 1-minute
    /// samples, which a daily Maximum keeps and a daily Average smooths away.
    ConnectionsMax,
    CpuAverage,
    CpuMax,
    ReadIopsAverage,
    WriteIopsAverage,
    /// FreeStorageSpace, daily Minimum; not asked for Aurora, which has no such metric.
    FreeStorageMin,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::ConnectionsMax,
        Measure::CpuAverage,
        Measure::CpuMax,
        Measure::ReadIopsAverage,
        Measure::WriteIopsAverage,
        Measure::FreeStorageMin,
    ];

    /// (CloudWatch metric name in `AWS/RDS`, statistic).
    pub fn metric(self) -> (&'static str, &'static str) {
        match self {
            Measure::ConnectionsMax => ("DatabaseConnections", "Maximum"),
            Measure::CpuAverage => ("CPUUtilization", "Average"),
            Measure::CpuMax => ("CPUUtilization", "Maximum"),
            Measure::ReadIopsAverage => ("ReadIOPS", "Average"),
            Measure::WriteIopsAverage => ("WriteIOPS", "Average"),
            Measure::FreeStorageMin => ("FreeStorageSpace", "Minimum"),
        }
    }

    /// The measures asked for an instance of `engine`: Aurora has no FreeStorageSpace.
    pub fn of_engine(engine: Option<&str>) -> &'static [Measure] {
        if engine.is_some_and(|e| e.starts_with("aurora")) {
            &Measure::ALL[..5]
        } else {
            &Measure::ALL
        }
    }
}

/// The window asked: whole UTC days ending at the midnight before the run's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub days: u32,
    pub from: DateTime,
    pub to: DateTime,
}

impl Window {
    /// The `days` whole UTC days before the day `now` falls in.
    pub fn ending_before(now: &DateTime, days: u32) -> Window {
        let to = now.secs().div_euclid(DAY_SECONDS) * DAY_SECONDS;
        Window {
            days,
            from: DateTime::from_secs(to - i64::from(days) * DAY_SECONDS),
            to: DateTime::from_secs(to),
        }
    }
}

/// One instance's utilisation over the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Utilization {
    pub window: Window,
    pub connections_max: Option<f64>,
    pub cpu_avg_percent: Option<f64>,
    pub cpu_max_percent: Option<f64>,
    pub read_iops_avg: Option<f64>,
    pub write_iops_avg: Option<f64>,
    pub free_storage_min_bytes: Option<f64>,
    /// How many daily DatabaseConnections points CloudWatch had.
    pub datapoints: u32,
    pub idle: Option<bool>,
    /// How many metrics were requested for it (what CloudWatch bills).
    pub metrics_requested: u32,
}

impl Utilization {
    /// Folds the daily points of each measure (`points(measure)`: the values CloudWatch
    /// returned, one per day at most) into the record's figures.
    pub fn from_points<'a>(
        window: Window,
        measures: &[Measure],
        points: impl Fn(Measure) -> &'a [f64],
    ) -> Utilization {
        let mean = |m: Measure| {
            let values = points(m);
            (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
        };
        let max = |m: Measure| points(m).iter().copied().reduce(f64::max);
        let min = |m: Measure| points(m).iter().copied().reduce(f64::min);
        let connections = points(Measure::ConnectionsMax);
        let datapoints = u32::try_from(connections.len()).unwrap_or(u32::MAX);
        Utilization {
            window,
            connections_max: max(Measure::ConnectionsMax),
            cpu_avg_percent: mean(Measure::CpuAverage),
            cpu_max_percent: max(Measure::CpuMax),
            read_iops_avg: mean(Measure::ReadIopsAverage),
            write_iops_avg: mean(Measure::WriteIopsAverage),
            free_storage_min_bytes: measures
                .contains(&Measure::FreeStorageMin)
                .then(|| min(Measure::FreeStorageMin))
                .flatten(),
            datapoints,
            idle: idle(connections, window.days),
            metrics_requested: u32::try_from(measures.len()).unwrap_or(u32::MAX),
        }
    }
}

/// True when every day of the window has a point and each is 0; false when any day had a
/// connection; otherwise (a new or stopped instance: fewer points than days) unknown.
pub fn idle(daily_connections_max: &[f64], days: u32) -> Option<bool> {
    if daily_connections_max.iter().any(|v| *v > 0.0) {
        return Some(false);
    }
    (daily_connections_max.len() >= days as usize).then_some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_needs_a_zero_point_for_every_day_and_one_connection_makes_it_busy() {
        assert_eq!(idle(&[0.0; 14], 14), Some(true));
        assert_eq!(idle(&[0.0; 3], 14), None, "three days of data: unknown");
        assert_eq!(idle(&[], 14), None);
        let mut once = [0.0; 14];
        once[6] = 1.0;
        assert_eq!(idle(&once, 14), Some(false));
        assert_eq!(
            idle(&[2.0], 14),
            Some(false),
            "a connection is a connection"
        );
    }

    #[test]
    fn the_window_is_whole_utc_days_before_the_runs_day() {
        let now = DateTime::from_secs(1_700_000_000); // 2023-11-14T22:13:20Z
        let window = Window::ending_before(&now, 14);
        assert_eq!(window.to.secs(), 1_699_920_000); // 2023-11-14T00:00:00Z
        assert_eq!(window.to.secs() - window.from.secs(), 14 * DAY_SECONDS);
    }

    #[test]
    fn figures_fold_the_daily_points_and_aurora_has_no_free_storage() {
        let window = Window::ending_before(&DateTime::from_secs(1_700_000_000), 2);
        let points = |m: Measure| -> &'static [f64] {
            match m {
                Measure::ConnectionsMax => &[3.0, 7.0],
                Measure::CpuAverage => &[10.0, 20.0],
                Measure::CpuMax => &[50.0, 90.0],
                Measure::ReadIopsAverage => &[1.0, 3.0],
                Measure::WriteIopsAverage => &[],
                Measure::FreeStorageMin => &[5e9, 4e9],
            }
        };
        let u = Utilization::from_points(window, &Measure::ALL, points);
        assert_eq!(u.connections_max, Some(7.0));
        assert_eq!(u.cpu_avg_percent, Some(15.0));
        assert_eq!(u.cpu_max_percent, Some(90.0));
        assert_eq!(u.read_iops_avg, Some(2.0));
        assert_eq!(u.write_iops_avg, None);
        assert_eq!(u.free_storage_min_bytes, Some(4e9));
        assert_eq!(
            (u.datapoints, u.idle, u.metrics_requested),
            (2, Some(false), 6)
        );
        let aurora = Measure::of_engine(Some("aurora-postgresql"));
        let u = Utilization::from_points(window, aurora, points);
        assert_eq!((u.free_storage_min_bytes, u.metrics_requested), (None, 5));
    }
}
